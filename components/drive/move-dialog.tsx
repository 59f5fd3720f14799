"use client";

import { ChevronRight, HardDrive, Loader2 } from "lucide-react";
import { useActionState, useEffect, useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogTitle,
} from "@/components/ui/dialog";
import { browseFoldersAction, moveAction, type FolderPickerState } from "@/lib/drive/actions";
import type { FormState } from "@/lib/forms";
import { FolderIcon } from "./file-icon";

export type MoveTarget = { kind: "file" | "folder"; id: string; name: string };

type Props = {
  items: MoveTarget[];
  /** Where the items are now, when they all share one folder (not for search results). */
  sourceFolderId: string | null | undefined;
  open: boolean;
  onOpenChange(open: boolean): void;
  onDone(message: string): void;
};

export function MoveDialog({ items, sourceFolderId, open, onOpenChange, onDone }: Props) {
  const what = items.length === 1 ? `“${items[0]?.name ?? ""}”` : `${items.length} items`;
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-lg">
        <DialogTitle className="truncate pr-6">Move {what}</DialogTitle>
        <DialogDescription>Choose a destination folder.</DialogDescription>
        {open && (
          <FolderPicker items={items} sourceFolderId={sourceFolderId ?? null} onDone={onDone} />
        )}
      </DialogContent>
    </Dialog>
  );
}

function FolderPicker({
  items,
  sourceFolderId,
  onDone,
}: {
  items: MoveTarget[];
  sourceFolderId: string | null;
  onDone(message: string): void;
}) {
  const [browsing, setBrowsing] = useState<string | null>(sourceFolderId);
  const [view, setView] = useState<FolderPickerState | null>(null);
  const [loading, startLoading] = useTransition();
  const [state, action, pending] = useActionState<FormState, FormData>(async (prev, formData) => {
    const result = await moveAction(prev, formData);
    if (result.ok) onDone(result.message ?? "Moved.");
    return result;
  }, {});
  const moving = new Set(items.filter((i) => i.kind === "folder").map((i) => i.id));

  useEffect(() => {
    startLoading(async () => {
      const next = await browseFoldersAction(browsing);
      // A folder that vanished meanwhile: fall back to the root rather than a dead end.
      if (!next.ok && browsing !== null) setBrowsing(null);
      else setView(next);
    });
  }, [browsing]);

  const crumbs = view?.ok ? view.breadcrumbs : [];
  const here = crumbs.at(-1)?.name ?? "My Drive";
  const alreadyHere = browsing === sourceFolderId;
  return (
    <form action={action} className="grid gap-3">
      {state.message && !state.ok && <Alert>{state.message}</Alert>}
      {view && !view.ok && <Alert>{view.message}</Alert>}
      {items.map((i) => (
        <input key={`${i.kind}:${i.id}`} type="hidden" name="item" value={`${i.kind}:${i.id}`} />
      ))}
      <input type="hidden" name="targetId" value={browsing ?? ""} />

      <nav aria-label="Destination path">
        <ol className="flex flex-wrap items-center gap-1 text-sm text-muted-foreground">
          <li>
            <button
              type="button"
              className="inline-flex items-center gap-1.5 rounded-sm hover:text-foreground hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
              onClick={() => setBrowsing(null)}
              aria-current={browsing === null ? "location" : undefined}
            >
              <HardDrive className="size-4" aria-hidden />
              My Drive
            </button>
          </li>
          {crumbs.map((c) => (
            <li key={c.id} className="flex min-w-0 items-center gap-1">
              <ChevronRight className="size-4 shrink-0" aria-hidden />
              <button
                type="button"
                className="max-w-[10rem] truncate rounded-sm hover:text-foreground hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                onClick={() => setBrowsing(c.id)}
                aria-current={browsing === c.id ? "location" : undefined}
                title={c.name}
              >
                {c.name}
              </button>
            </li>
          ))}
        </ol>
      </nav>

      <div
        className="h-64 overflow-y-auto rounded-md border"
        aria-busy={loading}
        aria-label={`Folders in ${here}`}
        role="group"
      >
        {loading && !view ? (
          <p className="flex items-center gap-2 p-3 text-sm text-muted-foreground">
            <Loader2 className="size-4 animate-spin" aria-hidden /> Loading folders…
          </p>
        ) : view?.ok && view.folders.length === 0 ? (
          <p className="p-3 text-sm text-muted-foreground">No subfolders here.</p>
        ) : (
          <ul className={loading ? "opacity-60" : undefined}>
            {view?.ok &&
              view.folders.map((f) => {
                const self = moving.has(f.id);
                return (
                  <li key={f.id}>
                    <button
                      type="button"
                      disabled={self}
                      onClick={() => setBrowsing(f.id)}
                      className="flex w-full items-center gap-2 px-3 py-2 text-left text-sm hover:bg-accent focus-visible:bg-accent focus-visible:outline-none disabled:cursor-not-allowed disabled:opacity-50"
                      title={self ? "A folder cannot be moved into itself" : `Open ${f.name}`}
                    >
                      <FolderIcon className="size-4" />
                      <span className="min-w-0 flex-1 truncate">{f.name}</span>
                      {!self && (
                        <ChevronRight className="size-4 text-muted-foreground" aria-hidden />
                      )}
                    </button>
                  </li>
                );
              })}
          </ul>
        )}
      </div>

      <div className="flex flex-wrap items-center justify-end gap-2">
        {alreadyHere && (
          <p className="mr-auto text-xs text-muted-foreground">Already in this folder.</p>
        )}
        <DialogClose asChild>
          <Button type="button" variant="outline">
            Cancel
          </Button>
        </DialogClose>
        <Button type="submit" disabled={pending || loading || alreadyHere || !view?.ok}>
          {pending ? "Moving…" : "Move here"}
        </Button>
      </div>
    </form>
  );
}
