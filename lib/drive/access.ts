import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/db/client";

// What the other features (Image Studio, MapReduce, Pulse) may read of a user's Drive. The Drive's
// tables are touched only by lib/drive (an ESLint rule keeps it so), and every read here is scoped
// to the owner: another user's file, a missing one and a trashed one all look the same — absent.

export type LiveFile = {
  id: string;
  name: string;
  size: number;
  contentType: string;
  storageKey: string;
  folderId: string | null;
  updatedAt: Date;
};

/** Narrows a listing of live files; every condition given must hold. */
export type LiveFileFilter = {
  ids?: readonly string[];
  folderIds?: readonly string[];
  /** `"image/"`: the type starts with this (case as stored). */
  contentTypePrefix?: string;
  /** A case-insensitive substring of the name, taken literally (`%` and `_` are not wildcards). */
  nameContains?: string;
  /** Any of these endings (the column's collation makes it case-insensitive). */
  nameEndsWith?: readonly string[];
};

export type LiveFileOrder = "newest" | "name";

const select = {
  id: true,
  name: true,
  size: true,
  contentType: true,
  storageKey: true,
  folderId: true,
  updatedAt: true,
} as const;

type Row = Prisma.FileGetPayload<{ select: typeof select }>;

const toLiveFile = (r: Row): LiveFile => ({ ...r, size: Number(r.size) });

const likeLiteral = (q: string) => q.replace(/[\\%_]/g, (c) => `\\${c}`);

function where(ownerId: string, filter: LiveFileFilter): Prisma.FileWhereInput {
  return {
    ownerId,
    trashedAt: null,
    ...(filter.ids ? { id: { in: [...new Set(filter.ids)] } } : {}),
    ...(filter.folderIds ? { folderId: { in: [...filter.folderIds] } } : {}),
    ...(filter.contentTypePrefix ? { contentType: { startsWith: filter.contentTypePrefix } } : {}),
    ...(filter.nameContains ? { name: { contains: likeLiteral(filter.nameContains) } } : {}),
    ...(filter.nameEndsWith
      ? { OR: filter.nameEndsWith.map((ext) => ({ name: { endsWith: ext } })) }
      : {}),
  };
}

const orderBy = (order: LiveFileOrder): Prisma.FileOrderByWithRelationInput[] =>
  order === "name" ? [{ name: "asc" }, { id: "asc" }] : [{ updatedAt: "desc" }, { id: "desc" }];

/** One live file of the owner, or null. */
export async function liveFile(ownerId: string, fileId: string): Promise<LiveFile | null> {
  const row = await db.file.findFirst({ where: { id: fileId, ownerId, trashedAt: null }, select });
  return row ? toLiveFile(row) : null;
}

/**
 * A file of the owner whether or not it is in the trash: for a feature's own results, which stay
 * readable from that feature (a job's output preview) after the user trashed them in the Drive.
 */
export async function ownedFile(ownerId: string, fileId: string): Promise<LiveFile | null> {
  const row = await db.file.findFirst({ where: { id: fileId, ownerId }, select });
  return row ? toLiveFile(row) : null;
}

/** The live files among `ids`, by id; absent ids are foreign, missing or trashed. */
export async function liveFiles(
  ownerId: string,
  ids: readonly string[],
): Promise<Map<string, LiveFile>> {
  if (ids.length === 0) return new Map();
  const rows = await db.file.findMany({ where: where(ownerId, { ids }), select });
  return new Map(rows.map((r) => [r.id, toLiveFile(r)]));
}

/** A page of the owner's live files matching `filter`. */
export async function listLiveFiles(
  ownerId: string,
  filter: LiveFileFilter,
  page: { order?: LiveFileOrder; skip?: number; take: number },
): Promise<LiveFile[]> {
  const rows = await db.file.findMany({
    where: where(ownerId, filter),
    orderBy: orderBy(page.order ?? "newest"),
    skip: page.skip,
    take: page.take,
    select,
  });
  return rows.map(toLiveFile);
}

export async function countLiveFiles(ownerId: string, filter: LiveFileFilter): Promise<number> {
  return db.file.count({ where: where(ownerId, filter) });
}

/** A live file in `folderId` with exactly this name and size: a retried store step's earlier result. */
export async function liveFileNamed(
  ownerId: string,
  folderId: string,
  name: string,
  size: number,
): Promise<LiveFile | null> {
  const row = await db.file.findFirst({
    where: { ownerId, folderId, name, size: BigInt(size), trashedAt: null },
    select,
  });
  return row ? toLiveFile(row) : null;
}

/** One live folder of the owner, or null. */
export async function liveFolder(
  ownerId: string,
  folderId: string,
): Promise<{ id: string; name: string; parentId: string | null } | null> {
  return db.folder.findFirst({
    where: { id: folderId, ownerId, trashedAt: null },
    select: { id: true, name: true, parentId: true },
  });
}

export type LiveFolder = { id: string; name: string; parentId: string | null };

/** The owner's live folders (not in the trash), by name: for pickers that browse the tree. */
export async function listLiveFolders(ownerId: string, take: number): Promise<LiveFolder[]> {
  return db.folder.findMany({
    where: { ownerId, trashedAt: null },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take,
    select: { id: true, name: true, parentId: true },
  });
}
