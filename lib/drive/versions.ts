import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/log/logger";
import { deleteObjects } from "@/lib/storage/objects";
import { nameKey } from "./name-rules";
import { lockOwnerForQuota } from "./quota";
import type { FileVersionView } from "./version-types";

// File versions. An upload whose name matches a live file in the same folder (case-insensitively,
// as names compare everywhere in Drive) replaces that file's content and keeps the previous
// content as a FileVersion: the file keeps its id, so its share links, folder and place in lists
// stay. We keep our own version objects (each version's bytes under its own key) rather than S3
// bucket versioning: the local store has none, and one mechanism everywhere is easier to reason
// about and to count. Versions count against the quota (they occupy the store), go to the trash
// with their file, are deleted when it is deleted for good, and the oldest beyond
// MAX_VERSIONS_PER_FILE are deleted when a new one is kept.

export const MAX_VERSIONS_PER_FILE = 20;

type Tx = Prisma.TransactionClient;

/** The live file in `folderId` whose name is `name` (case-insensitively), if any. */
export async function sameNameFile(
  tx: Tx | typeof db,
  ownerId: string,
  folderId: string | null,
  name: string,
) {
  const candidates = await tx.file.findMany({
    where: { ownerId, folderId, trashedAt: null, name },
    select: {
      id: true,
      name: true,
      size: true,
      contentType: true,
      storageKey: true,
      updatedAt: true,
      thumbnailKey: true,
    },
    orderBy: { createdAt: "asc" },
  });
  return candidates.find((c) => nameKey(c.name) === nameKey(name)) ?? null;
}

/**
 * Inside the caller's transaction (which holds the owner's quota lock): the file's current content
 * becomes a version and `next` becomes its content. Returns the keys no row names any more (the
 * old thumbnail), for the caller to delete after the commit.
 */
export async function replaceContent(
  tx: Tx,
  ownerId: string,
  file: { id: string; size: bigint; contentType: string; storageKey: string; updatedAt: Date },
  next: { size: bigint; contentType: string; storageKey: string },
  now: Date,
) {
  await tx.fileVersion.create({
    data: {
      fileId: file.id,
      ownerId,
      size: file.size,
      contentType: file.contentType,
      storageKey: file.storageKey,
      createdAt: file.updatedAt,
      replacedAt: now,
    },
  });
  const before = await tx.file.findFirstOrThrow({
    where: { id: file.id, ownerId },
    select: { thumbnailKey: true },
  });
  const updated = await tx.file.update({
    where: { id: file.id },
    data: { ...next, thumbnailKey: null, updatedAt: now },
  });
  return { file: updated, staleKeys: before.thumbnailKey ? [before.thumbnailKey] : [] };
}

/** Deletes the oldest versions of a file beyond MAX_VERSIONS_PER_FILE (objects first). */
export async function pruneVersions(ownerId: string, fileId: string): Promise<void> {
  const extra = await db.fileVersion.findMany({
    where: { ownerId, fileId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: MAX_VERSIONS_PER_FILE,
    select: { id: true, storageKey: true },
  });
  if (extra.length === 0) return;
  await deleteObjects(extra.map((v) => v.storageKey));
  await db.fileVersion.deleteMany({ where: { ownerId, id: { in: extra.map((v) => v.id) } } });
}

/** The versions of a live file the owner has, newest first; null if not theirs or trashed. */
export async function listVersions(
  ownerId: string,
  fileId: string,
): Promise<{ current: FileVersionView; versions: FileVersionView[] } | null> {
  const file = await db.file.findFirst({
    where: { id: fileId, ownerId, trashedAt: null },
    select: { id: true, size: true, contentType: true, updatedAt: true },
  });
  if (!file) return null;
  const rows = await db.fileVersion.findMany({
    where: { ownerId, fileId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, size: true, contentType: true, createdAt: true, replacedAt: true },
  });
  return {
    current: {
      id: file.id,
      size: Number(file.size),
      contentType: file.contentType,
      createdAt: file.updatedAt.toISOString(),
      replacedAt: null,
    },
    versions: rows.map((v) => ({
      id: v.id,
      size: Number(v.size),
      contentType: v.contentType,
      createdAt: v.createdAt.toISOString(),
      replacedAt: v.replacedAt.toISOString(),
    })),
  };
}

export type VersionResult = { ok: true; message: string } | { ok: false; message: string };

const GONE = "That version no longer exists. Reload the list.";

/**
 * Makes a version the file's content again. The content it replaces becomes a version in turn,
 * so a restore loses nothing and can be undone; the quota does not change (the same bytes are
 * kept, only which of them is current).
 */
export async function restoreVersion(
  ownerId: string,
  fileId: string,
  versionId: string,
  now = new Date(),
): Promise<VersionResult> {
  const outcome = await db.$transaction(async (tx) => {
    await lockOwnerForQuota(tx, ownerId);
    const file = await tx.file.findFirst({
      where: { id: fileId, ownerId, trashedAt: null },
      select: { id: true, size: true, contentType: true, storageKey: true, updatedAt: true },
    });
    const version = await tx.fileVersion.findFirst({ where: { id: versionId, ownerId, fileId } });
    if (!file || !version) return null;
    await tx.fileVersion.delete({ where: { id: version.id } });
    return replaceContent(
      tx,
      ownerId,
      file,
      { size: version.size, contentType: version.contentType, storageKey: version.storageKey },
      now,
    );
  });
  if (!outcome) return { ok: false, message: GONE };
  await deleteObjects(outcome.staleKeys).catch((error: unknown) =>
    logger.warn("versions: an old thumbnail could not be deleted", { fileId, error }),
  );
  return { ok: true, message: "Version restored. The content it replaced is kept as a version." };
}

/** Deletes one version for good (its bytes, then its row), freeing its space. */
export async function deleteVersion(
  ownerId: string,
  fileId: string,
  versionId: string,
): Promise<VersionResult> {
  const version = await db.fileVersion.findFirst({
    where: { id: versionId, ownerId, fileId, file: { trashedAt: null } },
    select: { id: true, storageKey: true },
  });
  if (!version) return { ok: false, message: GONE };
  await deleteObjects([version.storageKey]);
  await db.fileVersion.deleteMany({ where: { id: version.id, ownerId } });
  return { ok: true, message: "Version deleted." };
}

/** Storage keys of everything that belongs to these files besides their content. */
export async function attachedKeys(fileIds: readonly string[]): Promise<string[]> {
  if (fileIds.length === 0) return [];
  const [versions, thumbs] = await Promise.all([
    db.fileVersion.findMany({
      where: { fileId: { in: [...fileIds] } },
      select: { storageKey: true },
    }),
    db.file.findMany({
      where: { id: { in: [...fileIds] }, thumbnailKey: { not: null } },
      select: { thumbnailKey: true },
    }),
  ]);
  return [
    ...versions.map((v) => v.storageKey),
    ...thumbs.flatMap((t) => (t.thumbnailKey ? [t.thumbnailKey] : [])),
  ];
}
