"use client";

import { ChevronLeft, ChevronRight, FolderOpen, LayoutGrid, List, SearchX } from "lucide-react";
import Link from "next/link";
import { useEffect, useState, useTransition, type ComponentType } from "react";
import { Button } from "@/components/ui/button";
import { moveAction, restoreAction, trashAction } from "@/lib/drive/actions";
import type { FolderListing } from "@/lib/drive/listing-types";
import type { DriveFile } from "@/lib/drive/types";
import { cn } from "@/lib/utils";
import { FilePreviewDialog } from "./file-preview-dialog";
import {
  browserItems,
  FileTable,
  type BrowserItem,
  type DragMove,
  type RowAction,
} from "./file-table";
import { VersionsDialog } from "./versions-dialog";
import { Breadcrumbs } from "./breadcrumbs";
import { driveHref, zipHref } from "@/lib/drive/hrefs";
import { MoveDialog, type MoveTarget } from "./move-dialog";
import { NewFolderDialog } from "./new-folder-dialog";
import { RenameDialog, type RenameTarget } from "./rename-dialog";
import { ShareDialog, type ShareItem } from "./share-dialog";
import { SearchForm, SelectionBar, SortSelect, Toolbar } from "./toolbar";
import { DriveUploader, UploadDropZone } from "./drive-uploader";

type Status = { ok: boolean; message: string; undo?: string[] };

function formOf(items: readonly string[]): FormData {
  const fd = new FormData();
  for (const item of items) fd.append("item", item);
  return fd;
}

const target = (e: BrowserItem) => ({ kind: e.kind, id: e.item.id, name: e.item.name });

/** What the Drive hands another app's dialog for the selection (Image Studio's presets). */
export type SelectionDialogProps = {
  /** "file:<id>" / "folder:<id>" keys of the images and folders selected. */
  items: string[];
  summary: string;
  open: boolean;
  onOpenChange(open: boolean): void;
};

/**
 * The Drive's listing with its toolbar, selection, dialogs and pages. `PresetDialog` is Image
 * Studio's batch dialog, composed in by the page so the Drive's components never import another
 * app's (an ESLint rule keeps the features apart).
 */
export function FileBrowser({
  listing,
  PresetDialog,
}: {
  listing: FolderListing;
  PresetDialog?: ComponentType<SelectionDialogProps>;
}) {
  const items = browserItems(listing);
  const folderId = listing.folder?.id ?? null;
  const searching = listing.q !== undefined;

  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [status, setStatus] = useState<Status | null>(null);
  const [newFolderOpen, setNewFolderOpen] = useState(false);
  const [renaming, setRenaming] = useState<RenameTarget | null>(null);
  const [moving, setMoving] = useState<MoveTarget[] | null>(null);
  const [previewing, setPreviewing] = useState<DriveFile | null>(null);
  const [sharing, setSharing] = useState<ShareItem | null>(null);
  const [applyingPreset, setApplyingPreset] = useState(false);
  const [versioning, setVersioning] = useState<DriveFile | null>(null);
  const [view, setView] = useDriveView();
  const [busy, startTransition] = useTransition();

  const chosen = items.filter((i) => selected.has(i.key));
  // Image Studio presets apply to images, and to the images inside folders.
  const forPreset = chosen.filter(
    (c) => c.kind === "folder" || c.item.contentType.toLowerCase().startsWith("image/"),
  );

  function finish(message: string) {
    setNewFolderOpen(false);
    setRenaming(null);
    setMoving(null);
    setSelected(new Set());
    setStatus({ ok: true, message });
  }

  function trash(keys: string[]) {
    startTransition(async () => {
      const result = await trashAction({}, formOf(keys));
      setStatus({
        ok: !!result.ok,
        message: result.message ?? "",
        undo: result.ok ? keys : undefined,
      });
      if (result.ok) setSelected(new Set());
    });
  }

  function undo(keys: string[]) {
    startTransition(async () => {
      const result = await restoreAction({}, formOf(keys));
      setStatus({ ok: !!result.ok, message: result.message ?? "" });
    });
  }

  // Drag-to-move: rows onto folder rows and breadcrumbs. Dragging a selected row moves the whole
  // selection, as in a desktop file manager.
  const drag: DragMove = {
    keysFor: (key) => (selected.has(key) ? [...selected] : [key]),
    drop: (keys, targetId) =>
      startTransition(async () => {
        const fd = formOf(keys);
        fd.set("targetId", targetId ?? "");
        const result = await moveAction({}, fd);
        setStatus({ ok: !!result.ok, message: result.message ?? "" });
        if (result.ok) setSelected(new Set());
      }),
  };

  function onAction(entry: BrowserItem, action: RowAction) {
    if (action === "preview" && entry.kind === "file") setPreviewing(entry.item);
    else if (action === "share") setSharing(entry);
    else if (action === "versions" && entry.kind === "file") setVersioning(entry.item);
    else if (action === "rename") setRenaming(target(entry));
    else if (action === "move") setMoving([target(entry)]);
    else if (action === "trash") trash([entry.key]);
  }

  const table = (
    <FileTable
      listing={listing}
      selected={selected}
      onSelect={(key, on) =>
        setSelected((prev) => {
          const next = new Set(prev);
          if (on) next.add(key);
          else next.delete(key);
          return next;
        })
      }
      onSelectAll={(on) => setSelected(on ? new Set(items.map((i) => i.key)) : new Set())}
      onAction={onAction}
      empty={<EmptyState listing={listing} />}
      drag={searching ? undefined : drag}
      view={view}
    />
  );

  return (
    <div className="grid gap-4">
      <Toolbar
        search={<SearchForm q={listing.q} sort={listing.sort} dir={listing.dir} />}
        onNewFolder={searching ? undefined : () => setNewFolderOpen(true)}
        uploader={searching ? undefined : <DriveUploader folderId={folderId} />}
      />

      <div className="flex items-center gap-3">
        {searching ? (
          <div className="flex min-w-0 flex-wrap items-baseline gap-x-3 gap-y-1">
            <h2 className="min-w-0 truncate text-lg font-medium">Results for “{listing.q}”</h2>
            <span className="text-sm text-muted-foreground">
              {listing.totalFolders + listing.totalFiles} found in your drive
            </span>
            <Link href={driveHref({})} className="text-sm text-primary hover:underline">
              Clear search
            </Link>
          </div>
        ) : (
          <Breadcrumbs
            crumbs={listing.breadcrumbs}
            sort={listing.sort}
            dir={listing.dir}
            drag={drag}
          />
        )}
        <ViewToggle view={view} onChange={setView} />
        <SortSelect
          folder={listing.folder?.id}
          q={listing.q}
          sort={listing.sort}
          dir={listing.dir}
        />
      </div>

      <div role="status" aria-live="polite" className="empty:hidden">
        {status && (
          <div
            className={cn(
              "flex flex-wrap items-center gap-2 rounded-md border px-3 py-2 text-sm",
              status.ok
                ? "border-success/40 bg-success/10 text-foreground"
                : "border-destructive/40 bg-destructive/10 text-destructive",
            )}
          >
            <span className="mr-auto min-w-0 break-words">{status.message}</span>
            {status.undo && (
              <Button
                size="sm"
                variant="ghost"
                className="h-7"
                disabled={busy}
                onClick={() => status.undo && undo(status.undo)}
              >
                Undo
              </Button>
            )}
            <Button
              size="sm"
              variant="ghost"
              className="h-7"
              onClick={() => setStatus(null)}
              aria-label="Dismiss message"
            >
              Dismiss
            </Button>
          </div>
        )}
      </div>

      {chosen.length > 0 && (
        <SelectionBar
          count={chosen.length}
          zipHref={zipHref(
            chosen.filter((c) => c.kind === "file").map((c) => c.item.id),
            chosen.filter((c) => c.kind === "folder").map((c) => c.item.id),
          )}
          onMove={() => setMoving(chosen.map(target))}
          onTrash={() => trash(chosen.map((c) => c.key))}
          onClear={() => setSelected(new Set())}
          onApplyPreset={
            PresetDialog && forPreset.length > 0 ? () => setApplyingPreset(true) : undefined
          }
          busy={busy}
        />
      )}

      {searching ? table : <UploadDropZone folderId={folderId}>{table}</UploadDropZone>}

      <Pagination listing={listing} />

      <NewFolderDialog
        parentId={folderId}
        parentName={listing.folder?.name ?? "My Drive"}
        open={newFolderOpen}
        onOpenChange={setNewFolderOpen}
        onDone={finish}
      />
      <RenameDialog
        target={renaming}
        onOpenChange={(open) => !open && setRenaming(null)}
        onDone={finish}
      />
      <MoveDialog
        items={moving ?? []}
        sourceFolderId={searching ? undefined : folderId}
        open={moving !== null}
        onOpenChange={(open) => !open && setMoving(null)}
        onDone={finish}
      />
      {previewing && (
        <FilePreviewDialog
          file={previewing}
          open
          onOpenChange={(open) => !open && setPreviewing(null)}
        />
      )}
      {PresetDialog && (
        <PresetDialog
          items={forPreset.map((c) => c.key)}
          summary={presetSummary(forPreset)}
          open={applyingPreset}
          onOpenChange={setApplyingPreset}
        />
      )}
      {versioning && (
        <VersionsDialog
          file={versioning}
          onOpenChange={(open) => !open && setVersioning(null)}
          onDone={(message) => {
            setVersioning(null);
            setStatus({ ok: true, message });
          }}
        />
      )}
      {sharing && (
        <ShareDialog target={sharing} open onOpenChange={(open) => !open && setSharing(null)} />
      )}
    </div>
  );
}

const VIEW_KEY = "stratus.drive.view";
type DriveView = "list" | "grid";

/** List or grid, remembered in this browser (localStorage) across folders and visits. */
function useDriveView(): [DriveView, (v: DriveView) => void] {
  const [view, setView] = useState<DriveView>("list");
  useEffect(() => {
    // Read after hydration: the server cannot know, and a mismatch would warn.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (window.localStorage.getItem(VIEW_KEY) === "grid") setView("grid");
  }, []);
  return [
    view,
    (v) => {
      setView(v);
      window.localStorage.setItem(VIEW_KEY, v);
    },
  ];
}

function ViewToggle({ view, onChange }: { view: DriveView; onChange(v: DriveView): void }) {
  const item = (v: DriveView, label: string, Icon: typeof List) => (
    <Button
      type="button"
      size="icon"
      variant={view === v ? "outline" : "ghost"}
      className="size-9"
      aria-label={label}
      aria-pressed={view === v}
      onClick={() => onChange(v)}
    >
      <Icon aria-hidden />
    </Button>
  );
  return (
    <div className="flex shrink-0 items-center gap-1" role="group" aria-label="View">
      {item("list", "List view", List)}
      {item("grid", "Grid view", LayoutGrid)}
    </div>
  );
}

function presetSummary(entries: BrowserItem[]): string {
  const images = entries.filter((e) => e.kind === "file").length;
  const folders = entries.length - images;
  const parts = [
    images > 0 ? (images === 1 ? "1 image" : `${images} images`) : null,
    folders > 0
      ? folders === 1
        ? "the images in 1 folder"
        : `the images in ${folders} folders`
      : null,
  ].filter(Boolean);
  return `For ${parts.join(" and ")}.`;
}

function EmptyState({ listing }: { listing: FolderListing }) {
  if (listing.q !== undefined) {
    return (
      <div className="flex flex-col items-center gap-2 px-6 py-16 text-center">
        <SearchX className="size-10 text-muted-foreground" aria-hidden />
        <p className="font-medium">Nothing matches “{listing.q}”</p>
        <p className="max-w-sm text-sm text-muted-foreground">
          Search looks for part of a file or folder name anywhere in your drive (not in the trash).
        </p>
      </div>
    );
  }
  return (
    <div className="flex flex-col items-center gap-2 px-6 py-16 text-center">
      <FolderOpen className="size-10 text-muted-foreground" aria-hidden />
      <p className="font-medium">
        {listing.folder ? "This folder is empty" : "Your drive is empty"}
      </p>
      <p className="text-sm text-muted-foreground">Drop files here or click Upload.</p>
    </div>
  );
}

function Pagination({ listing }: { listing: FolderListing }) {
  const total = listing.totalFolders + listing.totalFiles;
  if (listing.pageCount <= 1) {
    return total > 0 ? (
      <p className="text-xs text-muted-foreground">
        {total === 1 ? "1 item" : `${total.toLocaleString("en")} items`}
      </p>
    ) : null;
  }
  const first = (listing.page - 1) * listing.pageSize + 1;
  const last = Math.min(total, listing.page * listing.pageSize);
  const href = (page: number) =>
    driveHref({
      folder: listing.folder?.id,
      q: listing.q,
      sort: listing.sort,
      dir: listing.dir,
      page,
    });
  const prev = listing.page > 1 ? href(listing.page - 1) : null;
  const next = listing.page < listing.pageCount ? href(listing.page + 1) : null;
  return (
    <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-2">
      <p className="text-sm text-muted-foreground">
        {first.toLocaleString("en")}–{last.toLocaleString("en")} of {total.toLocaleString("en")}
      </p>
      <div className="flex items-center gap-2">
        <PageLink href={prev} label="Previous page">
          <ChevronLeft aria-hidden /> Previous
        </PageLink>
        <span className="text-sm tabular-nums" aria-current="page">
          Page {listing.page} of {listing.pageCount}
        </span>
        <PageLink href={next} label="Next page">
          Next <ChevronRight aria-hidden />
        </PageLink>
      </div>
    </nav>
  );
}

function PageLink({
  href,
  label,
  children,
}: {
  href: string | null;
  label: string;
  children: React.ReactNode;
}) {
  if (!href) {
    return (
      <Button size="sm" variant="outline" disabled aria-label={label}>
        {children}
      </Button>
    );
  }
  return (
    <Button asChild size="sm" variant="outline">
      <Link href={href} aria-label={label}>
        {children}
      </Link>
    </Button>
  );
}
