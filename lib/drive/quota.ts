import "server-only";
import { db } from "@/lib/db/client";
import { driveConfig } from "./config";
import type { DriveUsage } from "./types";

type UsageClient = Pick<typeof db, "file" | "upload" | "fileVersion">;

/**
 * What the user's drive holds. Trashed files and every kept version count (they occupy the store
 * until deleted; grid thumbnails do not: they are ours, small, and remade on demand), and
 * pending uploads count by their declared size so that parallel uploads cannot together overshoot
 * the quota.
 */
export async function getUsage(ownerId: string): Promise<DriveUsage> {
  return usageWithin(db, ownerId);
}

/**
 * getUsage on a given client (a transaction that holds the owner's lock, see lockOwnerForQuota),
 * optionally leaving one pending upload out: the one being turned into a file.
 */
export async function usageWithin(
  client: UsageClient,
  ownerId: string,
  options: { excludeUploadId?: string } = {},
): Promise<DriveUsage> {
  const [files, versions, uploads] = await Promise.all([
    client.file.aggregate({ where: { ownerId }, _sum: { size: true } }),
    client.fileVersion.aggregate({ where: { ownerId }, _sum: { size: true } }),
    client.upload.aggregate({
      where: {
        ownerId,
        ...(options.excludeUploadId ? { id: { not: options.excludeUploadId } } : {}),
      },
      _sum: { size: true },
    }),
  ]);
  return {
    usedBytes: Number(files._sum.size ?? BigInt(0)) + Number(versions._sum.size ?? BigInt(0)),
    reservedBytes: Number(uploads._sum.size ?? BigInt(0)),
    quotaBytes: driveConfig().DRIVE_QUOTA_BYTES,
  };
}

/** Bytes still free once files and pending uploads are counted (never negative). */
export function bytesLeft(usage: DriveUsage): number {
  return Math.max(0, usage.quotaBytes - usage.usedBytes - usage.reservedBytes);
}

/**
 * Serialises quota decisions for one user: each check-then-insert runs in a transaction that first
 * locks the user's row, so two uploads started at once cannot both fit into the same free space.
 */
export async function lockOwnerForQuota(
  tx: Pick<typeof db, "$queryRaw">,
  ownerId: string,
): Promise<void> {
  await tx.$queryRaw`SELECT id FROM \`User\` WHERE id = ${ownerId} FOR UPDATE`;
}
