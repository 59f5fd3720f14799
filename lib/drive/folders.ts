import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/log/logger";
import type { Crumb, FolderListing } from "./listing-types";
import { availableName } from "./names";
import { PAGE_SIZE, type SortDir, type SortKey } from "./schemas";
import { fileSelect, folderSelect, toDriveFile, toDriveFolder } from "./serialize";
import { requestMissingThumbnails } from "./thumbnails";
import { chainPath, folderChain, folderChains } from "./tree";
import type { DriveFolder } from "./types";

// Browsing: folder listings, search, breadcrumbs and creating folders. Every query is scoped to
// the owner; a foreign id is indistinguishable from a missing one (null / "not found").

export type ListOptions = {
  folderId?: string | null;
  sort?: SortKey;
  dir?: SortDir;
  page?: number;
  q?: string;
  pageSize?: number;
};

/** A live folder of this owner, or null. */
export async function getLiveFolder(ownerId: string, id: string): Promise<DriveFolder | null> {
  const row = await db.folder.findFirst({
    where: { id, ownerId, trashedAt: null },
    select: folderSelect,
  });
  return row ? toDriveFolder(row) : null;
}

/** Root → folder (inclusive); [] for the root. Null when the folder is not a live one of ours. */
export async function getBreadcrumbs(
  ownerId: string,
  folderId: string | null,
): Promise<Crumb[] | null> {
  const chain = await folderChain(ownerId, folderId);
  if (folderId !== null && (chain.length === 0 || chain.some((c) => c.trashed))) return null;
  return chain.map(({ id, name }) => ({ id, name }));
}

function folderOrder(sort: SortKey, dir: SortDir): Prisma.FolderOrderByWithRelationInput[] {
  if (sort === "modified") return [{ updatedAt: dir }, { name: "asc" }, { id: "asc" }];
  if (sort === "name") return [{ name: dir }, { id: dir }];
  // Folders have no size or type: under those sorts they stay in name order, above the files.
  return [{ name: "asc" }, { id: "asc" }];
}

function fileOrder(sort: SortKey, dir: SortDir): Prisma.FileOrderByWithRelationInput[] {
  switch (sort) {
    case "size":
      return [{ size: dir }, { name: "asc" }, { id: "asc" }];
    case "type":
      return [{ contentType: dir }, { name: "asc" }, { id: "asc" }];
    case "modified":
      return [{ updatedAt: dir }, { name: "asc" }, { id: "asc" }];
    case "name":
      // (name, id) follows the (ownerId, folderId, trashedAt, name) index, whose entries end
      // in the primary key, so deep pages of a huge folder are an index range scan.
      return [{ name: dir }, { id: dir }];
  }
}

/** `q` for a LIKE pattern: Prisma passes contains/startsWith through without escaping. */
function likeLiteral(q: string): string {
  return q.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * One page of a folder: folders first, then files, in the chosen order. With `q`, the page holds
 * the live items of the WHOLE drive whose names contain `q` (case-insensitive) instead, and
 * `locations` says where each lives. Null when `folderId` is not a live folder of this owner.
 *
 * Offset pages of `pageSize` (100): a page is one URL (?page=3), and with the owner/folder/name
 * index even page 100 of a 10,000-file folder reads only index entries up to its rows. The
 * other sorts sort one folder's rows (a bounded filesort), never the whole table.
 */
export async function listFolder(
  ownerId: string,
  options: ListOptions = {},
): Promise<FolderListing | null> {
  const sort = options.sort ?? "name";
  const dir = options.dir ?? "asc";
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const q = options.q?.trim() || undefined;
  const folderId = q ? null : (options.folderId ?? null);

  const folderWhere: Prisma.FolderWhereInput = q
    ? { ownerId, trashedAt: null, name: { contains: likeLiteral(q) } }
    : { ownerId, parentId: folderId, trashedAt: null };
  const fileWhere: Prisma.FileWhereInput = q
    ? { ownerId, trashedAt: null, name: { contains: likeLiteral(q) } }
    : { ownerId, folderId, trashedAt: null };

  // One round trip for everything that does not depend on the page.
  const [breadcrumbs, folder, totalFolders, totalFiles] = await Promise.all([
    getBreadcrumbs(ownerId, folderId),
    folderId === null ? null : getLiveFolder(ownerId, folderId),
    db.folder.count({ where: folderWhere }),
    db.file.count({ where: fileWhere }),
  ]);
  if (!breadcrumbs || (folderId !== null && !folder)) return null;
  const total = totalFolders + totalFiles;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, options.page ?? 1), pageCount);
  const start = (page - 1) * pageSize;

  const folderTake = Math.max(0, Math.min(pageSize, totalFolders - start));
  const fileSkip = Math.max(0, start - totalFolders);
  const fileTake = pageSize - folderTake;
  const [folderRows, fileRows] = await Promise.all([
    folderTake > 0
      ? db.folder.findMany({
          where: folderWhere,
          orderBy: folderOrder(sort, dir),
          skip: start,
          take: folderTake,
          select: folderSelect,
        })
      : [],
    fileTake > 0 && fileSkip < totalFiles
      ? db.file.findMany({
          where: fileWhere,
          orderBy: fileOrder(sort, dir),
          skip: fileSkip,
          take: fileTake,
          select: fileSelect,
        })
      : [],
  ]);

  const locations: Record<string, string> = {};
  if (q) {
    const parents = [
      ...folderRows.map((f) => f.parentId),
      ...fileRows.map((f) => f.folderId),
    ].filter((id): id is string => id !== null);
    const chains = await folderChains(ownerId, parents);
    for (const [id, chain] of chains) locations[id] = chainPath(chain);
    locations[""] = "/";
  }
  const marks = await listingMarks(
    ownerId,
    folderRows.map((f) => f.id),
    fileRows.map((f) => f.id),
  );

  return {
    ...marks,
    folder,
    breadcrumbs,
    folders: folderRows.map(toDriveFolder),
    files: fileRows.map(toDriveFile),
    totalFolders,
    totalFiles,
    page,
    pageSize,
    pageCount,
    sort,
    dir,
    q,
    locations,
  };
}

/**
 * For the items of one page: which have a share link that opens now (the "Shared" marker: not
 * revoked, not expired, not used up) and which files have a grid thumbnail.
 */
async function listingMarks(ownerId: string, folderIds: string[], fileIds: string[]) {
  const now = new Date();
  const [links, thumbs] = await Promise.all([
    folderIds.length + fileIds.length === 0
      ? []
      : db.shareLink.findMany({
          where: {
            ownerId,
            revokedAt: null,
            OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
            AND: [{ OR: [{ fileId: { in: fileIds } }, { folderId: { in: folderIds } }] }],
          },
          select: { fileId: true, folderId: true, maxDownloads: true, downloadCount: true },
        }),
    fileIds.length === 0
      ? []
      : db.file.findMany({
          where: { ownerId, id: { in: fileIds }, thumbnailKey: { not: null } },
          select: { id: true },
        }),
  ]);
  const shared = new Set<string>();
  for (const l of links) {
    if (l.maxDownloads !== null && l.downloadCount >= l.maxDownloads) continue;
    if (l.fileId) shared.add(`file:${l.fileId}`);
    if (l.folderId) shared.add(`folder:${l.folderId}`);
  }
  // Images stored before thumbnails existed: the worker makes theirs, once (the page does not wait).
  const have = new Set(thumbs.map((t) => t.id));
  void requestMissingThumbnails(
    ownerId,
    fileIds.filter((id) => !have.has(id)),
  ).catch((error) => logger.warn("drive: asking for missing thumbnails failed", { error }));
  return { shared: [...shared], thumbnails: [...have] };
}

/** The live subfolders of a folder (or of the root), by name: what the Move dialog browses. */
export async function listChildFolders(
  ownerId: string,
  parentId: string | null,
): Promise<{ breadcrumbs: Crumb[]; folders: DriveFolder[] } | null> {
  const breadcrumbs = await getBreadcrumbs(ownerId, parentId);
  if (!breadcrumbs) return null;
  const rows = await db.folder.findMany({
    where: { ownerId, parentId, trashedAt: null },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    select: folderSelect,
    // A picker, not a listing: more than this many subfolders is not browsable by eye anyway.
    take: 500,
  });
  return { breadcrumbs, folders: rows.map(toDriveFolder) };
}

export type CreateFolderResult =
  | { ok: true; folder: DriveFolder }
  | { ok: false; reason: "parent-not-found" | "name-taken"; message: string };

/**
 * A new folder. A name already used in the parent is refused rather than numbered: the user
 * typed it and should see it exactly (numbering is for moves, restores and uploads).
 */
export async function createFolder(
  ownerId: string,
  parentId: string | null,
  name: string,
): Promise<CreateFolderResult> {
  if (parentId !== null && !(await getLiveFolder(ownerId, parentId))) {
    return { ok: false, reason: "parent-not-found", message: "That folder no longer exists." };
  }
  if ((await availableName(ownerId, parentId, name)) !== name) {
    return {
      ok: false,
      reason: "name-taken",
      message: `An item named “${name}” already exists here.`,
    };
  }
  const row = await db.folder.create({
    data: { ownerId, parentId, name },
    select: folderSelect,
  });
  return { ok: true, folder: toDriveFolder(row) };
}
