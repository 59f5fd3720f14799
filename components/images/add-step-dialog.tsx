"use client";

import { ImageOff, Plus } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";
import { STEP_GROUPS, stepsInGroup, type StepInfo } from "@/lib/images/catalog";
import type { StepKind } from "@/lib/images/chain";
import { cn } from "@/lib/utils";
import { CHECKER } from "./checker";

// "Add filter": every step kind, grouped, each with a thumbnail of the user's own image with that
// filter at its default settings (GET /api/images/thumbnails, rendered and cached by the server).

export function thumbnailUrl(fileId: string, kind: StepKind): string {
  return `/api/images/thumbnails?${new URLSearchParams({ fileId, kind })}`;
}

function Thumbnail({ fileId, info }: { fileId: string; info: StepInfo }) {
  const [failed, setFailed] = useState(false);
  return (
    <span
      className={cn(
        "flex aspect-square w-full items-center justify-center overflow-hidden rounded-md",
        CHECKER,
      )}
    >
      {failed ? (
        <ImageOff className="size-5 text-muted-foreground" aria-hidden />
      ) : (
        // eslint-disable-next-line @next/next/no-img-element -- a server render, not a static asset
        <img
          src={thumbnailUrl(fileId, info.kind)}
          alt=""
          loading="lazy"
          className="size-full object-cover"
          onError={() => setFailed(true)}
        />
      )}
    </span>
  );
}

export function AddStepDialog({
  fileId,
  onAdd,
  disabled,
}: {
  fileId: string;
  onAdd: (kind: StepKind) => void;
  disabled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button type="button" onClick={() => setOpen(true)} disabled={disabled} className="w-full">
        <Plus aria-hidden />
        Add filter
      </Button>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent className="max-h-[90dvh] max-w-3xl grid-rows-[auto_auto_1fr] overflow-hidden p-0">
          <div className="grid gap-1 px-6 pt-6">
            <DialogTitle>Add a filter</DialogTitle>
            <DialogDescription>
              The thumbnails show each filter on your image with its starting settings.
            </DialogDescription>
          </div>
          <div className="min-h-0 overflow-y-auto px-6 pb-6" data-testid="add-step-menu">
            {open &&
              STEP_GROUPS.map((group) => (
                <section key={group} aria-labelledby={`group-${group}`} className="mt-4 first:mt-0">
                  <h3
                    id={`group-${group}`}
                    className="mb-2 text-xs font-semibold tracking-wide text-muted-foreground uppercase"
                  >
                    {group}
                  </h3>
                  <ul className="grid grid-cols-3 gap-2 sm:grid-cols-5 md:grid-cols-6">
                    {stepsInGroup(group).map((info) => (
                      <li key={info.kind}>
                        <button
                          type="button"
                          className="grid w-full gap-1 rounded-md p-1 text-left hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                          onClick={() => {
                            setOpen(false);
                            onAdd(info.kind);
                          }}
                          title={info.description}
                        >
                          <Thumbnail fileId={fileId} info={info} />
                          <span className="truncate text-xs font-medium">{info.label}</span>
                        </button>
                      </li>
                    ))}
                  </ul>
                </section>
              ))}
          </div>
        </DialogContent>
      </Dialog>
    </>
  );
}
