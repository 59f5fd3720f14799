import type { SortDir, SortKey } from "@/lib/drive/schemas";

export type DriveView = {
  folder?: string | null;
  sort?: SortKey;
  dir?: SortDir;
  page?: number;
  q?: string;
};

/** The /drive URL for a view; defaults are left out so links stay short and shareable. */
export function driveHref(view: DriveView): string {
  const params = new URLSearchParams();
  if (view.q) params.set("q", view.q);
  else if (view.folder) params.set("folder", view.folder);
  if (view.sort && view.sort !== "name") params.set("sort", view.sort);
  if (view.dir && view.dir !== "asc") params.set("dir", view.dir);
  if (view.page && view.page > 1) params.set("page", String(view.page));
  const query = params.toString();
  return query ? `/drive?${query}` : "/drive";
}

export function downloadHref(fileId: string): string {
  return `/api/drive/files/${encodeURIComponent(fileId)}/download`;
}

export function zipHref(fileIds: readonly string[], folderIds: readonly string[]): string {
  const params = new URLSearchParams();
  if (fileIds.length > 0) params.set("files", fileIds.join(","));
  if (folderIds.length > 0) params.set("folders", folderIds.join(","));
  return `/api/drive/zip?${params.toString()}`;
}
