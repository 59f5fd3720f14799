import "server-only";
import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { db } from "@/lib/db/client";
import { userPrefix } from "@/lib/storage/keys";
import { deleteObject, getRange, putObject } from "@/lib/storage/objects";
import { announceThumbnailWanted } from "./file-stored";
import { previewKind } from "./preview-kind";

// Grid-view thumbnails: a small WebP per image file, made in the background when its content is
// stored (inngest/functions/make-thumbnail.ts) and kept in the store under the owner's prefix
// (users/<id>/thumbs/…), so they go with the account. They are not counted against the quota:
// the user did not store them, they are a few KB, and they are deleted with the file (or replaced
// when a new version arrives).

export const THUMBNAIL_SIDE = 320;
// Larger images are not thumbnailed (the grid shows the type icon): the thumbnail is a courtesy,
// not worth reading hundreds of MB in the worker.
export const THUMBNAIL_MAX_SOURCE_BYTES = 40 * 1024 * 1024;
const MAX_PIXELS = 100_000_000;

export type ThumbnailOutcome = "made" | "exists" | "not-an-image" | "too-large" | "gone" | "stale";

/** Makes the thumbnail of a file's current content if it is an image and has none yet. */
export async function makeThumbnail(ownerId: string, fileId: string): Promise<ThumbnailOutcome> {
  const file = await db.file.findFirst({
    where: { id: fileId, ownerId, trashedAt: null },
    select: { name: true, size: true, contentType: true, storageKey: true, thumbnailKey: true },
  });
  if (!file) return "gone";
  if (file.thumbnailKey) return "exists";
  if (previewKind(file.contentType, file.name) !== "image") return "not-an-image";
  if (file.size > BigInt(THUMBNAIL_MAX_SOURCE_BYTES)) return "too-large";
  const bytes = await getRange(file.storageKey, THUMBNAIL_MAX_SOURCE_BYTES);
  if (!bytes) return "gone";
  let webp: Buffer;
  try {
    webp = await sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: "none" })
      .rotate()
      .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: 70 })
      .toBuffer();
  } catch {
    // Not decodable (corrupt, or a type sharp cannot read): the grid shows the type icon.
    return "not-an-image";
  }
  const key = `${userPrefix(ownerId)}thumbs/${randomUUID()}.webp`;
  await putObject(key, webp, "image/webp");
  // Only for the content it was made from: a version uploaded meanwhile gets its own.
  const { count } = await db.file.updateMany({
    where: { id: fileId, ownerId, storageKey: file.storageKey, thumbnailKey: null },
    data: { thumbnailKey: key },
  });
  if (count === 0) {
    await deleteObject(key);
    return "stale";
  }
  return "made";
}

/** The thumbnail's key for the owner's live file, or null. */
export async function thumbnailKeyOf(ownerId: string, fileId: string): Promise<string | null> {
  const file = await db.file.findFirst({
    where: { id: fileId, ownerId, trashedAt: null },
    select: { thumbnailKey: true },
  });
  return file?.thumbnailKey ?? null;
}

/** Missing thumbnails one user may ask the worker for per minute (the queue is shared). */
export const THUMBNAIL_ASKS_PER_MINUTE = 60;
/** …and per page shown. */
const THUMBNAIL_ASKS_PER_PAGE = 24;

/**
 * Files stored before thumbnails existed have none: when a page of the Drive lists them, the
 * worker is asked to make them, once per file (thumbnailAskedAt) and at most
 * THUMBNAIL_ASKS_PER_MINUTE per user. Returns the files asked for; the next listing after the
 * worker is done shows the thumbnails.
 */
export async function requestMissingThumbnails(
  ownerId: string,
  fileIds: string[],
): Promise<string[]> {
  if (fileIds.length === 0) return [];
  const missing = await db.file.findMany({
    where: {
      ownerId,
      id: { in: fileIds },
      trashedAt: null,
      thumbnailKey: null,
      thumbnailAskedAt: null,
      size: { lte: THUMBNAIL_MAX_SOURCE_BYTES },
    },
    select: { id: true, name: true, contentType: true },
  });
  const images = missing.filter((f) => previewKind(f.contentType, f.name) === "image");
  if (images.length === 0) return [];
  const recent = await db.file.count({
    where: { ownerId, thumbnailAskedAt: { gt: new Date(Date.now() - 60_000) } },
  });
  const room = Math.min(THUMBNAIL_ASKS_PER_PAGE, THUMBNAIL_ASKS_PER_MINUTE - recent);
  if (room <= 0) return [];
  const asked: string[] = [];
  for (const f of images.slice(0, room)) {
    // Raw, so the file's updatedAt (its "modified" time) stays; the WHERE makes two listings
    // at once ask once.
    const n = await db.$executeRaw`
      UPDATE File SET thumbnailAskedAt = NOW(3)
      WHERE id = ${f.id} AND ownerId = ${ownerId} AND thumbnailAskedAt IS NULL`;
    if (n === 1) asked.push(f.id);
  }
  for (const id of asked) await announceThumbnailWanted(ownerId, id);
  return asked;
}
