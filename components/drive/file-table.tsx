"use client";

import {
  ArrowDown,
  ArrowUp,
  ArrowUpDown,
  Download,
  Ellipsis,
  Eye,
  FolderInput,
  FolderOpen,
  History,
  Link2,
  Network,
  Pencil,
  Share2,
  Trash2,
  WandSparkles,
} from "lucide-react";
import Link from "next/link";
import {
  useEffect,
  useRef,
  useState,
  type ComponentType,
  type DragEvent,
  type ReactNode,
} from "react";
import {
  ContextMenu,
  ContextMenuContent,
  ContextMenuItem,
  ContextMenuSeparator,
  ContextMenuTrigger,
} from "@/components/ui/context-menu";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { isTextType, previewKind } from "@/lib/drive/preview-kind";
import type { FolderListing } from "@/lib/drive/listing-types";
import type { SortKey } from "@/lib/drive/schemas";
import type { DriveFile, DriveFolder } from "@/lib/drive/types";
import { cn } from "@/lib/utils";
import { downloadHref, driveHref, zipHref } from "@/lib/drive/hrefs";
import { FileIcon, FolderIcon, fileKind } from "./file-icon";
import { ItemIdentity, SelectCell } from "./item-row-parts";
import { formatBytes } from "@/lib/format/numbers";
import { LocalDate } from "@/components/shared/local-date";

export type BrowserItem =
  | { kind: "folder"; key: string; item: DriveFolder }
  | { kind: "file"; key: string; item: DriveFile };

export type RowAction = "preview" | "share" | "versions" | "rename" | "move" | "trash";

/** The MIME type of a drag of Drive items (their "file:<id>" / "folder:<id>" keys, as JSON). */
export const DRAG_TYPE = "application/x-stratus-items";

/** Drag-to-move: what a row drag carries, and what a folder or breadcrumb does with a drop. */
export type DragMove = {
  /** Keys a drag of `key` carries: the whole selection if it is part of it, else the item. */
  keysFor(key: string): string[];
  /** Moves the dragged keys into the folder (null: My Drive). */
  drop(keys: string[], folderId: string | null, folderName: string): void;
};

export function readDragKeys(e: DragEvent): string[] | null {
  if (!Array.from(e.dataTransfer.types).includes(DRAG_TYPE)) return null;
  try {
    const keys: unknown = JSON.parse(e.dataTransfer.getData(DRAG_TYPE) || "[]");
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
}

/** Props that make an element a drop target for dragged Drive items. */
export function useDropTarget(
  folderId: string | null,
  folderName: string,
  drag: DragMove | undefined,
  own?: string,
) {
  const [over, setOver] = useState(false);
  if (!drag) return { over: false, props: {} };
  const accepts = (e: DragEvent) => Array.from(e.dataTransfer.types).includes(DRAG_TYPE);
  return {
    over,
    props: {
      onDragOver: (e: DragEvent) => {
        if (!accepts(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "move";
        setOver(true);
      },
      onDragLeave: () => setOver(false),
      onDrop: (e: DragEvent) => {
        const keys = readDragKeys(e);
        setOver(false);
        if (!keys) return;
        e.preventDefault();
        // A folder dropped on itself stays where it is.
        const moving = keys.filter((k) => k !== own);
        if (moving.length > 0) drag.drop(moving, folderId, folderName);
      },
    },
  };
}

export function browserItems(listing: FolderListing): BrowserItem[] {
  return [
    ...listing.folders.map((item) => ({ kind: "folder" as const, key: `folder:${item.id}`, item })),
    ...listing.files.map((item) => ({ kind: "file" as const, key: `file:${item.id}`, item })),
  ];
}

const COLUMNS: { key: SortKey; label: string; className: string }[] = [
  { key: "name", label: "Name", className: "" },
  { key: "size", label: "Size", className: "hidden w-28 sm:table-cell" },
  { key: "type", label: "Type", className: "hidden w-40 lg:table-cell" },
  { key: "modified", label: "Modified", className: "hidden w-36 md:table-cell" },
];

function SortHeader({
  column,
  listing,
}: {
  column: (typeof COLUMNS)[number];
  listing: FolderListing;
}) {
  const active = listing.sort === column.key;
  const nextDir = active && listing.dir === "asc" ? "desc" : "asc";
  const Icon = !active ? ArrowUpDown : listing.dir === "asc" ? ArrowUp : ArrowDown;
  return (
    <th
      scope="col"
      aria-sort={active ? (listing.dir === "asc" ? "ascending" : "descending") : undefined}
      className={cn("px-2 py-2 text-left font-medium", column.className)}
    >
      <Link
        href={driveHref({
          folder: listing.folder?.id,
          q: listing.q,
          sort: column.key,
          dir: nextDir,
        })}
        className={cn(
          "inline-flex items-center gap-1 rounded-sm hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
          active && "text-foreground",
        )}
      >
        {column.label}
        <Icon className={cn("size-3.5", !active && "opacity-40")} aria-hidden />
        <span className="sr-only">
          {active
            ? `, sorted ${listing.dir === "asc" ? "ascending" : "descending"}`
            : ", not sorted"}
        </span>
      </Link>
    </th>
  );
}

function SelectAll({
  items,
  selected,
  onChange,
}: {
  items: BrowserItem[];
  selected: ReadonlySet<string>;
  onChange(all: boolean): void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const count = items.filter((i) => selected.has(i.key)).length;
  const all = items.length > 0 && count === items.length;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = count > 0 && !all;
  }, [count, all]);
  return (
    <input
      ref={ref}
      type="checkbox"
      className="size-4 accent-primary"
      aria-label="Select all items on this page"
      checked={all}
      disabled={items.length === 0}
      onChange={(e) => onChange(e.target.checked)}
    />
  );
}

type MenuParts = {
  Item: ComponentType<{
    onSelect?: () => void;
    asChild?: boolean;
    variant?: "default" | "destructive";
    children: ReactNode;
  }>;
  Separator: ComponentType;
};

const DROPDOWN: MenuParts = { Item: DropdownMenuItem, Separator: DropdownMenuSeparator };
const CONTEXT: MenuParts = { Item: ContextMenuItem, Separator: ContextMenuSeparator };

/** The actions on one item: the same in the row's ⋯ menu and its right-click menu. */
function MenuItems({
  entry,
  onAction,
  parts: { Item, Separator },
}: {
  entry: BrowserItem;
  onAction(a: RowAction): void;
  parts: MenuParts;
}) {
  return (
    <>
      {entry.kind === "file" ? (
        <>
          <Item onSelect={() => onAction("preview")}>
            <Eye aria-hidden /> Preview
          </Item>
          <Item asChild>
            <a href={downloadHref(entry.item.id)} download>
              <Download aria-hidden /> Download
            </a>
          </Item>
          <Item onSelect={() => onAction("share")}>
            <Share2 aria-hidden /> Share…
          </Item>
          <Item onSelect={() => onAction("versions")}>
            <History aria-hidden /> Versions…
          </Item>
          {previewKind(entry.item.contentType, entry.item.name) === "image" && (
            <Item asChild>
              <Link href={`/images/${encodeURIComponent(entry.item.id)}`}>
                <WandSparkles aria-hidden /> Open in Image Studio
              </Link>
            </Item>
          )}
          {isTextType(entry.item.contentType, entry.item.name) && (
            <Item asChild>
              <Link href={`/mapreduce/new?input=${encodeURIComponent(entry.item.id)}`}>
                <Network aria-hidden /> Use in MapReduce
              </Link>
            </Item>
          )}
        </>
      ) : (
        <>
          <Item asChild>
            <Link href={driveHref({ folder: entry.item.id })}>
              <FolderOpen aria-hidden /> Open
            </Link>
          </Item>
          <Item asChild>
            <a href={zipHref([], [entry.item.id])} download>
              <Download aria-hidden /> Download as zip
            </a>
          </Item>
          <Item onSelect={() => onAction("share")}>
            <Share2 aria-hidden /> Share…
          </Item>
        </>
      )}
      <Separator />
      <Item onSelect={() => onAction("rename")}>
        <Pencil aria-hidden /> Rename…
      </Item>
      <Item onSelect={() => onAction("move")}>
        <FolderInput aria-hidden /> Move…
      </Item>
      <Separator />
      <Item variant="destructive" onSelect={() => onAction("trash")}>
        <Trash2 aria-hidden /> Move to trash
      </Item>
    </>
  );
}

function RowMenu({ entry, onAction }: { entry: BrowserItem; onAction(a: RowAction): void }) {
  const name = entry.item.name;
  return (
    <DropdownMenu modal={false}>
      <DropdownMenuTrigger
        aria-label={`Actions for ${name}`}
        className="inline-flex size-8 items-center justify-center rounded-md text-muted-foreground hover:bg-accent hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring data-[state=open]:bg-accent"
      >
        <Ellipsis className="size-4" aria-hidden />
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <MenuItems entry={entry} onAction={onAction} parts={DROPDOWN} />
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

/** Right-click (or the context-menu key, or a long press) on `children` opens the item's menu. */
function ItemContextMenu({
  entry,
  onAction,
  children,
}: {
  entry: BrowserItem;
  onAction(a: RowAction): void;
  children: ReactNode;
}) {
  return (
    <ContextMenu modal={false}>
      <ContextMenuTrigger asChild>{children}</ContextMenuTrigger>
      <ContextMenuContent aria-label={`Actions for ${entry.item.name}`}>
        <MenuItems entry={entry} onAction={onAction} parts={CONTEXT} />
      </ContextMenuContent>
    </ContextMenu>
  );
}

function SharedMark({ name }: { name: string }) {
  return (
    <span
      className="inline-flex shrink-0 items-center gap-1 justify-self-start rounded-full border border-primary/30 bg-primary/10 px-1.5 py-0.5 text-[11px] font-medium text-primary"
      title={`${name} has an active share link`}
      data-testid="shared-mark"
    >
      <Link2 className="size-3" aria-hidden />
      Shared
    </span>
  );
}

function dragProps(entry: BrowserItem, drag: DragMove | undefined) {
  if (!drag) return {};
  return {
    draggable: true,
    onDragStart: (e: DragEvent) => {
      e.dataTransfer.setData(DRAG_TYPE, JSON.stringify(drag.keysFor(entry.key)));
      e.dataTransfer.effectAllowed = "move";
    },
  };
}

export function FileTable({
  listing,
  selected,
  onSelect,
  onSelectAll,
  onAction,
  empty,
  drag,
  view = "list",
}: {
  listing: FolderListing;
  selected: ReadonlySet<string>;
  onSelect(key: string, on: boolean): void;
  onSelectAll(on: boolean): void;
  onAction(entry: BrowserItem, action: RowAction): void;
  empty: React.ReactNode;
  drag?: DragMove;
  view?: "list" | "grid";
}) {
  const items = browserItems(listing);
  const shared = new Set(listing.shared);
  if (view === "grid") {
    return (
      <FileGrid
        listing={listing}
        items={items}
        shared={shared}
        selected={selected}
        onSelect={onSelect}
        onSelectAll={onSelectAll}
        onAction={onAction}
        empty={empty}
        drag={drag}
      />
    );
  }
  const caption = listing.q
    ? `Search results for ${listing.q}`
    : `Contents of ${listing.folder?.name ?? "My Drive"}`;
  return (
    <div className="overflow-hidden rounded-lg border bg-card">
      <table className="w-full table-fixed text-sm" data-testid="file-table">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b bg-muted/50 text-xs text-muted-foreground">
          <tr>
            <th scope="col" className="w-10 py-2 pl-3 pr-1 text-left">
              <SelectAll items={items} selected={selected} onChange={onSelectAll} />
            </th>
            {COLUMNS.map((c) => (
              <SortHeader key={c.key} column={c} listing={listing} />
            ))}
            <th scope="col" className="w-12 px-2 py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        {items.length > 0 && (
          <tbody>
            {items.map((entry) => (
              <Row
                key={entry.key}
                entry={entry}
                listing={listing}
                shared={shared.has(entry.key)}
                drag={drag}
                selected={selected.has(entry.key)}
                onSelect={(on) => onSelect(entry.key, on)}
                onAction={(a) => onAction(entry, a)}
              />
            ))}
          </tbody>
        )}
      </table>
      {/* Outside the table: a cell spanning columns that narrow screens hide skews the layout. */}
      {items.length === 0 && empty}
    </div>
  );
}

function Row({
  entry,
  listing,
  shared,
  drag,
  selected,
  onSelect,
  onAction,
}: {
  entry: BrowserItem;
  listing: FolderListing;
  shared: boolean;
  drag: DragMove | undefined;
  selected: boolean;
  onSelect(on: boolean): void;
  onAction(a: RowAction): void;
}) {
  const drop = useDropTarget(
    entry.kind === "folder" ? entry.item.id : null,
    entry.item.name,
    entry.kind === "folder" ? drag : undefined,
    entry.key,
  );
  const { item } = entry;
  const parentId = entry.kind === "file" ? entry.item.folderId : entry.item.parentId;
  const location = listing.q ? listing.locations[parentId ?? ""] : undefined;
  const size = entry.kind === "file" ? formatBytes(entry.item.size) : "—";
  const type =
    entry.kind === "file" ? fileKind(entry.item.contentType, entry.item.name).label : "Folder";
  const nameClass =
    "min-w-0 truncate rounded-sm text-left font-medium hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";
  return (
    <ItemContextMenu entry={entry} onAction={onAction}>
      <tr
        className={cn(
          "border-b last:border-b-0 hover:bg-accent/40",
          selected && "bg-accent/60 hover:bg-accent/60",
          drop.over && "bg-primary/10 outline-2 -outline-offset-2 outline-primary",
        )}
        data-testid="drive-row"
        data-kind={entry.kind}
        data-drop-target={drop.over ? "" : undefined}
        {...dragProps(entry, drag)}
        {...drop.props}
      >
        <SelectCell name={item.name} checked={selected} onChange={onSelect} />
        <td className="px-2 py-2 align-middle">
          <ItemIdentity
            item={entry.kind === "folder" ? { kind: "folder" } : { kind: "file", ...entry.item }}
            name={
              entry.kind === "folder" ? (
                <Link
                  href={driveHref({ folder: item.id, sort: listing.sort, dir: listing.dir })}
                  className={nameClass}
                  title={item.name}
                  data-testid="item-name"
                >
                  {item.name}
                </Link>
              ) : (
                <button
                  type="button"
                  className={nameClass}
                  title={item.name}
                  onClick={() => onAction("preview")}
                  data-testid="item-name"
                >
                  {item.name}
                </button>
              )
            }
            sub={
              <>
                {shared && <SharedMark name={item.name} />}
                {location !== undefined && (
                  <Link
                    href={driveHref({ folder: parentId })}
                    className="truncate text-xs text-muted-foreground hover:underline"
                    title={`In ${location}`}
                  >
                    In {location === "/" ? "My Drive" : location}
                  </Link>
                )}
                {/* The columns that narrow screens hide, folded under the name. */}
                <span className="truncate text-xs text-muted-foreground md:hidden">
                  {entry.kind === "file" && <span className="sm:hidden">{size} · </span>}
                  <LocalDate iso={item.updatedAt} />
                </span>
              </>
            }
          />
        </td>
        <td className="hidden px-2 py-2 align-middle tabular-nums text-muted-foreground sm:table-cell">
          {size}
        </td>
        <td className="hidden truncate px-2 py-2 align-middle text-muted-foreground lg:table-cell">
          {type}
        </td>
        <td className="hidden px-2 py-2 align-middle text-muted-foreground md:table-cell">
          <LocalDate iso={item.updatedAt} />
        </td>
        <td className="px-2 py-2 text-right align-middle">
          <RowMenu entry={entry} onAction={onAction} />
        </td>
      </tr>
    </ItemContextMenu>
  );
}

function thumbnailHref(file: DriveFile): string {
  // The content's time in the URL: a new version gets a new thumbnail, the old one stays cached.
  return `/api/drive/files/${encodeURIComponent(file.id)}/thumbnail?v=${encodeURIComponent(file.updatedAt)}`;
}

function FileGrid({
  listing,
  items,
  shared,
  selected,
  onSelect,
  onSelectAll,
  onAction,
  empty,
  drag,
}: {
  listing: FolderListing;
  items: BrowserItem[];
  shared: ReadonlySet<string>;
  selected: ReadonlySet<string>;
  onSelect(key: string, on: boolean): void;
  onSelectAll(on: boolean): void;
  onAction(entry: BrowserItem, action: RowAction): void;
  empty: React.ReactNode;
  drag: DragMove | undefined;
}) {
  const thumbs = new Set(listing.thumbnails);
  return (
    <div className="rounded-lg border bg-card" data-testid="file-grid">
      <div className="flex items-center gap-2 border-b bg-muted/50 px-3 py-2 text-xs text-muted-foreground">
        <SelectAll items={items} selected={selected} onChange={onSelectAll} />
        <span>Select all</span>
      </div>
      {items.length === 0 ? (
        empty
      ) : (
        <ul
          className="grid grid-cols-2 gap-3 p-3 sm:grid-cols-3 md:grid-cols-4 lg:grid-cols-5 xl:grid-cols-6"
          aria-label={`Contents of ${listing.folder?.name ?? "My Drive"}`}
        >
          {items.map((entry) => (
            <GridCard
              key={entry.key}
              entry={entry}
              listing={listing}
              thumbnail={entry.kind === "file" && thumbs.has(entry.item.id)}
              shared={shared.has(entry.key)}
              selected={selected.has(entry.key)}
              onSelect={(on) => onSelect(entry.key, on)}
              onAction={(a) => onAction(entry, a)}
              drag={drag}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function GridCard({
  entry,
  listing,
  thumbnail,
  shared,
  selected,
  onSelect,
  onAction,
  drag,
}: {
  entry: BrowserItem;
  listing: FolderListing;
  thumbnail: boolean;
  shared: boolean;
  selected: boolean;
  onSelect(on: boolean): void;
  onAction(a: RowAction): void;
  drag: DragMove | undefined;
}) {
  const { item } = entry;
  const drop = useDropTarget(
    entry.kind === "folder" ? entry.item.id : null,
    item.name,
    entry.kind === "folder" ? drag : undefined,
    entry.key,
  );
  const [broken, setBroken] = useState(false);
  const open = entry.kind === "folder" ? undefined : () => onAction("preview");
  const picture =
    entry.kind === "folder" ? (
      <FolderIcon className="size-12" />
    ) : thumbnail && !broken ? (
      // eslint-disable-next-line @next/next/no-img-element -- a private, per-user thumbnail
      <img
        src={thumbnailHref(entry.item)}
        alt=""
        loading="lazy"
        className="size-full object-cover"
        onError={() => setBroken(true)}
        data-testid="thumbnail"
      />
    ) : (
      <FileIcon contentType={entry.item.contentType} name={entry.item.name} className="size-12" />
    );
  return (
    <ItemContextMenu entry={entry} onAction={onAction}>
      <li
        className={cn(
          "group relative grid min-w-0 overflow-hidden rounded-md border bg-background hover:border-primary/50",
          selected && "border-primary ring-2 ring-primary/40",
          drop.over && "border-primary bg-primary/10",
        )}
        data-testid="drive-row"
        data-kind={entry.kind}
        {...dragProps(entry, drag)}
        {...drop.props}
      >
        <div className="flex aspect-[4/3] items-center justify-center overflow-hidden bg-muted/40">
          {picture}
        </div>
        <input
          type="checkbox"
          className="absolute left-2 top-2 size-4 accent-primary"
          aria-label={`Select ${item.name}`}
          checked={selected}
          onChange={(e) => onSelect(e.target.checked)}
        />
        {shared && (
          <span className="absolute right-2 top-2">
            <SharedMark name={item.name} />
          </span>
        )}
        <div className="flex min-w-0 items-center gap-1 px-2 py-1.5">
          <div className="grid min-w-0 flex-1">
            {entry.kind === "folder" ? (
              <Link
                href={driveHref({ folder: item.id, sort: listing.sort, dir: listing.dir })}
                className="truncate text-sm font-medium hover:underline"
                title={item.name}
                data-testid="item-name"
              >
                {item.name}
              </Link>
            ) : (
              <button
                type="button"
                className="truncate text-left text-sm font-medium hover:underline"
                title={item.name}
                onClick={open}
                data-testid="item-name"
              >
                {item.name}
              </button>
            )}
            <span className="truncate text-xs text-muted-foreground">
              {entry.kind === "file" ? `${formatBytes(entry.item.size)} · ` : ""}
              <LocalDate iso={item.updatedAt} />
            </span>
          </div>
          <RowMenu entry={entry} onAction={onAction} />
        </div>
      </li>
    </ItemContextMenu>
  );
}
