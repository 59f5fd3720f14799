import "server-only";
import { Readable } from "node:stream";
import { liveFile } from "@/lib/drive/access";
import { UserFacingError } from "@/lib/server/errors";
import { baseContentType } from "@/lib/drive/preview-kind";
import { splitName } from "@/lib/drive/names";
import { storeServerFile } from "@/lib/drive/server-files";
import { ensurePath } from "@/lib/drive/tree";
import { formatBytes } from "@/lib/format/numbers";
import { getObjectStream, putObject } from "@/lib/storage/objects";
import { OUTPUT_FORMATS } from "./catalog";
import { imageLimits } from "./config";
import { readAll } from "./input";
import type { OutputOptions } from "./chain";

// Where Apply reads its input and puts its output: the owner's Drive. Originals are only ever
// read; results are new files in the folder "Image Studio", counted against the quota like uploads.

export const STUDIO_FOLDER = "Image Studio";

/** A problem the owner can act on; its message is shown as the job's (or the image's) error. */
export class ApplyError extends UserFacingError {}

export const ORIGINAL_GONE = "The image no longer exists or is in the trash.";

export type OwnedImage = {
  id: string;
  name: string;
  size: number;
  contentType: string;
  storageKey: string;
};

/** A live file of this owner whose type says it is an image; ApplyError otherwise. */
export async function ownedImage(ownerId: string, fileId: string): Promise<OwnedImage> {
  const file = await liveFile(ownerId, fileId);
  if (!file) throw new ApplyError(ORIGINAL_GONE);
  if (!baseContentType(file.contentType).startsWith("image/")) {
    throw new ApplyError(`“${file.name}” is not an image.`);
  }
  const { id, name, size, contentType, storageKey } = file;
  return { id, name, size, contentType, storageKey };
}

/** The stored bytes of an owned image as a Node stream (what the pipeline reads from). */
export async function openImage(image: OwnedImage, signal?: AbortSignal): Promise<Readable> {
  const object = await getObjectStream(image.storageKey, { signal });
  if (!object) throw new ApplyError(ORIGINAL_GONE);
  return Readable.fromWeb(object.body as import("node:stream/web").ReadableStream<Uint8Array>);
}

/** The whole of an owned image (watermarks are small and read once per render), size-limited. */
export async function readImage(ownerId: string, fileId: string): Promise<Buffer> {
  const stream = await openImage(await ownedImage(ownerId, fileId));
  return readAll(stream, imageLimits().maxBytes);
}

export function outputFormat(format: OutputOptions["format"]) {
  const found = OUTPUT_FORMATS.find((f) => f.value === format);
  if (!found) throw new Error(`unknown output format ${format}`);
  return found;
}

/** "photo.jpg" → "photo (edited).webp": the original's name, a suffix, the output's extension. */
export function resultName(original: string, format: OutputOptions["format"]): string {
  const { stem } = splitName(original);
  const ext = `.${outputFormat(format).extension}`;
  const suffix = " (edited)";
  // Keep the whole name within 255 code points by shortening the stem.
  const room = 255 - suffix.length - ext.length;
  return `${Array.from(stem).slice(0, room).join("")}${suffix}${ext}`;
}

/** The live "Image Studio" folder at the root of the owner's Drive, created when missing. */
export async function studioFolder(ownerId: string): Promise<string> {
  const id = await ensurePath(ownerId, `/${STUDIO_FOLDER}`);
  if (!id) throw new Error("could not create the Image Studio folder");
  return id;
}

function quotaError(name: string, size: number, left: number): ApplyError {
  const free = left === 0 ? "no space is left" : `only ${formatBytes(left)} is left`;
  return new ApplyError(
    `Not enough space to save “${name}”: it is ${formatBytes(size)} but ${free} in your Drive. ` +
      "Delete files or empty the trash to make room.",
  );
}

/**
 * Stores a processed image as a new Drive file in `folderId` and returns its id, named by the
 * Drive's rule for taken names and counted against the quota (lib/drive/server-files.ts).
 */
export async function storeResult(
  ownerId: string,
  folderId: string,
  desiredName: string,
  data: Buffer,
  contentType: string,
): Promise<{ id: string; name: string }> {
  return storeServerFile(
    ownerId,
    folderId,
    {
      desiredName,
      size: data.byteLength,
      contentType,
      put: (key) => putObject(key, data, contentType),
    },
    quotaError,
  );
}
