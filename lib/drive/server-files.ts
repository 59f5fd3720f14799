import "server-only";
import { db } from "@/lib/db/client";
import { newObjectKey } from "@/lib/storage/keys";
import { deleteObject, deleteObjects } from "@/lib/storage/objects";
import { availableName } from "./names";
import { bytesLeft, lockOwnerForQuota, usageWithin } from "./quota";

// Files the server produces itself (an Image Studio result, a MapReduce part file) become Drive
// files here, under the same quota as uploads: checked before the bytes go to the store and again,
// under the owner's lock, before the row is created. The name follows the Drive's rule for taken
// names ("photo (edited) (1).jpg").

const QUOTA_TX = { maxWait: 10_000, timeout: 20_000 };

export type ServerFile = {
  desiredName: string;
  size: number;
  contentType: string;
  /** Writes the bytes to the store under `key`. */
  put: (key: string) => Promise<void>;
};

/** The error to throw when the file does not fit: the caller words it for its feature. */
export type QuotaErrorFor = (name: string, size: number, bytesLeft: number) => Error;

type Tx = Parameters<Parameters<typeof db.$transaction>[0]>[0];

/**
 * `recordWith` runs in the transaction that creates the file row: a caller's bookkeeping commits
 * with the file or not at all (a crash in between leaves neither), and if it throws (say, another
 * run already recorded the same file) the file is not created and the stored bytes are removed.
 */
export async function storeServerFile(
  ownerId: string,
  folderId: string | null,
  file: ServerFile,
  quotaError: QuotaErrorFor,
  recordWith?: (tx: Tx, created: { id: string; name: string }) => Promise<void>,
): Promise<{ id: string; name: string }> {
  const { size, contentType } = file;
  const before = await usageWithin(db, ownerId);
  if (bytesLeft(before) < size) throw quotaError(file.desiredName, size, bytesLeft(before));

  const key = newObjectKey(ownerId);
  await file.put(key);
  try {
    const name = await availableName(ownerId, folderId, file.desiredName);
    return await db.$transaction(async (tx) => {
      await lockOwnerForQuota(tx, ownerId);
      const usage = await usageWithin(tx, ownerId);
      if (bytesLeft(usage) < size) throw quotaError(name, size, bytesLeft(usage));
      const created = await tx.file.create({
        data: { ownerId, folderId, name, size: BigInt(size), contentType, storageKey: key },
        select: { id: true, name: true },
      });
      await recordWith?.(tx, created);
      return created;
    }, QUOTA_TX);
  } catch (err) {
    await deleteObject(key).catch(() => undefined);
    throw err;
  }
}

/**
 * Undoes what a server run stored before it failed (a MapReduce job whose results did not all
 * fit): the owner's files of `fileIds` go with their bytes, and `folderId` too when nothing is
 * left in it, so the Drive is as it was before the run.
 */
export async function discardServerFiles(
  ownerId: string,
  fileIds: readonly string[],
  folderId?: string,
): Promise<void> {
  const rows = await db.file.findMany({
    where: { ownerId, id: { in: [...fileIds] } },
    select: { id: true, storageKey: true },
  });
  if (rows.length > 0) {
    await db.file.deleteMany({ where: { ownerId, id: { in: rows.map((r) => r.id) } } });
    await deleteObjects(rows.map((r) => r.storageKey)).catch(() => undefined);
  }
  if (!folderId) return;
  const [files, folders] = await Promise.all([
    db.file.count({ where: { ownerId, folderId } }),
    db.folder.count({ where: { ownerId, parentId: folderId } }),
  ]);
  if (files === 0 && folders === 0)
    await db.folder.deleteMany({ where: { ownerId, id: folderId } });
}
