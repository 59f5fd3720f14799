"use client";

import { ChevronLeft, ChevronRight, RotateCcw, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useCallback, useState, useTransition } from "react";
import { JobProgress } from "@/components/jobs/job-progress";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogTitle,
} from "@/components/ui/dialog";
import { deleteForeverAction, emptyTrashAction, restoreAction } from "@/lib/drive/actions";
import type { TrashEntry, TrashListing } from "@/lib/drive/listing-types";
import type { FormState } from "@/lib/forms";
import type { JobView } from "@/lib/jobs/view";
import { cn } from "@/lib/utils";
import { ItemIdentity, ItemName, SelectCell } from "./item-row-parts";
import { formatBytes } from "@/lib/format/numbers";
import { daysLeft } from "@/lib/format/time";
import { LocalDate } from "@/components/shared/local-date";

const keyOf = (e: TrashEntry) => `${e.kind}:${e.item.id}`;

function formOf(items: readonly string[]): FormData {
  const fd = new FormData();
  for (const item of items) fd.append("item", item);
  return fd;
}

type Confirm = { kind: "delete"; keys: string[]; label: string } | { kind: "empty" };

export function TrashTable({ trash }: { trash: TrashListing }) {
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [status, setStatus] = useState<FormState | null>(null);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [busy, startTransition] = useTransition();
  const [emptying, setEmptying] = useState<string | null>(null);
  const router = useRouter();
  const chosen = trash.entries.filter((e) => selected.has(keyOf(e)));
  const allChecked = trash.entries.length > 0 && chosen.length === trash.entries.length;

  function restore(keys: string[]) {
    startTransition(async () => {
      const result = await restoreAction({}, formOf(keys));
      setStatus(result);
      if (result.ok) setSelected(new Set());
    });
  }

  function done(result: FormState & { jobId?: string }) {
    setConfirm(null);
    if (result.jobId) {
      setStatus(null);
      setEmptying(result.jobId);
      return;
    }
    setStatus(result);
    if (result.ok) setSelected(new Set());
  }

  const emptied = useCallback(
    (job: JobView) => {
      setEmptying(null);
      setSelected(new Set());
      setStatus(
        job.status === "succeeded"
          ? { ok: true, message: job.phase ?? "The trash is empty." }
          : job.status === "cancelled"
            ? { ok: true, message: "Stopped emptying the trash; what was deleted is gone." }
            : { ok: false, message: job.error ?? "The trash could not be emptied." },
      );
      router.refresh();
    },
    [router],
  );

  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-center gap-2">
        <p className="mr-auto text-sm text-muted-foreground">
          {trash.total === 0
            ? "Nothing in the trash."
            : trash.total === 1
              ? "1 item"
              : `${trash.total.toLocaleString("en")} items`}
        </p>
        {chosen.length > 0 && (
          <>
            <span className="text-sm font-medium">{chosen.length} selected</span>
            <Button
              size="sm"
              variant="outline"
              disabled={busy}
              onClick={() => restore(chosen.map(keyOf))}
            >
              <RotateCcw aria-hidden />
              Restore
            </Button>
            <Button
              size="sm"
              variant="outline"
              disabled={busy}
              onClick={() =>
                setConfirm({
                  kind: "delete",
                  keys: chosen.map(keyOf),
                  label:
                    chosen.length === 1 ? `“${chosen[0]?.item.name}”` : `${chosen.length} items`,
                })
              }
            >
              <Trash2 aria-hidden />
              Delete forever
            </Button>
          </>
        )}
        <Button
          size="sm"
          variant="destructive"
          disabled={trash.total === 0 || busy || emptying !== null}
          onClick={() => setConfirm({ kind: "empty" })}
        >
          Empty trash
        </Button>
      </div>

      {emptying && <JobProgress jobId={emptying} title="Emptying the trash" onFinished={emptied} />}

      <div role="status" aria-live="polite" className="empty:hidden">
        {status?.message && (
          <Alert variant={status.ok ? "success" : "error"}>{status.message}</Alert>
        )}
      </div>

      <div className="overflow-hidden rounded-lg border bg-card">
        <table className="w-full table-fixed text-sm" data-testid="trash-table">
          <caption className="sr-only">Items in the trash, most recently trashed first</caption>
          <thead className="border-b bg-muted/50 text-xs text-muted-foreground">
            <tr>
              <th scope="col" className="w-10 py-2 pl-3 pr-1 text-left">
                <input
                  type="checkbox"
                  className="size-4 accent-primary"
                  aria-label="Select all items on this page"
                  checked={allChecked}
                  disabled={trash.entries.length === 0}
                  onChange={(e) =>
                    setSelected(e.target.checked ? new Set(trash.entries.map(keyOf)) : new Set())
                  }
                />
              </th>
              <th scope="col" className="px-2 py-2 text-left font-medium">
                Name
              </th>
              <th scope="col" className="hidden w-48 px-2 py-2 text-left font-medium md:table-cell">
                Original location
              </th>
              <th scope="col" className="hidden w-32 px-2 py-2 text-left font-medium sm:table-cell">
                Trashed
              </th>
              <th scope="col" className="hidden w-24 px-2 py-2 text-left font-medium lg:table-cell">
                Size
              </th>
              <th scope="col" className="w-24 px-2 py-2 sm:w-56">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          {trash.entries.length > 0 && (
            <tbody>
              {trash.entries.map((entry) => (
                <TrashRow
                  key={keyOf(entry)}
                  entry={entry}
                  retentionDays={trash.retentionDays}
                  selected={selected.has(keyOf(entry))}
                  busy={busy}
                  onSelect={(on) =>
                    setSelected((prev) => {
                      const next = new Set(prev);
                      if (on) next.add(keyOf(entry));
                      else next.delete(keyOf(entry));
                      return next;
                    })
                  }
                  onRestore={() => restore([keyOf(entry)])}
                  onDelete={() =>
                    setConfirm({
                      kind: "delete",
                      keys: [keyOf(entry)],
                      label: `“${entry.item.name}”`,
                    })
                  }
                />
              ))}
            </tbody>
          )}
        </table>
        {trash.entries.length === 0 && (
          <div className="px-6 py-16 text-center">
            <Trash2 className="mx-auto size-10 text-muted-foreground" aria-hidden />
            <p className="mt-2 font-medium">The trash is empty</p>
            <p className="text-sm text-muted-foreground">
              Items you move to the trash appear here until they are deleted.
            </p>
          </div>
        )}
      </div>

      <TrashPagination trash={trash} />

      <Dialog open={confirm !== null} onOpenChange={(open) => !open && setConfirm(null)}>
        <DialogContent>
          {confirm?.kind === "empty" ? (
            <>
              <DialogTitle>Empty the trash?</DialogTitle>
              <DialogDescription>
                All {trash.total === 1 ? "item" : `${trash.total.toLocaleString("en")} items`} in
                the trash, and everything inside trashed folders, will be deleted forever. This
                cannot be undone.
              </DialogDescription>
              <ConfirmForm action={emptyTrashAction} keys={[]} label="Empty trash" onDone={done} />
            </>
          ) : confirm?.kind === "delete" ? (
            <>
              <DialogTitle className="break-words pr-6">
                Delete {confirm.label} forever?
              </DialogTitle>
              <DialogDescription>
                Deleted items cannot be restored. Folders are deleted with their contents.
              </DialogDescription>
              <ConfirmForm
                action={deleteForeverAction}
                keys={confirm.keys}
                label="Delete forever"
                onDone={done}
              />
            </>
          ) : null}
        </DialogContent>
      </Dialog>
    </div>
  );
}

function ConfirmForm({
  action: serverAction,
  keys,
  label,
  onDone,
}: {
  action(prev: FormState, formData: FormData): Promise<FormState>;
  keys: string[];
  label: string;
  onDone(result: FormState): void;
}) {
  const [, action, pending] = useActionState<FormState, FormData>(async (prev, formData) => {
    const result = await serverAction(prev, formData);
    onDone(result);
    return result;
  }, {});
  return (
    <form action={action} className="flex justify-end gap-2">
      {keys.map((k) => (
        <input key={k} type="hidden" name="item" value={k} />
      ))}
      <DialogClose asChild>
        <Button type="button" variant="outline">
          Cancel
        </Button>
      </DialogClose>
      <Button type="submit" variant="destructive" disabled={pending}>
        {pending ? "Deleting…" : label}
      </Button>
    </form>
  );
}

function TrashRow({
  entry,
  retentionDays,
  selected,
  busy,
  onSelect,
  onRestore,
  onDelete,
}: {
  entry: TrashEntry;
  retentionDays: number;
  selected: boolean;
  busy: boolean;
  onSelect(on: boolean): void;
  onRestore(): void;
  onDelete(): void;
}) {
  const { item } = entry;
  const trashedAt = item.trashedAt ?? item.updatedAt;
  const left = daysLeft(trashedAt, retentionDays);
  const location = entry.originalPath === "/" ? "My Drive" : entry.originalPath;
  return (
    <tr
      className={cn("border-b last:border-b-0", selected && "bg-accent/60")}
      data-testid="trash-row"
    >
      <SelectCell name={item.name} checked={selected} onChange={onSelect} />
      <td className="px-2 py-2 align-middle">
        <ItemIdentity
          item={entry.kind === "folder" ? { kind: "folder" } : { kind: "file", ...entry.item }}
          name={<ItemName name={item.name} />}
          sub={
            <span className="truncate text-xs text-muted-foreground" title={location}>
              <span className="md:hidden">From {location} · </span>
              {left === 0 ? "Deleted soon" : `Deleted in ${left} ${left === 1 ? "day" : "days"}`}
            </span>
          }
        />
      </td>
      <td
        className="hidden truncate px-2 py-2 align-middle text-muted-foreground md:table-cell"
        title={location}
      >
        {location}
      </td>
      <td className="hidden px-2 py-2 align-middle text-muted-foreground sm:table-cell">
        <LocalDate iso={trashedAt} />
      </td>
      <td className="hidden px-2 py-2 align-middle tabular-nums text-muted-foreground lg:table-cell">
        {entry.kind === "file" ? formatBytes(entry.item.size) : "—"}
      </td>
      <td className="px-2 py-2 align-middle">
        <div className="flex justify-end gap-1">
          <Button
            size="sm"
            variant="ghost"
            disabled={busy}
            onClick={onRestore}
            aria-label={`Restore ${item.name}`}
          >
            <RotateCcw aria-hidden />
            <span className="hidden sm:inline">Restore</span>
          </Button>
          <Button
            size="sm"
            variant="ghost"
            className="text-destructive hover:bg-destructive/10 hover:text-destructive"
            disabled={busy}
            onClick={onDelete}
            aria-label={`Delete ${item.name} forever`}
          >
            <Trash2 aria-hidden />
            <span className="hidden sm:inline">Delete forever</span>
          </Button>
        </div>
      </td>
    </tr>
  );
}

function TrashPagination({ trash }: { trash: TrashListing }) {
  if (trash.pageCount <= 1) return null;
  const href = (page: number) => (page > 1 ? `/drive/trash?page=${page}` : "/drive/trash");
  return (
    <nav aria-label="Pages" className="flex items-center justify-end gap-2">
      {trash.page > 1 ? (
        <Button asChild size="sm" variant="outline">
          <Link href={href(trash.page - 1)}>
            <ChevronLeft aria-hidden /> Previous
          </Link>
        </Button>
      ) : null}
      <span className="text-sm tabular-nums" aria-current="page">
        Page {trash.page} of {trash.pageCount}
      </span>
      {trash.page < trash.pageCount ? (
        <Button asChild size="sm" variant="outline">
          <Link href={href(trash.page + 1)}>
            Next <ChevronRight aria-hidden />
          </Link>
        </Button>
      ) : null}
    </nav>
  );
}
