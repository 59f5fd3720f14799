import "server-only";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
} from "@aws-sdk/client-s3";
import { storageClient } from "./client";
import { storageConfig } from "./config";
import { isNotFound } from "./errors";
import { assertOwnedKey } from "./keys";

// S3's limits; every part but the last must be at least MIN_PART_SIZE.
export const MIN_PART_SIZE = 5 * 1024 ** 2;
export const MAX_PART_SIZE = 5 * 1024 ** 3;
export const MAX_PARTS = 10_000;
const DEFAULT_PART_SIZE = 16 * 1024 ** 2;

export type PlannedPart = { partNumber: number; start: number; end: number; size: number };
export type UploadedPart = { partNumber: number; etag: string; size?: number };

export function checkPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS) {
    throw new RangeError(`invalid part number: ${partNumber}`);
  }
}

export function checkUploadId(uploadId: string): void {
  if (!/^[\x21-\x7e]{1,1024}$/.test(uploadId)) throw new Error("invalid upload id");
}

/** Splits `size` bytes into parts; `end` is exclusive, so `blob.slice(start, end)` is a part. */
export function planParts(size: number, partSize = DEFAULT_PART_SIZE): PlannedPart[] {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid size: ${size}`);
  if (size > MAX_PART_SIZE * MAX_PARTS) throw new RangeError(`too large for S3: ${size}`);
  const mib = 1024 ** 2;
  const needed = Math.ceil(Math.ceil(size / MAX_PARTS) / mib) * mib;
  const chosen = Math.min(MAX_PART_SIZE, Math.max(MIN_PART_SIZE, partSize, needed));
  const count = Math.max(1, Math.ceil(size / chosen));
  return Array.from({ length: count }, (_, i) => {
    const start = i * chosen;
    const end = Math.min(size, start + chosen);
    return { partNumber: i + 1, start, end, size: end - start };
  });
}

export async function createMultipartUpload(
  userId: string,
  input: { key: string; contentType: string },
): Promise<string> {
  assertOwnedKey(userId, input.key);
  const out = await storageClient().send(
    new CreateMultipartUploadCommand({
      Bucket: storageConfig().bucket,
      Key: input.key,
      ContentType: input.contentType,
    }),
  );
  if (!out.UploadId) throw new Error("the store returned no upload id");
  return out.UploadId;
}

export async function completeMultipartUpload(
  userId: string,
  input: { key: string; uploadId: string; parts: readonly UploadedPart[] },
): Promise<{ etag: string | undefined }> {
  assertOwnedKey(userId, input.key);
  checkUploadId(input.uploadId);
  if (input.parts.length === 0) throw new Error("a multipart upload needs at least one part");
  const parts = [...input.parts].sort((a, b) => a.partNumber - b.partNumber);
  parts.forEach((p) => checkPartNumber(p.partNumber));
  const out = await storageClient().send(
    new CompleteMultipartUploadCommand({
      Bucket: storageConfig().bucket,
      Key: input.key,
      UploadId: input.uploadId,
      MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
    }),
  );
  return { etag: out.ETag };
}

/**
 * Discards the upload's parts. Succeeds when the upload is already gone, so it can be retried.
 * The embedded store answers this through scripts/s3-server.ts (s3rver itself returns 405).
 */
export async function abortMultipartUpload(
  userId: string,
  input: { key: string; uploadId: string },
): Promise<void> {
  assertOwnedKey(userId, input.key);
  checkUploadId(input.uploadId);
  try {
    await storageClient().send(
      new AbortMultipartUploadCommand({
        Bucket: storageConfig().bucket,
        Key: input.key,
        UploadId: input.uploadId,
      }),
    );
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** The parts stored so far (to resume an upload or check sizes before completing). */
export async function listUploadedParts(
  userId: string,
  input: { key: string; uploadId: string },
): Promise<Required<UploadedPart>[]> {
  assertOwnedKey(userId, input.key);
  checkUploadId(input.uploadId);
  const parts: Required<UploadedPart>[] = [];
  let marker: string | undefined;
  do {
    const out = await storageClient().send(
      new ListPartsCommand({
        Bucket: storageConfig().bucket,
        Key: input.key,
        UploadId: input.uploadId,
        PartNumberMarker: marker,
      }),
    );
    for (const p of out.Parts ?? []) {
      if (p.PartNumber === undefined || p.ETag === undefined) continue;
      parts.push({ partNumber: p.PartNumber, etag: p.ETag, size: p.Size ?? 0 });
    }
    marker = out.IsTruncated ? out.NextPartNumberMarker : undefined;
  } while (marker);
  return parts;
}
