// Test-only: users, folders and files written straight to the test database and the local store,
// for the Drive integration tests. Not imported by application code.
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { newObjectKey, userPrefix } from "@/lib/storage/keys";
import { deletePrefix } from "@/lib/storage/objects";
import { putDirect } from "@/lib/storage/test-helpers";

const created: string[] = [];

export async function seedUser(tag = "drive"): Promise<{ id: string; email: string }> {
  const user = await db.user.create({
    data: {
      email: `${tag}-${randomUUID().slice(0, 12)}@drive.test`,
      name: "Test",
      passwordHash: "x",
    },
    select: { id: true, email: true },
  });
  created.push(user.id);
  return user;
}

export async function seedFolder(ownerId: string, name: string, parentId: string | null = null) {
  return db.folder.create({ data: { ownerId, name, parentId } });
}

export async function seedFile(
  ownerId: string,
  input: {
    name: string;
    content: string | Uint8Array;
    contentType?: string;
    folderId?: string | null;
    trashed?: boolean;
  },
) {
  const key = newObjectKey(ownerId);
  const body =
    typeof input.content === "string" ? new TextEncoder().encode(input.content) : input.content;
  const contentType = input.contentType ?? "application/octet-stream";
  await putDirect(key, body, contentType);
  return db.file.create({
    data: {
      ownerId,
      folderId: input.folderId ?? null,
      name: input.name,
      size: BigInt(body.byteLength),
      contentType,
      storageKey: key,
      trashedAt: input.trashed ? new Date() : null,
    },
  });
}

/** Deletes every user seeded by this module, their rows (cascade) and their objects. */
export async function deleteSeededUsers(): Promise<void> {
  const ids = created.splice(0);
  for (const id of ids) await deletePrefix(userPrefix(id));
  // InnoDB refuses a cascade that also sets NULL in the same table (Folder.parentId).
  await db.folder.updateMany({ where: { ownerId: { in: ids } }, data: { parentId: null } });
  await db.user.deleteMany({ where: { id: { in: ids } } });
}
