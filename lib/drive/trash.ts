import "server-only";
import { db } from "@/lib/db/client";
import { deleteObjects } from "@/lib/storage/objects";
import { driveConfig } from "./config";
import type { TrashEntry, TrashListing } from "./listing-types";
import { availableNameIn } from "./names";
import { attachedKeys } from "./versions";
import { PAGE_SIZE, type ItemRef } from "./schemas";
import { fileSelect, folderSelect, toDriveFile, toDriveFolder } from "./serialize";
import {
  chainPath,
  ensurePath,
  findPath,
  folderChain,
  inChunks,
  storablePath,
  subtreeFolderIds,
} from "./tree";

// Trash: see tree.ts for the model. A Trash entry is a trashed row WITH an originalPath; the
// rows hidden inside a trashed folder carry the same trashedAt but no originalPath. So every
// trashed row's trashedAt is the moment its entry went to the trash, which is what retention
// counts from.

export type TrashResult = { ok: true; message: string } | { ok: false; message: string };

const GONE = "That item is no longer in the trash. Reload the page to see the current contents.";

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Moves live items to the trash; a folder takes its live contents with it. */
export async function trashItems(ownerId: string, refs: readonly ItemRef[]): Promise<TrashResult> {
  const now = new Date();
  let trashed = 0;
  await db.$transaction(async (tx) => {
    for (const ref of refs) {
      // Re-read inside the transaction: an earlier item of the same selection (a folder and,
      // via search, something inside it) may already have hidden this one.
      const item =
        ref.kind === "file"
          ? await tx.file
              .findFirst({
                where: { id: ref.id, ownerId, trashedAt: null },
                select: { folderId: true },
              })
              .then((f) => f && { parentId: f.folderId })
          : await tx.folder.findFirst({
              where: { id: ref.id, ownerId, trashedAt: null },
              select: { parentId: true },
            });
      if (!item) continue;
      const originalPath = storablePath(await folderChain(ownerId, item.parentId, tx));
      if (ref.kind === "file") {
        await tx.file.updateMany({
          where: { id: ref.id, ownerId },
          data: { trashedAt: now, originalPath },
        });
      } else {
        const subtree = await subtreeFolderIds(ownerId, ref.id, "live", tx);
        await tx.folder.updateMany({
          where: { id: ref.id, ownerId },
          data: { trashedAt: now, originalPath },
        });
        await inChunks(subtree, async (ids) => {
          await tx.folder.updateMany({
            where: { ownerId, id: { in: ids.filter((id) => id !== ref.id) }, trashedAt: null },
            data: { trashedAt: now },
          });
          await tx.file.updateMany({
            where: { ownerId, folderId: { in: ids }, trashedAt: null },
            data: { trashedAt: now },
          });
        });
      }
      trashed++;
    }
  });
  if (trashed === 0) {
    return { ok: false, message: "Those items no longer exist. Reload the page." };
  }
  return { ok: true, message: `Moved ${plural(trashed, "item")} to the trash.` };
}

/** The Trash entries, newest first. Items hidden inside a trashed folder are not listed. */
export async function listTrash(
  ownerId: string,
  options: { page?: number; pageSize?: number } = {},
): Promise<TrashListing> {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const entryWhere = { ownerId, trashedAt: { not: null }, originalPath: { not: null } } as const;
  const [folderCount, fileCount] = await Promise.all([
    db.folder.count({ where: entryWhere }),
    db.file.count({ where: entryWhere }),
  ]);
  const total = folderCount + fileCount;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, options.page ?? 1), pageCount);
  const offset = (page - 1) * pageSize;

  // One order across both tables: trashing time, newest first.
  const keys = await db.$queryRaw<{ kind: string; id: string }[]>`
    SELECT 'folder' AS kind, id, trashedAt FROM \`Folder\`
      WHERE ownerId = ${ownerId} AND trashedAt IS NOT NULL AND originalPath IS NOT NULL
    UNION ALL
    SELECT 'file' AS kind, id, trashedAt FROM \`File\`
      WHERE ownerId = ${ownerId} AND trashedAt IS NOT NULL AND originalPath IS NOT NULL
    ORDER BY trashedAt DESC, id DESC
    LIMIT ${pageSize} OFFSET ${offset}`;

  const folderIds = keys.filter((k) => k.kind === "folder").map((k) => k.id);
  const fileIds = keys.filter((k) => k.kind === "file").map((k) => k.id);
  const [folders, files] = await Promise.all([
    db.folder.findMany({
      where: { ...entryWhere, id: { in: folderIds } },
      select: { ...folderSelect, originalPath: true },
    }),
    db.file.findMany({
      where: { ...entryWhere, id: { in: fileIds } },
      select: { ...fileSelect, originalPath: true },
    }),
  ]);
  const folderById = new Map(folders.map((f) => [f.id, f]));
  const fileById = new Map(files.map((f) => [f.id, f]));
  const entries: TrashEntry[] = keys.flatMap((k): TrashEntry[] => {
    if (k.kind === "folder") {
      const f = folderById.get(k.id);
      return f
        ? [{ kind: "folder", item: toDriveFolder(f), originalPath: f.originalPath ?? "/" }]
        : [];
    }
    const f = fileById.get(k.id);
    return f ? [{ kind: "file", item: toDriveFile(f), originalPath: f.originalPath ?? "/" }] : [];
  });
  return {
    entries,
    total,
    page,
    pageSize,
    pageCount,
    retentionDays: driveConfig().DRIVE_TRASH_RETENTION_DAYS,
  };
}

type Tx = Parameters<Parameters<typeof db.$transaction>[0]>[0];

/**
 * The Trash entry that hides `folderId`: the folder itself or its nearest trashed ancestor that
 * went to the trash as an entry. Null when the folder is live or gone.
 */
async function hidingEntry(tx: Tx, ownerId: string, folderId: string): Promise<string | null> {
  let id: string | null = folderId;
  // A chain is at most as deep as the Drive allows; the bound guards against a corrupt cycle.
  for (let depth = 0; id !== null && depth < 1000; depth++) {
    const folder: {
      trashedAt: Date | null;
      originalPath: string | null;
      parentId: string | null;
    } | null = await tx.folder.findFirst({
      where: { id, ownerId },
      select: { trashedAt: true, originalPath: true, parentId: true },
    });
    if (!folder || folder.trashedAt === null) return null;
    if (folder.originalPath !== null) return id;
    id = folder.parentId;
  }
  return null;
}

/**
 * Where an entry goes back to: its folder while that is live; else a live folder at its original
 * path (one the user made meanwhile); else its folder restored from the trash, if it is there;
 * else the original path rebuilt.
 */
async function restoreTarget(
  tx: Tx,
  ownerId: string,
  item: { parentId: string | null; originalPath: string | null },
  places: string[],
): Promise<string | null> {
  const path = item.originalPath ?? "/";
  if (item.parentId === null) return ensurePath(ownerId, path, tx);
  const parentLive =
    (await tx.folder.count({ where: { id: item.parentId, ownerId, trashedAt: null } })) > 0;
  if (parentLive) return item.parentId;
  const atPath = await findPath(ownerId, path, tx);
  if (atPath !== undefined) return atPath;
  const hider = await hidingEntry(tx, ownerId, item.parentId);
  if (hider === null) return ensurePath(ownerId, path, tx);
  await restoreEntry(tx, ownerId, { kind: "folder", id: hider }, places);
  return item.parentId;
}

/**
 * Restores one Trash entry; returns what the message says of it, or null when it is not in the
 * trash (any more). An entry whose folder went to the trash after it first brings that folder
 * back, with what the folder hid, so the item returns to where it was instead of into a new folder
 * of the same name beside the trashed one ("Reports" and, later, "Reports (1)"); see
 * restoreTarget.
 */
async function restoreEntry(tx: Tx, ownerId: string, ref: ItemRef, places: string[]) {
  const entryWhere = { id: ref.id, ownerId, trashedAt: { not: null }, originalPath: { not: null } };
  const item =
    ref.kind === "file"
      ? await tx.file
          .findFirst({
            where: entryWhere,
            select: { name: true, folderId: true, originalPath: true },
          })
          .then((f) => f && { name: f.name, parentId: f.folderId, originalPath: f.originalPath })
      : await tx.folder.findFirst({
          where: entryWhere,
          select: { name: true, parentId: true, originalPath: true },
        });
  if (!item) return false;

  const targetId = await restoreTarget(tx, ownerId, item, places);
  const exclude = ref.kind === "file" ? { excludeFileId: ref.id } : { excludeFolderId: ref.id };
  const name = await availableNameIn(tx, ownerId, targetId, item.name, exclude);

  if (ref.kind === "file") {
    await tx.file.updateMany({
      where: { id: ref.id, ownerId },
      data: { folderId: targetId, name, trashedAt: null, originalPath: null },
    });
  } else {
    const hidden = await subtreeFolderIds(ownerId, ref.id, "hidden", tx);
    await tx.folder.updateMany({
      where: { id: ref.id, ownerId },
      data: { parentId: targetId, name, trashedAt: null, originalPath: null },
    });
    await inChunks(hidden, async (ids) => {
      await tx.folder.updateMany({
        where: { ownerId, id: { in: ids.filter((id) => id !== ref.id) }, originalPath: null },
        data: { trashedAt: null },
      });
      await tx.file.updateMany({
        where: { ownerId, folderId: { in: ids }, trashedAt: { not: null }, originalPath: null },
        data: { trashedAt: null },
      });
    });
  }
  const where =
    targetId === null ? "My Drive" : chainPath(await folderChain(ownerId, targetId, tx));
  places.push(
    name === item.name ? `“${name}” to ${where}` : `“${item.name}” to ${where} as “${name}”`,
  );
  return true;
}

/**
 * Restores Trash entries to the folder they were in. If that folder is itself in the trash, it is
 * restored first (see restoreEntry); if it was deleted, the path in originalPath is rebuilt from
 * live folders, creating the missing ones. A name taken meanwhile is numbered ("a (1).txt"). A
 * folder brings back what it hid, but not the items that were trashed on their own before it
 * (they stay separate Trash entries).
 */
export async function restoreItems(
  ownerId: string,
  refs: readonly ItemRef[],
): Promise<TrashResult> {
  const places: string[] = [];
  await db.$transaction(async (tx) => {
    for (const ref of refs) await restoreEntry(tx, ownerId, ref, places);
  });
  if (places.length === 0) return { ok: false, message: GONE };
  if (places.length === 1) return { ok: true, message: `Restored ${places[0]}.` };
  if (places.length <= 3) return { ok: true, message: `Restored ${places.join(", ")}.` };
  return { ok: true, message: `Restored ${plural(places.length, "item")}.` };
}

type Doomed = { fileIds: string[]; storageKeys: string[]; folderIds: string[] };

/** Deletes the objects first: if that fails the rows remain, and deleting again finishes. */
async function destroy({ fileIds, storageKeys, folderIds }: Doomed): Promise<void> {
  // A file's versions and thumbnail go with it (their rows by ON DELETE CASCADE / with the row).
  await deleteObjects([...storageKeys, ...(await attachedKeys(fileIds))]);
  await inChunks(fileIds, (ids) => db.file.deleteMany({ where: { id: { in: ids } } }));
  // Cut the parent links first so no row's deletion depends on the order within the statement.
  await inChunks(folderIds, (ids) =>
    db.folder.updateMany({ where: { id: { in: ids } }, data: { parentId: null } }),
  );
  await inChunks(folderIds, (ids) => db.folder.deleteMany({ where: { id: { in: ids } } }));
}

/**
 * Deletes Trash entries for good: the objects in S3, then the rows. A folder takes what it hid;
 * items trashed on their own earlier from inside it stay in the trash (restorable by path).
 */
export async function deleteForever(
  ownerId: string,
  refs: readonly ItemRef[],
): Promise<TrashResult> {
  const doomed: Doomed = { fileIds: [], storageKeys: [], folderIds: [] };
  let entries = 0;
  for (const ref of refs) {
    const entryWhere = {
      id: ref.id,
      ownerId,
      trashedAt: { not: null },
      originalPath: { not: null },
    };
    if (ref.kind === "file") {
      const f = await db.file.findFirst({
        where: entryWhere,
        select: { id: true, storageKey: true },
      });
      if (!f) continue;
      doomed.fileIds.push(f.id);
      doomed.storageKeys.push(f.storageKey);
    } else {
      const f = await db.folder.findFirst({ where: entryWhere, select: { id: true } });
      if (!f) continue;
      const folderIds = await subtreeFolderIds(ownerId, f.id, "hidden");
      doomed.folderIds.push(...folderIds);
      await inChunks(folderIds, async (ids) => {
        const files = await db.file.findMany({
          where: { ownerId, folderId: { in: ids }, trashedAt: { not: null }, originalPath: null },
          select: { id: true, storageKey: true },
        });
        for (const file of files) {
          doomed.fileIds.push(file.id);
          doomed.storageKeys.push(file.storageKey);
        }
      });
    }
    entries++;
  }
  if (entries === 0) return { ok: false, message: GONE };
  await destroy(doomed);
  return { ok: true, message: `Deleted ${plural(entries, "item")} forever.` };
}

/** Deletes trashed rows matching `where` (all owners when it has none) in batches. */
async function purge(where: { ownerId?: string; trashedAt: { not: null } | { lt: Date } }) {
  let files = 0;
  for (;;) {
    const batch = await db.file.findMany({
      where,
      select: { id: true, storageKey: true },
      take: 1000,
    });
    if (batch.length === 0) break;
    await destroy({
      fileIds: batch.map((f) => f.id),
      storageKeys: batch.map((f) => f.storageKey),
      folderIds: [],
    });
    files += batch.length;
  }
  let folders = 0;
  for (;;) {
    const batch = await db.folder.findMany({ where, select: { id: true }, take: 1000 });
    if (batch.length === 0) break;
    await destroy({ fileIds: [], storageKeys: [], folderIds: batch.map((f) => f.id) });
    folders += batch.length;
  }
  return { files, folders };
}

/** Deletes everything in this owner's trash, hidden contents included. */
export async function emptyTrash(ownerId: string): Promise<TrashResult> {
  const { files, folders } = await purge({ ownerId, trashedAt: { not: null } });
  return emptiedMessage(files, folders);
}

export function emptiedMessage(files: number, folders: number): TrashResult {
  if (files + folders === 0) return { ok: true, message: "The trash is already empty." };
  return {
    ok: true,
    message: `Deleted ${plural(files, "file")} and ${plural(folders, "folder")} forever.`,
  };
}

/** What emptying this owner's trash deletes (hidden contents included), trashed before `before`. */
export async function countTrash(
  ownerId: string,
  before: Date = new Date(),
): Promise<{ files: number; folders: number }> {
  const where = { ownerId, trashedAt: { not: null, lte: before } };
  const [files, folders] = await Promise.all([
    db.file.count({ where }),
    db.folder.count({ where }),
  ]);
  return { files, folders };
}

/**
 * One slice of emptying the trash, for the background job: up to `limit` files trashed before
 * `before`, or once none is left, up to `limit` such folders. Repeating a slice that already ran
 * deletes the next one, so a retried step never fails on rows that are gone; items trashed after
 * the user asked stay.
 */
export async function purgeTrashBatch(
  ownerId: string,
  before: Date,
  limit: number,
): Promise<{ files: number; folders: number }> {
  const where = { ownerId, trashedAt: { not: null, lte: before } };
  const files = await db.file.findMany({
    where,
    select: { id: true, storageKey: true },
    take: limit,
  });
  if (files.length > 0) {
    await destroy({
      fileIds: files.map((f) => f.id),
      storageKeys: files.map((f) => f.storageKey),
      folderIds: [],
    });
    return { files: files.length, folders: 0 };
  }
  const folders = await db.folder.findMany({ where, select: { id: true }, take: limit });
  if (folders.length > 0) {
    await destroy({ fileIds: [], storageKeys: [], folderIds: folders.map((f) => f.id) });
  }
  return { files: 0, folders: folders.length };
}

/**
 * The retention job (every owner): deletes trashed items whose trash entry is older than
 * `days`. Hidden items share their entry's trashedAt, so they go with it; an item trashed on
 * its own inside a folder was trashed earlier than the folder, so it never outlives it.
 */
export async function purgeTrashOlderThan(
  days: number,
  now: Date = new Date(),
): Promise<{ files: number; folders: number }> {
  if (!Number.isFinite(days) || days < 0) throw new RangeError(`invalid retention: ${days}`);
  const cutoff = new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
  return purge({ trashedAt: { lt: cutoff } });
}
