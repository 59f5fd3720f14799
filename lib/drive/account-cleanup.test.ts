import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createAccount, deleteAccount } from "@/lib/accounts/accounts";
import { db } from "@/lib/db/client";
import { newObjectKey } from "@/lib/storage/keys";
import { createMultipartUpload, listUploadedParts } from "@/lib/storage/multipart";
import { headObject } from "@/lib/storage/objects";
import { deleteDriveData } from "./account-cleanup";
import { file, makeFile, makeFolder, makeUser, removeUsers } from "./test-helpers";
import { trashItems } from "./trash";

describe("deleting an account's Drive", () => {
  it("removes every object, aborts pending multipart uploads and keeps others' data", async () => {
    const r = await createAccount({
      name: "Leaving",
      email: `leave-${randomUUID().slice(0, 8)}@drive.test`,
      password: "password-one-1",
    });
    if (!r.ok) throw new Error("setup");
    const userId = r.user.id;
    const stayer = await makeUser();
    try {
      const a = await makeFolder(userId, "A");
      const b = await makeFolder(userId, "B", a.id);
      const inB = await makeFile(userId, "deep.txt", b.id);
      const trashed = await makeFile(userId, "trashed.txt");
      await trashItems(userId, [file(trashed.id)]);
      const key = newObjectKey(userId);
      const uploadId = await createMultipartUpload(userId, { key, contentType: "text/plain" });
      await db.upload.create({
        data: {
          ownerId: userId,
          folderId: b.id,
          name: "big.bin",
          size: BigInt(100 * 1024 * 1024),
          contentType: "application/octet-stream",
          storageKey: key,
          s3UploadId: uploadId,
          partSize: 16 * 1024 * 1024,
          expiresAt: new Date(Date.now() + 3600_000),
        },
      });
      const theirs = await makeFile(stayer, "not-yours.txt");

      // Nested folders too: deleting the user row must not trip over the folder tree.
      expect(await deleteAccount(userId, "password-one-1", "203.0.113.71")).toEqual({ ok: true });

      expect(await headObject(inB.storageKey)).toBeNull();
      expect(await headObject(trashed.storageKey)).toBeNull();
      await expect(listUploadedParts(userId, { key, uploadId })).rejects.toMatchObject({
        name: "NoSuchUpload",
      });
      const where = { ownerId: userId };
      expect(await db.folder.count({ where })).toBe(0);
      expect(await db.file.count({ where })).toBe(0);
      expect(await db.upload.count({ where })).toBe(0);
      expect(await headObject(theirs.storageKey)).not.toBeNull();
      // Running it again (a retried deletion) is harmless.
      expect(await deleteDriveData(userId)).toEqual({ objects: 0, uploads: 0 });
    } finally {
      await removeUsers(stayer);
    }
  });
});
