// Shared by the Drive tests; not imported by application code.
import { db } from "@/lib/db/client";
import { newObjectKey } from "@/lib/storage/keys";
import { cleanUp, putDirect, testUserId } from "@/lib/storage/test-helpers";

/** A user whose address is confirmed (Stratus mails nothing but account mail to others). */
export async function makeUser(): Promise<string> {
  const id = testUserId();
  await db.user.create({
    data: {
      id,
      email: `${id}@drive.test`,
      name: "Drive Tester",
      passwordHash: "unused",
      emailVerifiedAt: new Date(),
    },
  });
  return id;
}

/** Deletes the users (rows cascade) and their objects. */
export async function removeUsers(...ids: string[]): Promise<void> {
  await cleanUp(...ids);
  // See detachFolderTree: a user with subfolders cannot be deleted in one cascade.
  await db.folder.updateMany({ where: { ownerId: { in: ids } }, data: { parentId: null } });
  await db.user.deleteMany({ where: { id: { in: ids } } });
}

export async function makeFolder(ownerId: string, name: string, parentId: string | null = null) {
  return db.folder.create({ data: { ownerId, name, parentId } });
}

/** A file row with a real object behind it (unless `object: false`). */
export async function makeFile(
  ownerId: string,
  name: string,
  folderId: string | null = null,
  opts: { body?: string; contentType?: string; object?: boolean; updatedAt?: Date } = {},
) {
  const storageKey = newObjectKey(ownerId);
  const body = opts.body ?? `contents of ${name}`;
  if (opts.object !== false) await putDirect(storageKey, body, opts.contentType);
  return db.file.create({
    data: {
      ownerId,
      folderId,
      name,
      size: BigInt(Buffer.byteLength(body)),
      contentType: opts.contentType ?? "text/plain",
      storageKey,
      ...(opts.updatedAt ? { updatedAt: opts.updatedAt } : {}),
    },
  });
}

export const file = (id: string) => ({ kind: "file" as const, id });
export const folder = (id: string) => ({ kind: "folder" as const, id });

// Rows without objects, for other features' tests: the Drive's tables are touched only by
// lib/drive (eslint.config.js), so tests elsewhere seed and inspect them through these.

export type FileRowSeed = {
  name: string;
  folderId?: string | null;
  size?: number;
  contentType?: string;
  storageKey?: string;
  trashedAt?: Date;
  originalPath?: string;
};

const fileData = (ownerId: string, seed: FileRowSeed) => ({
  ownerId,
  folderId: seed.folderId ?? null,
  name: seed.name,
  size: BigInt(seed.size ?? 0),
  contentType: seed.contentType ?? "text/plain",
  storageKey: seed.storageKey ?? newObjectKey(ownerId),
  trashedAt: seed.trashedAt ?? null,
  originalPath: seed.originalPath ?? null,
});

export function seedFileRow(ownerId: string, seed: FileRowSeed) {
  return db.file.create({ data: fileData(ownerId, seed) });
}

export async function seedFileRows(ownerId: string, seeds: FileRowSeed[]): Promise<number> {
  return (await db.file.createMany({ data: seeds.map((s) => fileData(ownerId, s)) })).count;
}

export function seedFolderRow(
  ownerId: string,
  seed: { name: string; parentId?: string | null; trashedAt?: Date; originalPath?: string },
) {
  return db.folder.create({
    data: {
      ownerId,
      name: seed.name,
      parentId: seed.parentId ?? null,
      trashedAt: seed.trashedAt ?? null,
      originalPath: seed.originalPath ?? null,
    },
  });
}

export type RowFilter = {
  ownerId?: string;
  ids?: string[];
  folderId?: string | null;
  parentId?: string | null;
  name?: string;
  /** true: only trashed rows; false: only live ones; absent: both. */
  trashed?: boolean;
};

function rowWhere(filter: RowFilter) {
  return {
    ...(filter.ownerId !== undefined ? { ownerId: filter.ownerId } : {}),
    ...(filter.ids !== undefined ? { id: { in: filter.ids } } : {}),
    ...(filter.name !== undefined ? { name: filter.name } : {}),
    ...(filter.trashed === true ? { trashedAt: { not: null } } : {}),
    ...(filter.trashed === false ? { trashedAt: null } : {}),
  };
}

export const fileRow = (id: string) => db.file.findUniqueOrThrow({ where: { id } });
export const findFileRow = (id: string) => db.file.findUnique({ where: { id } });

export function fileRows(filter: RowFilter) {
  return db.file.findMany({
    where: {
      ...rowWhere(filter),
      ...(filter.folderId !== undefined ? { folderId: filter.folderId } : {}),
    },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
}

export function countFileRows(filter: RowFilter): Promise<number> {
  return db.file.count({
    where: {
      ...rowWhere(filter),
      ...(filter.folderId !== undefined ? { folderId: filter.folderId } : {}),
    },
  });
}

export function folderRows(filter: RowFilter) {
  return db.folder.findMany({
    where: {
      ...rowWhere(filter),
      ...(filter.parentId !== undefined ? { parentId: filter.parentId } : {}),
    },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
}

export async function countFolderRows(filter: RowFilter): Promise<number> {
  return (await folderRows(filter)).length;
}

export function updateFileRow(
  id: string,
  data: {
    name?: string;
    contentType?: string;
    trashedAt?: Date | null;
    storageKey?: string;
    size?: bigint;
  },
) {
  return db.file.update({ where: { id }, data });
}

/** Deletes the users' Drive rows (not their objects, not the users). */
export async function deleteDriveRows(ownerIds: string[]): Promise<void> {
  await db.file.deleteMany({ where: { ownerId: { in: ownerIds } } });
  await db.folder.updateMany({ where: { ownerId: { in: ownerIds } }, data: { parentId: null } });
  await db.folder.deleteMany({ where: { ownerId: { in: ownerIds } } });
}

export async function deleteFileRow(id: string): Promise<void> {
  await db.file.delete({ where: { id } });
}
