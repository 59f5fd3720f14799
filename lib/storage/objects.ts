import "server-only";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { createReadStream } from "node:fs";
import { storageClient } from "./client";
import { storageConfig } from "./config";
import { httpStatus, isNotFound } from "./errors";
import { copyInParts, copySource, MAX_COPY_SIZE } from "./copy";

// These take keys the server already trusts (from the database); the per-user checks happen
// where keys enter the system: newObjectKey and the presign functions.

export type ObjectInfo = {
  key: string;
  size: number;
  contentType: string | undefined;
  etag: string | undefined;
  lastModified: Date | undefined;
};

/**
 * Writes an object the server produced itself (an Image Studio result, a MapReduce output).
 * Browser uploads never come here: they go straight to the store with presigned URLs.
 */
export async function putObject(key: string, body: Uint8Array, contentType: string): Promise<void> {
  await storageClient().send(
    new PutObjectCommand({
      Bucket: storageConfig().bucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      ContentLength: body.byteLength,
    }),
  );
}

/** As putObject, from a file on disk streamed to the store (its bytes never all in memory). */
export async function putObjectFile(
  key: string,
  file: string,
  size: number,
  contentType: string,
): Promise<void> {
  await storageClient().send(
    new PutObjectCommand({
      Bucket: storageConfig().bucket,
      Key: key,
      Body: createReadStream(file),
      ContentType: contentType,
      ContentLength: size,
    }),
  );
}

/** Size, type and ETag of an object, or null when it does not exist. */
export async function headObject(key: string): Promise<ObjectInfo | null> {
  try {
    const out = await storageClient().send(
      new HeadObjectCommand({ Bucket: storageConfig().bucket, Key: key }),
    );
    return {
      key,
      size: out.ContentLength ?? 0,
      contentType: out.ContentType,
      etag: out.ETag,
      lastModified: out.LastModified,
    };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Server-side copy; objects over 5 GiB are copied part by part. */
export async function copyObject(sourceKey: string, destinationKey: string): Promise<void> {
  const source = await headObject(sourceKey);
  if (!source) throw new Error(`copy source does not exist: ${sourceKey}`);
  if (source.size > MAX_COPY_SIZE) {
    await copyInParts(source, destinationKey);
    return;
  }
  const { bucket } = storageConfig();
  await storageClient().send(
    new CopyObjectCommand({
      Bucket: bucket,
      Key: destinationKey,
      CopySource: copySource(bucket, sourceKey),
      MetadataDirective: "COPY",
    }),
  );
}

/** Deleting a missing object is not an error. */
export async function deleteObject(key: string): Promise<void> {
  await storageClient().send(new DeleteObjectCommand({ Bucket: storageConfig().bucket, Key: key }));
}

export async function deleteObjects(keys: readonly string[]): Promise<void> {
  const { bucket } = storageConfig();
  // DeleteObjects takes at most 1000 keys per request.
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    const out = await storageClient().send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      }),
    );
    const failed = out.Errors ?? [];
    if (failed.length > 0) {
      const first = failed[0];
      throw new Error(
        `could not delete ${failed.length} object(s), e.g. ${first?.Key}: ${first?.Code} ${first?.Message}`,
      );
    }
  }
}

function checkPrefix(prefix: string): void {
  // An empty or unterminated prefix would reach other users' objects ("users/1" ⊂ "users/10/…").
  if (!/^[^/]+(\/[^/]+)*\/$/.test(prefix)) {
    throw new Error(`refusing a prefix that is not a folder path: ${JSON.stringify(prefix)}`);
  }
}

/** The objects under `prefix`, one page (at most `pageSize`, max 1000) at a time. */
export async function* listPrefixPages(
  prefix: string,
  pageSize = 1000,
): AsyncGenerator<{ key: string; size: number; lastModified: Date | null }[]> {
  checkPrefix(prefix);
  const pages = paginateListObjectsV2(
    { client: storageClient(), pageSize },
    { Bucket: storageConfig().bucket, Prefix: prefix },
  );
  for await (const page of pages) {
    const objects = (page.Contents ?? []).flatMap((o) =>
      o.Key === undefined
        ? []
        : [{ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? null }],
    );
    if (objects.length > 0) yield objects;
  }
}

export async function* listPrefix(
  prefix: string,
  pageSize?: number,
): AsyncGenerator<{ key: string; size: number; lastModified: Date | null }> {
  for await (const page of listPrefixPages(prefix, pageSize)) yield* page;
}

/**
 * Deletes everything under `prefix` (e.g. userPrefix(id) when an account goes) and returns the
 * count. Deleting listed keys does not disturb the listing: continuation tokens name the last key.
 */
export async function deletePrefix(prefix: string, pageSize?: number): Promise<number> {
  let deleted = 0;
  for await (const page of listPrefixPages(prefix, pageSize)) {
    await deleteObjects(page.map((o) => o.key));
    deleted += page.length;
  }
  return deleted;
}

/** Up to the first `maxBytes` bytes of an object (text previews), or null when it does not exist. */
export async function getRange(key: string, maxBytes: number): Promise<Uint8Array | null> {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(`invalid byte count: ${maxBytes}`);
  }
  try {
    const out = await storageClient().send(
      new GetObjectCommand({
        Bucket: storageConfig().bucket,
        Key: key,
        Range: `bytes=0-${maxBytes - 1}`,
      }),
    );
    return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
  } catch (err) {
    if (isNotFound(err)) return null;
    // A range request on an empty object is "unsatisfiable".
    if (httpStatus(err) === 416) return new Uint8Array();
    throw err;
  }
}

export type ObjectStream = {
  body: ReadableStream<Uint8Array>;
  contentLength: number | undefined;
  contentType: string | undefined;
  contentRange: string | undefined;
  etag: string | undefined;
};

/**
 * The object's bytes as a web stream (for a route handler's Response), or null when it does not
 * exist. `range` is an HTTP Range value such as "bytes=0-1023".
 */
export async function getObjectStream(
  key: string,
  options: { range?: string; signal?: AbortSignal } = {},
): Promise<ObjectStream | null> {
  try {
    const out = await storageClient().send(
      new GetObjectCommand({ Bucket: storageConfig().bucket, Key: key, Range: options.range }),
      { abortSignal: options.signal },
    );
    if (!out.Body) throw new Error(`the store returned no body for ${key}`);
    return {
      body: out.Body.transformToWebStream() as ReadableStream<Uint8Array>,
      contentLength: out.ContentLength,
      contentType: out.ContentType,
      contentRange: out.ContentRange,
      etag: out.ETag,
    };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}
