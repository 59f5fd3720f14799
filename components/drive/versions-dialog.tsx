"use client";

import { History, LoaderCircle, RotateCcw, Trash2 } from "lucide-react";
import { useCallback, useEffect, useState, useTransition } from "react";
import { LocalDateTime } from "@/components/shared/local-date-time";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";
import {
  deleteVersionAction,
  listVersionsAction,
  restoreVersionAction,
} from "@/lib/drive/version-actions";
import type { FileVersionView } from "@/lib/drive/version-types";
import type { DriveFile } from "@/lib/drive/types";
import { formatBytes } from "@/lib/format/numbers";

type Listing =
  | { status: "loading" }
  | { status: "error"; message: string }
  | { status: "ready"; current: FileVersionView; versions: FileVersionView[] };

/** A file's earlier contents (kept when a file of the same name was uploaded over it). */
export function VersionsDialog({
  file,
  onOpenChange,
  onDone,
}: {
  file: DriveFile;
  onOpenChange(open: boolean): void;
  onDone(message: string): void;
}) {
  const [listing, setListing] = useState<Listing>({ status: "loading" });
  const [message, setMessage] = useState<string | null>(null);
  const [busy, startTransition] = useTransition();

  const load = useCallback(async () => {
    const result = await listVersionsAction(file.id);
    setListing(
      result.ok
        ? { status: "ready", current: result.current, versions: result.versions }
        : { status: "error", message: result.message },
    );
  }, [file.id]);

  useEffect(() => {
    let live = true;
    listVersionsAction(file.id).then(
      (result) =>
        live &&
        setListing(
          result.ok
            ? { status: "ready", current: result.current, versions: result.versions }
            : { status: "error", message: result.message },
        ),
      () => live && setListing({ status: "error", message: "The versions could not load." }),
    );
    return () => {
      live = false;
    };
  }, [file.id]);

  function restore(versionId: string) {
    startTransition(async () => {
      const result = await restoreVersionAction({ fileId: file.id, versionId });
      if (result.ok) onDone(result.message ?? "Version restored.");
      else setMessage(result.message ?? "The version could not be restored.");
    });
  }

  function remove(versionId: string) {
    startTransition(async () => {
      const result = await deleteVersionAction({ fileId: file.id, versionId });
      setMessage(result.message ?? null);
      await load();
    });
  }

  return (
    <Dialog open onOpenChange={onOpenChange}>
      <DialogContent className="max-h-[calc(100dvh-2rem)] max-w-xl overflow-y-auto">
        <div className="min-w-0 pr-6">
          <DialogTitle className="truncate" title={file.name}>
            Versions of “{file.name}”
          </DialogTitle>
          <DialogDescription>
            Uploading a file with the same name into the same folder keeps the earlier content here.
            Versions count towards your storage.
          </DialogDescription>
        </div>
        <div role="status" aria-live="polite" className="empty:hidden">
          {message && <Alert>{message}</Alert>}
        </div>
        {listing.status === "loading" && (
          <p className="flex items-center justify-center gap-2 py-6 text-sm text-muted-foreground">
            <LoaderCircle className="size-4 animate-spin" aria-hidden />
            Loading versions…
          </p>
        )}
        {listing.status === "error" && <Alert>{listing.message}</Alert>}
        {listing.status === "ready" && (
          <ul className="divide-y rounded-md border" aria-label="Versions">
            <li className="flex items-center gap-3 px-3 py-2" data-testid="version-row">
              <History className="size-4 shrink-0 text-primary" aria-hidden />
              <div className="grid min-w-0 flex-1">
                <span className="text-sm font-medium">Current version</span>
                <span className="text-xs text-muted-foreground">
                  {formatBytes(listing.current.size)} ·{" "}
                  <LocalDateTime iso={listing.current.createdAt} />
                </span>
              </div>
            </li>
            {listing.versions.map((v) => (
              <li
                key={v.id}
                className="flex items-center gap-2 px-3 py-2"
                data-testid="version-row"
              >
                <History className="size-4 shrink-0 text-muted-foreground" aria-hidden />
                <div className="grid min-w-0 flex-1">
                  <span className="text-sm">
                    <LocalDateTime iso={v.createdAt} />
                  </span>
                  <span className="text-xs text-muted-foreground">{formatBytes(v.size)}</span>
                </div>
                <Button size="sm" variant="outline" disabled={busy} onClick={() => restore(v.id)}>
                  <RotateCcw aria-hidden />
                  Restore
                </Button>
                <Button
                  size="icon"
                  variant="ghost"
                  disabled={busy}
                  aria-label="Delete this version"
                  onClick={() => remove(v.id)}
                >
                  <Trash2 aria-hidden />
                </Button>
              </li>
            ))}
            {listing.versions.length === 0 && (
              <li className="px-3 py-6 text-center text-sm text-muted-foreground">
                No earlier versions. Upload a file with the same name here to keep this one as a
                version.
              </li>
            )}
          </ul>
        )}
      </DialogContent>
    </Dialog>
  );
}
