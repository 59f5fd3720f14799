import type { SortDir, SortKey } from "./schemas";
import type { DriveFile, DriveFolder } from "./types";

// What the Drive pages hand to their client components. No server imports.

/** One step of the path from the root (excluded) to a folder (included). */
export type Crumb = { id: string; name: string };

export type FolderListing = {
  /** The folder shown, or null for the root (and for search results). */
  folder: DriveFolder | null;
  breadcrumbs: Crumb[];
  /** Folders come first, then files; together they are one page of at most pageSize items. */
  folders: DriveFolder[];
  files: DriveFile[];
  totalFolders: number;
  totalFiles: number;
  page: number;
  pageSize: number;
  pageCount: number;
  sort: SortKey;
  dir: SortDir;
  /** Set for a search: the results come from the whole drive. */
  q?: string;
  /** For a search: where each result lives, by parent folder id ("" = root) → "/A/B". */
  locations: Record<string, string>;
  /** "file:<id>" / "folder:<id>" keys of the items on this page with a share link that opens. */
  shared: string[];
  /** Ids of the files on this page that have a grid thumbnail. */
  thumbnails: string[];
};

export type TrashEntry =
  | { kind: "file"; item: DriveFile; originalPath: string }
  | { kind: "folder"; item: DriveFolder; originalPath: string };

export type TrashListing = {
  entries: TrashEntry[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
  retentionDays: number;
};
