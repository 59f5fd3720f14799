import "server-only";
import { db } from "@/lib/db/client";
import { getRange } from "@/lib/storage/objects";
import { presignGet } from "@/lib/storage/presign";
import { inlineContentType, isTextType } from "./preview-kind";

export const TEXT_PREVIEW_BYTES = 64 * 1024;

export const FILE_NOT_FOUND = "This file does not exist or is in the trash.";

/** What the download routes answer when the store (or the database) fails them. */
export const DOWNLOAD_FAILED = "The storage server could not be reached. Try again in a moment.";
// Browsers follow a download redirect at once.
const ATTACHMENT_URL_TTL_SECONDS = 60;
// PDF and media viewers keep issuing range requests against the URL while the preview is open.
const INLINE_URL_TTL_SECONDS = 10 * 60;

/** A live (untrashed) file of this owner, or null: foreign, missing and trashed look the same. */
function ownedLiveFile(ownerId: string, fileId: string) {
  return db.file.findFirst({
    where: { id: fileId, ownerId, trashedAt: null },
    select: { name: true, size: true, contentType: true, storageKey: true },
  });
}

/**
 * A short-lived presigned GET for one of the owner's files. `inline` asks for a preview: it is
 * granted only for types that cannot run script (see preview-kind.ts); the rest download.
 */
export async function fileDownloadUrl(
  ownerId: string,
  fileId: string,
  options: { inline: boolean },
): Promise<string | null> {
  const file = await ownedLiveFile(ownerId, fileId);
  if (!file) return null;
  const inlineType = options.inline ? inlineContentType(file.contentType, file.name) : null;
  const signed = await presignGet(ownerId, {
    key: file.storageKey,
    filename: file.name,
    disposition: inlineType ? "inline" : "attachment",
    contentType: inlineType ?? undefined,
    expiresIn: inlineType ? INLINE_URL_TTL_SECONDS : ATTACHMENT_URL_TTL_SECONDS,
  });
  return signed.url;
}

export type TextPreview = { text: string; truncated: boolean; size: number };

/** The first 64 KiB of a text-like file as a string. */
export async function textPreview(
  ownerId: string,
  fileId: string,
): Promise<TextPreview | "not-found" | "not-text"> {
  const file = await ownedLiveFile(ownerId, fileId);
  if (!file) return "not-found";
  if (!isTextType(file.contentType, file.name)) return "not-text";
  const bytes = await getRange(file.storageKey, TEXT_PREVIEW_BYTES);
  if (!bytes) return "not-found";
  const size = Number(file.size);
  const truncated = size > bytes.byteLength;
  // `stream: true` holds back a multibyte character cut in half at the 64 KiB boundary instead
  // of turning it into U+FFFD; invalid bytes elsewhere still become U+FFFD.
  const text = new TextDecoder("utf-8").decode(bytes, { stream: truncated });
  return { text, truncated, size };
}
