"use client";

import { ChevronRight, FileText, Folder, FolderOpen, Upload, X } from "lucide-react";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { FileInput } from "@/components/uploads/file-input";
import { useUploader } from "@/components/uploads/use-uploader";
import { Button } from "@/components/ui/button";
import { ProgressBar } from "@/components/ui/progress-bar";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { formatBytes } from "@/lib/format/numbers";
import { ACTIVE } from "@/lib/drive/upload-client/types";
import { Select } from "@/components/ui/select";
import type { PickableFile, PickableFolder } from "@/lib/mapreduce/files";

// Chooses Drive files for a job: from the Drive (browsed folder by folder, or searched by name
// across it, filtered by type) or uploaded on the spot with the Drive's own uploader (into the
// folder the form's uploads go to), which selects them once stored. The chosen ids travel as
// hidden inputs named `name`. Uploads show their progress under the picker.

export type FileFilter = "text" | "programs" | "all";

const PROGRAM_EXT = /\.(py|js|mjs|cjs|sh|bash|pl|rb|r|awk|php|lua)$/i;
const TEXT_EXT =
  /\.(txt|text|csv|tsv|tab|json|jsonl|ndjson|log|md|markdown|xml|html?|ya?ml|ini|conf|sql|srt|vtt|dat|psv)$/i;

/** Whether `f` is of the kind `filter` names. */
export function fileMatches(f: PickableFile, filter: FileFilter): boolean {
  if (filter === "all") return true;
  if (filter === "programs") return PROGRAM_EXT.test(f.name);
  return (
    TEXT_EXT.test(f.name) ||
    f.contentType.startsWith("text/") ||
    /json|csv|xml|yaml/.test(f.contentType) ||
    (!/\.[A-Za-z0-9]{1,6}$/.test(f.name) && f.contentType === "application/octet-stream")
  );
}

const FILTER_LABEL: Record<FileFilter, string> = {
  text: "Text and data files",
  programs: "Programs (.py, .js, .sh …)",
  all: "All files",
};

/** "Reports / 2026": a folder's path from the top of My Drive. */
export function folderPath(folders: Map<string, PickableFolder>, id: string | null): string {
  const names: string[] = [];
  for (let f = id ? folders.get(id) : undefined; f && names.length < 32;) {
    names.unshift(f.name);
    f = f.parentId ? folders.get(f.parentId) : undefined;
  }
  return names.length ? `My Drive / ${names.join(" / ")}` : "My Drive";
}

export function FilePicker({
  name,
  label,
  hint,
  files,
  folders,
  uploadFolderId,
  filter: initialFilter = "text",
  onUploaded,
  value,
  onChange,
  onUploadingChange,
  multiple = true,
  errors,
  accept,
}: {
  name: string;
  label: string;
  hint?: string;
  files: PickableFile[];
  folders: PickableFolder[];
  /** Where this picker's uploads go (null: the top of My Drive). */
  uploadFolderId: string | null;
  /** Which files the dialog lists first (the user may show all). */
  filter?: FileFilter;
  onUploaded: (file: PickableFile) => void;
  value: string[];
  onChange: (ids: string[]) => void;
  /** How many of this picker's uploads are still on their way (the form waits for them). */
  onUploadingChange?: (name: string, count: number) => void;
  multiple?: boolean;
  errors?: string[];
  accept?: string;
}) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<FileFilter>(initialFilter);
  const [at, setAt] = useState<string | null>(null);
  const folderById = useMemo(() => new Map(folders.map((f) => [f.id, f])), [folders]);
  const input = useRef<HTMLInputElement>(null);
  const { manager, snapshot } = useUploader();
  const waiting = useRef(new Set<string>());
  // This picker's uploads, shown under it until stored (or failed, with the reason).
  const [mine, setMine] = useState<string[]>([]);
  // An error from the last submit stays until the user changes this field: picks, removes or
  // uploads a file (an upload that ends selects its file, which changes the field too).
  const [hiddenFor, setHiddenFor] = useState<string[] | undefined>(undefined);
  const [errorsSeen, setErrorsSeen] = useState(errors);
  const [valueAtErrors, setValueAtErrors] = useState(value);
  if (errors !== errorsSeen) {
    setErrorsSeen(errors);
    setValueAtErrors(value);
  }
  const visibleErrors =
    errors && errors !== hiddenFor && value.join() === valueAtErrors.join() ? errors : undefined;
  const change = (ids: string[]) => {
    setHiddenFor(errors);
    onChange(ids);
  };
  const byId = useMemo(() => new Map(files.map((f) => [f.id, f])), [files]);
  const valueRef = useRef(value);
  useEffect(() => {
    valueRef.current = value;
  }, [value]);

  useEffect(() => {
    for (const item of snapshot.items) {
      if (!waiting.current.has(item.id)) continue;
      if (item.phase === "done" && item.file) {
        waiting.current.delete(item.id);
        const f = item.file;
        onUploaded({
          id: f.id,
          name: f.name,
          size: f.size,
          updatedAt: f.updatedAt,
          folderId: f.folderId,
          contentType: f.contentType,
        });
        const next = multiple ? [...valueRef.current, f.id] : [f.id];
        valueRef.current = next;
        onChange(next);
      } else if (item.phase === "failed" || item.phase === "cancelled") {
        waiting.current.delete(item.id);
      }
    }
  }, [snapshot, multiple, onChange, onUploaded]);

  const upload = (chosen: File[]) => {
    const ids = manager.add(multiple ? chosen : chosen.slice(0, 1), uploadFolderId);
    for (const itemId of ids) waiting.current.add(itemId);
    setMine((m) => [...m, ...ids]);
    setHiddenFor(errors);
  };

  const q = query.trim().toLowerCase();
  // A search looks through the whole Drive; otherwise the dialog shows one folder at a time.
  const shown = files.filter(
    (f) => fileMatches(f, filter) && (q ? f.name.toLowerCase().includes(q) : f.folderId === at),
  );
  const subfolders = q ? [] : folders.filter((f) => f.parentId === at);
  const crumbs: PickableFolder[] = [];
  for (let f = at ? folderById.get(at) : undefined; f && crumbs.length < 32;) {
    crumbs.unshift(f);
    f = f.parentId ? folderById.get(f.parentId) : undefined;
  }
  const hiddenByFilter = files.filter(
    (f) => !fileMatches(f, filter) && (q ? f.name.toLowerCase().includes(q) : f.folderId === at),
  ).length;
  const toggle = (fileId: string) => {
    if (!multiple) {
      change([fileId]);
      setOpen(false);
      return;
    }
    change(value.includes(fileId) ? value.filter((v) => v !== fileId) : [...value, fileId]);
  };
  const errorId = visibleErrors?.length ? `${id}-error` : undefined;
  const uploads = snapshot.items.filter((i) => mine.includes(i.id) && i.phase !== "done");
  const uploading = uploads.filter((u) => ACTIVE.includes(u.phase)).length;
  useEffect(() => onUploadingChange?.(name, uploading), [onUploadingChange, name, uploading]);
  // A picker that goes away (another job kind) waits for nothing.
  useEffect(() => () => onUploadingChange?.(name, 0), [onUploadingChange, name]);

  return (
    <fieldset className="grid gap-2" aria-describedby={errorId}>
      <legend className="mb-1.5 text-sm font-medium">{label}</legend>
      {hint && <p className="-mt-1 text-xs text-muted-foreground">{hint}</p>}
      {value.map((fileId) => (
        <input key={fileId} type="hidden" name={name} value={fileId} />
      ))}
      {value.length > 0 && (
        <ul className="grid gap-1" aria-label={`${label}: chosen files`}>
          {value.map((fileId) => {
            const f = byId.get(fileId);
            return (
              <li
                key={fileId}
                className="flex items-center gap-2 rounded-md border bg-background px-2 py-1 text-sm"
              >
                <FileText className="size-4 shrink-0 text-muted-foreground" aria-hidden />
                <span className="min-w-0 flex-1 truncate">
                  {f?.name ?? "A file no longer in your Drive"}
                </span>
                {f && (
                  <span className="text-xs tabular-nums text-muted-foreground">
                    {formatBytes(f.size)}
                  </span>
                )}
                <button
                  type="button"
                  className="rounded p-0.5 text-muted-foreground hover:text-foreground"
                  aria-label={`Remove ${f?.name ?? "file"}`}
                  onClick={() => change(value.filter((v) => v !== fileId))}
                >
                  <X className="size-4" aria-hidden />
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <div className="flex flex-wrap gap-2">
        <Button type="button" variant="outline" size="sm" onClick={() => setOpen(true)}>
          <FolderOpen aria-hidden />
          {multiple ? "Choose from Drive" : value.length ? "Change" : "Choose from Drive"}
        </Button>
        <Button type="button" variant="outline" size="sm" onClick={() => input.current?.click()}>
          <Upload aria-hidden />
          Upload
        </Button>
        <FileInput
          ref={input}
          multiple={multiple}
          accept={accept}
          data-testid={`${name}-upload`}
          onFiles={upload}
        />
      </div>
      {uploads.length > 0 && (
        <ul className="grid gap-2" aria-label={`${label}: uploads`}>
          {uploads.map((u) => (
            <li key={u.id} className="grid gap-1 text-sm">
              <div className="flex justify-between gap-2">
                <span className="truncate">{u.name}</span>
                <span className="shrink-0 text-xs tabular-nums text-muted-foreground">
                  {u.phase === "failed"
                    ? "Failed"
                    : u.phase === "cancelled"
                      ? "Cancelled"
                      : `${formatBytes(u.loaded)} of ${formatBytes(u.size)}`}
                </span>
              </div>
              <ProgressBar
                value={u.loaded}
                max={u.size}
                label={`Uploading ${u.name}`}
                tone={
                  u.phase === "failed" ? "failed" : u.phase === "cancelled" ? "muted" : "active"
                }
              />
              {(u.error ?? u.note) && (
                <p
                  className={u.error ? "text-xs text-destructive" : "text-xs text-muted-foreground"}
                >
                  {u.error ?? u.note}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {visibleErrors?.length ? (
        <p id={errorId} className="text-xs text-destructive">
          {visibleErrors.join(" ")}
        </p>
      ) : null}

      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent className="max-w-lg">
          <DialogTitle>{label}</DialogTitle>
          <DialogDescription>
            {multiple ? "Tick the files to use." : "Pick one file."} Only your own files are listed.
          </DialogDescription>
          <div className="grid gap-2 sm:grid-cols-[1fr_auto]">
            <Input
              type="search"
              placeholder="Search the whole Drive by name"
              aria-label="Search files by name"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
            <Select
              aria-label="Show"
              value={filter}
              onChange={(e) => setFilter(e.target.value as FileFilter)}
            >
              {(Object.keys(FILTER_LABEL) as FileFilter[]).map((k) => (
                <option key={k} value={k}>
                  {FILTER_LABEL[k]}
                </option>
              ))}
            </Select>
          </div>
          {!q && (
            <nav aria-label="Folder" className="flex flex-wrap items-center gap-1 text-sm">
              <button
                type="button"
                className="rounded px-1 hover:bg-muted/50"
                aria-current={at === null ? "location" : undefined}
                onClick={() => setAt(null)}
              >
                My Drive
              </button>
              {crumbs.map((c) => (
                <span key={c.id} className="flex items-center gap-1">
                  <ChevronRight className="size-3.5 text-muted-foreground" aria-hidden />
                  <button
                    type="button"
                    className="max-w-40 truncate rounded px-1 hover:bg-muted/50"
                    aria-current={c.id === at ? "location" : undefined}
                    onClick={() => setAt(c.id)}
                  >
                    {c.name}
                  </button>
                </span>
              ))}
            </nav>
          )}
          <div className="max-h-80 overflow-y-auto rounded-md border">
            {shown.length === 0 && subfolders.length === 0 ? (
              <p className="px-3 py-6 text-center text-sm text-muted-foreground">
                {files.length === 0
                  ? "Your Drive has no files yet. Use Upload."
                  : q
                    ? "No file name matches."
                    : "This folder has no such files."}
                {hiddenByFilter > 0 && (
                  <>
                    {" "}
                    <button
                      type="button"
                      className="underline underline-offset-2"
                      onClick={() => setFilter("all")}
                    >
                      Show {hiddenByFilter} other file{hiddenByFilter === 1 ? "" : "s"}
                    </button>
                  </>
                )}
              </p>
            ) : (
              <ul>
                {subfolders.map((f) => (
                  <li key={f.id} className="border-b last:border-0">
                    <button
                      type="button"
                      className="flex w-full items-center gap-2 px-3 py-2 text-left text-sm hover:bg-muted/50"
                      onClick={() => setAt(f.id)}
                    >
                      <Folder className="size-4 shrink-0 text-muted-foreground" aria-hidden />
                      <span className="min-w-0 flex-1 truncate">{f.name}</span>
                      <ChevronRight className="size-4 text-muted-foreground" aria-hidden />
                    </button>
                  </li>
                ))}
                {shown.map((f) => {
                  const checked = value.includes(f.id);
                  return (
                    <li key={f.id} className="border-b last:border-0">
                      <label className="flex cursor-pointer items-center gap-2 px-3 py-2 text-sm hover:bg-muted/50">
                        <input
                          type={multiple ? "checkbox" : "radio"}
                          name={`${id}-pick`}
                          checked={checked}
                          onChange={() => toggle(f.id)}
                        />
                        <span className="min-w-0 flex-1">
                          <span className="block truncate">{f.name}</span>
                          {q && (
                            <span className="block truncate text-xs text-muted-foreground">
                              {folderPath(folderById, f.folderId)}
                            </span>
                          )}
                        </span>
                        <span className="text-xs tabular-nums text-muted-foreground">
                          {formatBytes(f.size)}
                        </span>
                      </label>
                    </li>
                  );
                })}
              </ul>
            )}
          </div>
          {hiddenByFilter > 0 && (shown.length > 0 || subfolders.length > 0) && (
            <p className="text-xs text-muted-foreground">
              {hiddenByFilter} other file{hiddenByFilter === 1 ? "" : "s"} here{" "}
              {hiddenByFilter === 1 ? "is" : "are"} not {FILTER_LABEL[filter].toLowerCase()}.{" "}
              <button
                type="button"
                className="underline underline-offset-2"
                onClick={() => setFilter("all")}
              >
                Show all files
              </button>
            </p>
          )}
          {multiple && (
            <div className="flex justify-end">
              <Button type="button" onClick={() => setOpen(false)}>
                Done ({value.length})
              </Button>
            </div>
          )}
        </DialogContent>
      </Dialog>
    </fieldset>
  );
}
