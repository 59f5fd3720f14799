import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { userPrefix } from "@/lib/storage/keys";
import { abortMultipartUpload } from "@/lib/storage/multipart";
import { deletePrefix } from "@/lib/storage/objects";

/**
 * Removes a user's Drive data from object storage before their rows go (ON DELETE CASCADE).
 * Pending multipart uploads are aborted first: their parts are not objects yet, so deleting the
 * prefix would not free them. Safe to repeat: aborting a gone upload and deleting a missing
 * object both succeed.
 */
export async function deleteDriveData(
  userId: string,
): Promise<{ objects: number; uploads: number }> {
  const uploads = await db.upload.findMany({
    where: { ownerId: userId, s3UploadId: { not: null } },
    select: { storageKey: true, s3UploadId: true },
  });
  for (const u of uploads) {
    if (u.s3UploadId) {
      await abortMultipartUpload(userId, { key: u.storageKey, uploadId: u.s3UploadId });
    }
  }
  const objects = await deletePrefix(userPrefix(userId));
  return { objects, uploads: uploads.length };
}

/**
 * Cuts the user's folders loose from each other; call it in the transaction that deletes the user.
 * InnoDB refuses a cascade that comes back to a table it is already changing: deleting a User
 * cascades to Folder, whose parent link would then SET NULL on Folder again, and the whole
 * DELETE fails (error 1452) as soon as one folder has a subfolder.
 */
export async function detachFolderTree(tx: Prisma.TransactionClient, userId: string) {
  await tx.folder.updateMany({
    where: { ownerId: userId, parentId: { not: null } },
    data: { parentId: null },
  });
}
