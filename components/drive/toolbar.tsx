"use client";

import { Download, FolderInput, FolderPlus, Search, Trash2, Wand2, X } from "lucide-react";
import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import type { SortDir, SortKey } from "@/lib/drive/schemas";
import { driveHref } from "@/lib/drive/hrefs";

export function SearchForm({ q, sort, dir }: { q?: string; sort: SortKey; dir: SortDir }) {
  return (
    <form role="search" action="/drive" className="relative w-full sm:max-w-xs">
      <label htmlFor="drive-search" className="sr-only">
        Search your drive
      </label>
      <Search
        className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground"
        aria-hidden
      />
      <Input
        id="drive-search"
        name="q"
        type="search"
        placeholder="Search your drive"
        defaultValue={q ?? ""}
        maxLength={255}
        className="pl-9"
        autoComplete="off"
      />
      {sort !== "name" && <input type="hidden" name="sort" value={sort} />}
      {dir !== "asc" && <input type="hidden" name="dir" value={dir} />}
    </form>
  );
}

const SORTS: { value: `${SortKey}-${SortDir}`; label: string }[] = [
  { value: "name-asc", label: "Name (A–Z)" },
  { value: "name-desc", label: "Name (Z–A)" },
  { value: "modified-desc", label: "Newest first" },
  { value: "modified-asc", label: "Oldest first" },
  { value: "size-desc", label: "Largest first" },
  { value: "size-asc", label: "Smallest first" },
  { value: "type-asc", label: "Type" },
];

/** Narrow screens hide the sortable column headers; this offers the same orders. */
export function SortSelect({
  folder,
  q,
  sort,
  dir,
}: {
  folder?: string | null;
  q?: string;
  sort: SortKey;
  dir: SortDir;
}) {
  const router = useRouter();
  return (
    <div className="ml-auto flex shrink-0 items-center gap-2 md:hidden">
      <label htmlFor="drive-sort" className="text-sm text-muted-foreground">
        Sort
      </label>
      <Select
        id="drive-sort"
        value={`${sort}-${dir}`}
        onChange={(e) => {
          const [nextSort, nextDir] = e.target.value.split("-") as [SortKey, SortDir];
          router.push(driveHref({ folder, q, sort: nextSort, dir: nextDir }));
        }}
      >
        {SORTS.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
        {!SORTS.some((s) => s.value === `${sort}-${dir}`) && (
          <option value={`${sort}-${dir}`}>Type (reversed)</option>
        )}
      </Select>
    </div>
  );
}

export function Toolbar({
  search,
  onNewFolder,
  uploader,
}: {
  search: ReactNode;
  onNewFolder?: () => void;
  uploader?: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
      {search}
      <div className="flex flex-wrap items-center gap-2 sm:ml-auto">
        {onNewFolder && (
          <Button type="button" variant="outline" onClick={onNewFolder}>
            <FolderPlus aria-hidden />
            New folder
          </Button>
        )}
        {uploader}
      </div>
    </div>
  );
}

/** What can be done with the checked items; replaces nothing, sits above the table. */
export function SelectionBar({
  count,
  zipHref,
  onMove,
  onTrash,
  onClear,
  onApplyPreset,
  busy,
}: {
  count: number;
  zipHref: string;
  onMove(): void;
  /** Image Studio's batch; absent when the selection holds no images or folders. */
  onApplyPreset?(): void;
  onTrash(): void;
  onClear(): void;
  busy: boolean;
}) {
  return (
    <div
      role="region"
      aria-label="Selected items"
      className="flex flex-wrap items-center gap-2 rounded-lg border border-primary/30 bg-primary/5 px-3 py-2"
    >
      <span className="mr-auto text-sm font-medium" aria-live="polite">
        {count} selected
      </span>
      <Button asChild size="sm" variant="outline">
        {/* A plain link: the zip is a file download, not a page to route to. */}
        <a href={zipHref} download>
          <Download aria-hidden />
          Download as zip
        </a>
      </Button>
      {onApplyPreset && (
        <Button size="sm" variant="outline" onClick={onApplyPreset} disabled={busy}>
          <Wand2 aria-hidden />
          Apply preset…
        </Button>
      )}
      <Button size="sm" variant="outline" onClick={onMove} disabled={busy}>
        <FolderInput aria-hidden />
        Move…
      </Button>
      <Button size="sm" variant="outline" onClick={onTrash} disabled={busy}>
        <Trash2 aria-hidden />
        Move to trash
      </Button>
      <Button size="sm" variant="ghost" onClick={onClear} aria-label="Clear selection">
        <X aria-hidden />
        <span className="hidden sm:inline">Clear</span>
      </Button>
    </div>
  );
}
