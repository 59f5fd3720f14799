// Shared by the Drive tests; not imported by application code.
import { db } from "@/lib/db/client";
import { newObjectKey } from "@/lib/storage/keys";
import { cleanUp, putDirect, testUserId } from "@/lib/storage/test-helpers";

export async function makeUser(): Promise<string> {
  const id = testUserId();
  await db.user.create({
    data: { id, email: `${id}@drive.test`, name: "Drive Tester", passwordHash: "unused" },
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
