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
  Pencil,
  Share2,
  Trash2,
} from "lucide-react";
import Link from "next/link";
import { useEffect, useRef } from "react";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import type { FolderListing } from "@/lib/drive/listing-types";
import type { SortKey } from "@/lib/drive/schemas";
import type { DriveFile, DriveFolder } from "@/lib/drive/types";
import { cn } from "@/lib/utils";
import { downloadHref, driveHref, zipHref } from "@/lib/drive/hrefs";
import { FileIcon, FolderIcon, fileKind } from "./file-icon";
import { formatBytes } from "@/lib/format/numbers";
import { LocalDate } from "@/components/shared/local-date";

export type BrowserItem =
  | { kind: "folder"; key: string; item: DriveFolder }
  | { kind: "file"; key: string; item: DriveFile };

export type RowAction = "preview" | "share" | "rename" | "move" | "trash";

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
        {entry.kind === "file" ? (
          <>
            <DropdownMenuItem onSelect={() => onAction("preview")}>
              <Eye aria-hidden /> Preview
            </DropdownMenuItem>
            <DropdownMenuItem asChild>
              <a href={downloadHref(entry.item.id)} download>
                <Download aria-hidden /> Download
              </a>
            </DropdownMenuItem>
            <DropdownMenuItem onSelect={() => onAction("share")}>
              <Share2 aria-hidden /> Share…
            </DropdownMenuItem>
          </>
        ) : (
          <>
            <DropdownMenuItem asChild>
              <Link href={driveHref({ folder: entry.item.id })}>
                <FolderOpen aria-hidden /> Open
              </Link>
            </DropdownMenuItem>
            <DropdownMenuItem asChild>
              <a href={zipHref([], [entry.item.id])} download>
                <Download aria-hidden /> Download as zip
              </a>
            </DropdownMenuItem>
          </>
        )}
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => onAction("rename")}>
          <Pencil aria-hidden /> Rename…
        </DropdownMenuItem>
        <DropdownMenuItem onSelect={() => onAction("move")}>
          <FolderInput aria-hidden /> Move…
        </DropdownMenuItem>
        <DropdownMenuSeparator />
        <DropdownMenuItem variant="destructive" onSelect={() => onAction("trash")}>
          <Trash2 aria-hidden /> Move to trash
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

export function FileTable({
  listing,
  selected,
  onSelect,
  onSelectAll,
  onAction,
  empty,
}: {
  listing: FolderListing;
  selected: ReadonlySet<string>;
  onSelect(key: string, on: boolean): void;
  onSelectAll(on: boolean): void;
  onAction(entry: BrowserItem, action: RowAction): void;
  empty: React.ReactNode;
}) {
  const items = browserItems(listing);
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
  selected,
  onSelect,
  onAction,
}: {
  entry: BrowserItem;
  listing: FolderListing;
  selected: boolean;
  onSelect(on: boolean): void;
  onAction(a: RowAction): void;
}) {
  const { item } = entry;
  const parentId = entry.kind === "file" ? entry.item.folderId : entry.item.parentId;
  const location = listing.q ? listing.locations[parentId ?? ""] : undefined;
  const size = entry.kind === "file" ? formatBytes(entry.item.size) : "—";
  const type =
    entry.kind === "file" ? fileKind(entry.item.contentType, entry.item.name).label : "Folder";
  const nameClass =
    "min-w-0 truncate rounded-sm text-left font-medium hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";
  return (
    <tr
      className={cn(
        "border-b last:border-b-0 hover:bg-accent/40",
        selected && "bg-accent/60 hover:bg-accent/60",
      )}
      data-testid="drive-row"
      data-kind={entry.kind}
    >
      <td className="py-2 pl-3 pr-1 align-middle">
        <input
          type="checkbox"
          className="size-4 accent-primary"
          aria-label={`Select ${item.name}`}
          checked={selected}
          onChange={(e) => onSelect(e.target.checked)}
        />
      </td>
      <td className="px-2 py-2 align-middle">
        <div className="flex min-w-0 items-center gap-2.5">
          {entry.kind === "folder" ? (
            <FolderIcon />
          ) : (
            <FileIcon contentType={entry.item.contentType} name={entry.item.name} />
          )}
          <div className="grid min-w-0">
            {entry.kind === "folder" ? (
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
            )}
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
          </div>
        </div>
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
  );
}
