"use client";

import { useCallback, useEffect, useState } from "react";
import { LoaderCircle, Plus } from "lucide-react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";
import { listShareLinksAction } from "@/lib/drive/share-actions";
import type { ShareLinkView } from "@/lib/drive/share-types";
import type { DriveFile, DriveFolder } from "@/lib/drive/types";
import { ShareLinkForm } from "./share-link-form";
import { ShareLinkRow } from "./share-link-row";

type Links =
  | { status: "loading" }
  | { status: "error"; message: string }
  | { status: "ready"; links: ShareLinkView[] };

/** What is being shared: a file, or a folder (read-only: its files and subfolders). */
export type ShareItem = { kind: "file"; item: DriveFile } | { kind: "folder"; item: DriveFolder };

export function ShareDialog({
  target,
  open,
  onOpenChange,
}: {
  target: ShareItem;
  open: boolean;
  onOpenChange(open: boolean): void;
}) {
  const { item } = target;
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-h-[calc(100dvh-2rem)] max-w-xl overflow-y-auto">
        <div className="min-w-0 pr-6">
          <DialogTitle className="truncate" title={item.name}>
            Share “{item.name}”
          </DialogTitle>
          <DialogDescription>
            {target.kind === "file"
              ? "Anyone with a link can download this file — and nothing else in your drive."
              : "Anyone with a link can see this folder’s files and subfolders and download them one by one — read-only, and nothing outside this folder."}
          </DialogDescription>
        </div>
        {open && <ShareLinks target={target} />}
      </DialogContent>
    </Dialog>
  );
}

function ShareLinks({ target }: { target: ShareItem }) {
  const file = target.item;
  const kind = target.kind;
  const [links, setLinks] = useState<Links>({ status: "loading" });
  const [creating, setCreating] = useState(false);
  const [highlight, setHighlight] = useState<string | null>(null);

  const load = useCallback(async () => {
    const result = await listShareLinksAction({ kind, id: file.id });
    setLinks(
      result.ok
        ? { status: "ready", links: result.links }
        : { status: "error", message: result.message },
    );
  }, [file.id, kind]);

  useEffect(() => {
    let live = true;
    listShareLinksAction({ kind, id: file.id }).then(
      (result) => {
        if (!live) return;
        setLinks(
          result.ok
            ? { status: "ready", links: result.links }
            : { status: "error", message: result.message },
        );
        if (result.ok && result.links.length === 0) setCreating(true);
      },
      () => live && setLinks({ status: "error", message: "The links could not load. Try again." }),
    );
    return () => {
      live = false;
    };
  }, [file.id, kind]);

  if (links.status === "loading") {
    return (
      <p className="flex items-center justify-center gap-2 py-6 text-sm text-muted-foreground">
        <LoaderCircle className="size-4 animate-spin" aria-hidden />
        Loading links…
      </p>
    );
  }
  if (links.status === "error") return <Alert>{links.message}</Alert>;

  const canCreate = file.trashedAt === null;
  return (
    <div className="grid min-w-0 gap-4">
      {creating && canCreate ? (
        <section aria-labelledby="new-share-link" className="grid gap-3 rounded-md border p-4">
          <h3 id="new-share-link" className="text-sm font-semibold">
            New link
          </h3>
          <ShareLinkForm
            mode={
              kind === "file"
                ? { kind: "create", fileId: file.id }
                : { kind: "create", folderId: file.id }
            }
            onCancel={links.links.length > 0 ? () => setCreating(false) : undefined}
            onSaved={(link) => {
              setCreating(false);
              setHighlight(link.id);
              void load();
            }}
          />
        </section>
      ) : (
        canCreate && (
          <Button
            variant="outline"
            className="justify-self-start"
            onClick={() => setCreating(true)}
          >
            <Plus aria-hidden />
            New link
          </Button>
        )
      )}
      {!canCreate && <Alert>This {kind} is in the trash, so its links do not open it.</Alert>}
      {links.links.length > 0 && (
        <ul className="grid gap-3" aria-label="Share links">
          {links.links.map((link) => (
            <ShareLinkRow
              key={link.id}
              link={link}
              isNew={link.id === highlight}
              onChanged={load}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
