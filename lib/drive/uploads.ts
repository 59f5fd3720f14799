import "server-only";
import type { z } from "zod";
import { db } from "@/lib/db/client";
import { logger } from "@/lib/log/logger";
import { fieldErrors } from "@/lib/forms";
import { HttpError } from "@/lib/server/errors";
import type { Upload } from "@/lib/generated/prisma/client";
import { isNotFound } from "@/lib/storage/errors";
import { newObjectKey } from "@/lib/storage/keys";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listUploadedParts,
  planParts,
} from "@/lib/storage/multipart";
import { storageConfig } from "@/lib/storage/config";
import { copyObject, deleteObject, deleteObjects, headObject } from "@/lib/storage/objects";
import { MAX_PUT_SIZE, presignPut, presignUploadPart } from "@/lib/storage/presign";
import { driveConfig } from "./config";
import { announceFileStored } from "./file-stored";
import { availableNameIn } from "./names";
import { bytesLeft, lockOwnerForQuota, usageWithin } from "./quota";
import type { DriveFile, DriveUsage } from "./types";
import { pruneVersions, replaceContent, sameNameFile } from "./versions";
import { formatBytes } from "@/lib/format/numbers";
import {
  completeUploadSchema,
  idSchema,
  partNumbersSchema,
  startUploadSchema,
  type PartUrlsResponse,
  type StartUploadInput,
  type StartUploadResponse,
  type UploadStatus,
} from "./upload-schemas";

// An upload goes: start (quota reserved, Upload row) → bytes straight from the browser to the store
// through presigned URLs → complete (HEAD checks size, type and quota, then the Upload row becomes
// a File row) — or abort / expiry, which remove the bytes and the row. Every function takes the
// owner's id and treats another user's upload exactly like a missing one.

/** A refusal the uploader shows as is; the route front door answers it with `status`. */
export class UploadError extends HttpError {
  constructor(
    status: 400 | 404 | 409 | 413 | 422,
    message: string,
    errors?: Record<string, string[]>,
  ) {
    super(status, message, { errors });
  }
}

/** What the upload routes answer when the store (or the database) fails them. */
export const UPLOAD_FAILED =
  "The storage server could not be reached or failed. Try again in a moment.";

const NOT_FOUND = "This upload does not exist any more. Start it again.";

// Quota transactions queue on the owner's row lock; under a burst of small files (each one a start
// and a complete) Prisma's 5 s default can run out while waiting, although each holds it for ms.
const QUOTA_TX = { maxWait: 10_000, timeout: 20_000 };

function notFound(): UploadError {
  return new UploadError(404, NOT_FOUND);
}

function ttlMs(): number {
  return driveConfig().DRIVE_UPLOAD_TTL_HOURS * 3_600_000;
}

/** Parses a request's input, or throws a 400 UploadError carrying zod's messages per field. */
/** The input parsed with `schema`; a 400 naming the first problem (and each field's) when not. */
export function parseUploadInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0]?.message ?? "Invalid request";
  throw new UploadError(400, first, fieldErrors(parsed.error));
}

/** A route's [uploadId] segment; anything malformed is simply not found. */
export function parseUploadId(uploadId: string): string {
  if (!idSchema.safeParse(uploadId).success) throw notFound();
  return uploadId;
}

async function findUpload(ownerId: string, uploadId: string): Promise<Upload> {
  parseUploadId(uploadId);
  const upload = await db.upload.findFirst({ where: { id: uploadId, ownerId, completedAt: null } });
  if (!upload) throw notFound();
  return upload;
}

// Progress keeps an upload alive: TTL counts from the last time the browser asked for something.
async function touch(upload: Upload, now: Date): Promise<Date> {
  const expiresAt = new Date(now.getTime() + ttlMs());
  await db.upload.updateMany({
    where: { id: upload.id, ownerId: upload.ownerId, completedAt: null },
    data: { expiresAt },
  });
  return expiresAt;
}

function quotaMessage(name: string, size: number, usage: DriveUsage): string {
  const left = bytesLeft(usage);
  const held =
    usage.reservedBytes > 0
      ? ` (${formatBytes(usage.reservedBytes)} is held by unfinished uploads)`
      : "";
  const free = left === 0 ? "no space is left" : `only ${formatBytes(left)} is left`;
  return (
    `Not enough space for “${name}”: it is ${formatBytes(size)} but ${free} of your ` +
    `${formatBytes(usage.quotaBytes)}${held}. Delete files or empty the trash to make room.`
  );
}

function fits(usage: DriveUsage, size: number): boolean {
  return usage.usedBytes + usage.reservedBytes + size <= usage.quotaBytes;
}

async function liveFolderId(ownerId: string, folderId: string | null): Promise<string | null> {
  if (folderId === null) return null;
  const folder = await db.folder.findFirst({
    where: { id: folderId, ownerId, trashedAt: null },
    select: { id: true },
  });
  return folder?.id ?? null;
}

/** Part `n`'s length (1-based); every part but the last is `partSize` long. */
function partLength(size: number, partSize: number, partNumber: number): number {
  const start = (partNumber - 1) * partSize;
  return Math.max(0, Math.min(partSize, size - start));
}

function partCountOf(upload: Upload): number {
  return upload.partSize ? Math.max(1, Math.ceil(Number(upload.size) / upload.partSize)) : 1;
}

export async function startUpload(
  ownerId: string,
  input: StartUploadInput,
  now = new Date(),
): Promise<StartUploadResponse> {
  const { name, size, contentType, folderId } = parseUploadInput(startUploadSchema, input);
  // Abandoned uploads hold quota; reclaiming a few here keeps that from piling up between cron runs.
  await abortExpiredUploads(now, { limit: 10 }).catch((err: unknown) => {
    logger.error("drive: could not clean up expired uploads", { error: err });
  });

  if (folderId !== null && (await liveFolderId(ownerId, folderId)) === null) {
    throw new UploadError(404, "That folder does not exist any more.");
  }
  // A first check without the lock refuses before anything is created in the store; the locked
  // check below is the one that counts.
  const before = await usageWithin(db, ownerId);
  if (!fits(before, size)) throw new UploadError(413, quotaMessage(name, size, before));

  const config = driveConfig();
  const key = newObjectKey(ownerId);
  const multipart = size >= config.DRIVE_MULTIPART_THRESHOLD_BYTES || size > MAX_PUT_SIZE;
  const plan = multipart ? planParts(size, config.DRIVE_PART_SIZE_BYTES) : [];
  const partSize = plan[0]?.size ?? null;
  const s3UploadId = multipart ? await createMultipartUpload(ownerId, { key, contentType }) : null;
  const expiresAt = new Date(now.getTime() + ttlMs());

  let upload: Upload;
  try {
    upload = await db.$transaction(async (tx) => {
      await lockOwnerForQuota(tx, ownerId);
      const usage = await usageWithin(tx, ownerId);
      if (!fits(usage, size)) throw new UploadError(413, quotaMessage(name, size, usage));
      return tx.upload.create({
        data: {
          ownerId,
          folderId,
          name,
          size: BigInt(size),
          contentType,
          storageKey: key,
          s3UploadId,
          partSize,
          expiresAt,
        },
      });
    }, QUOTA_TX);
  } catch (err) {
    if (s3UploadId) await abortMultipartUpload(ownerId, { key, uploadId: s3UploadId });
    throw err;
  }

  if (s3UploadId && partSize) {
    return {
      uploadId: upload.id,
      mode: "multipart",
      partSize,
      partCount: plan.length,
      expiresAt: expiresAt.toISOString(),
    };
  }
  const signed = await presignPut(ownerId, { key, contentType, contentLength: size });
  return {
    uploadId: upload.id,
    mode: "single",
    url: signed.url,
    headers: signed.headers,
    expiresAt: signed.expiresAt.toISOString(),
  };
}

/** Presigned URLs for some parts of a multipart upload; asked again when they expire. */
export async function partUrls(
  ownerId: string,
  uploadId: string,
  input: { partNumbers: number[] },
  now = new Date(),
): Promise<PartUrlsResponse> {
  const { partNumbers } = parseUploadInput(partNumbersSchema, input);
  const upload = await findUpload(ownerId, uploadId);
  if (!upload.s3UploadId || !upload.partSize) {
    throw new UploadError(409, "This upload is a single request and has no parts.");
  }
  const count = partCountOf(upload);
  const beyond = partNumbers.filter((n) => n > count);
  if (beyond.length > 0) {
    throw new UploadError(400, `This upload has ${count} part(s); there is no part ${beyond[0]}.`);
  }
  await touch(upload, now);
  const size = Number(upload.size);
  const partSize = upload.partSize;
  const s3UploadId = upload.s3UploadId;
  const signed = await Promise.all(
    partNumbers.map(async (partNumber) => {
      const { url, expiresAt } = await presignUploadPart(ownerId, {
        key: upload.storageKey,
        uploadId: s3UploadId,
        partNumber,
        contentLength: partLength(size, partSize, partNumber),
      });
      return { partNumber, url, expiresAt };
    }),
  );
  const earliest = Math.min(...signed.map((s) => s.expiresAt.getTime()));
  return {
    urls: signed.map(({ partNumber, url }) => ({ partNumber, url })),
    expiresAt: new Date(earliest).toISOString(),
  };
}

/** What a browser needs to resume: the parts the store already holds, or a fresh PUT URL. */
export async function uploadStatus(
  ownerId: string,
  uploadId: string,
  now = new Date(),
): Promise<UploadStatus> {
  const upload = await findUpload(ownerId, uploadId);
  const expiresAt = (await touch(upload, now)).toISOString();
  const base = {
    uploadId: upload.id,
    name: upload.name,
    size: Number(upload.size),
    contentType: upload.contentType,
    folderId: upload.folderId,
    expiresAt,
  };
  if (upload.s3UploadId && upload.partSize) {
    const count = partCountOf(upload);
    const parts = await storedParts(upload, upload.s3UploadId);
    return {
      ...base,
      mode: "multipart",
      partSize: upload.partSize,
      partCount: count,
      uploadedParts: parts.filter((p) => p.partNumber <= count),
    };
  }
  const [head, signed] = await Promise.all([
    headObject(upload.storageKey),
    presignPut(ownerId, {
      key: upload.storageKey,
      contentType: upload.contentType,
      contentLength: Number(upload.size),
    }),
  ]);
  return {
    ...base,
    mode: "single",
    uploaded: head !== null,
    url: signed.url,
    headers: signed.headers,
    urlExpiresAt: signed.expiresAt.toISOString(),
  };
}

async function storedParts(upload: Upload, s3UploadId: string) {
  try {
    return await listUploadedParts(upload.ownerId, {
      key: upload.storageKey,
      uploadId: s3UploadId,
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    // The store forgot the upload (aborted elsewhere, or a lifecycle rule): nothing can resume it.
    await discard(upload);
    throw notFound();
  }
}

export async function completeUpload(
  ownerId: string,
  uploadId: string,
  input: { parts?: { partNumber: number; etag: string }[] } = {},
  now = new Date(),
): Promise<{ file: DriveFile }> {
  const { parts: claimed } = parseUploadInput(completeUploadSchema, input);
  const upload = await findUpload(ownerId, uploadId);
  if (upload.expiresAt <= now) {
    await discard(upload);
    throw notFound();
  }
  // Completing a large upload takes the store a while; keep the expiry sweep off it meanwhile.
  await touch(upload, now);
  if (upload.s3UploadId && upload.partSize) {
    await assembleParts(upload, upload.s3UploadId, upload.partSize, claimed);
  }

  const size = Number(upload.size);
  // A presigned single PUT stays valid until it expires, completed or not: had the File kept that
  // key, its uploader could swap the bytes of a file already shared or checked. The bytes are
  // copied to a key no URL ever named, and only that copy is checked and kept. (A multipart
  // upload needs no copy: once completed, S3 refuses every part URL of its upload id.)
  const single = !(upload.s3UploadId && upload.partSize);
  const storageKey = single ? newObjectKey(ownerId) : upload.storageKey;
  if (single) {
    if (!(await headObject(upload.storageKey))) {
      throw new UploadError(409, "The file has not reached the storage server yet. Send it again.");
    }
    await copyObject(upload.storageKey, storageKey);
  }
  const dropCopy = () => (single ? deleteObject(storageKey) : Promise.resolve());
  const head = await headObject(storageKey);
  if (!head) {
    throw new UploadError(409, "The file has not reached the storage server yet. Send it again.");
  }
  const problem =
    head.size !== size
      ? `the storage server received ${formatBytes(head.size)} but ${formatBytes(size)} was announced`
      : head.contentType !== upload.contentType
        ? `it was stored as ${head.contentType ?? "no type"} but ${upload.contentType} was announced`
        : null;
  if (problem) {
    await dropCopy();
    await discard(upload);
    throw new UploadError(422, `“${upload.name}” was not saved: ${problem}.`);
  }

  // If the folder went to the trash (or away) meanwhile, the file lands in the root instead of
  // disappearing into the trash with it.
  const folderId = await liveFolderId(ownerId, upload.folderId);
  // Every PUT URL for the staging key was signed before this point and expires within the TTL.
  const lastUrlExpiry = new Date(now.getTime() + (storageConfig().presignTtlSeconds + 60) * 1000);
  const outcome = await db.$transaction(async (tx) => {
    await lockOwnerForQuota(tx, ownerId);
    const usage = await usageWithin(tx, ownerId, { excludeUploadId: upload.id });
    if (!fits(usage, size)) return { ok: false as const, usage };
    // Claiming the row (deleting it, or for a single PUT marking it completed, reserving nothing)
    // is the claim: a concurrent abort or second complete finds nothing.
    const where = { id: upload.id, ownerId, completedAt: null };
    const claimedRow = single
      ? await tx.upload.updateMany({
          where,
          data: { completedAt: now, size: BigInt(0), expiresAt: lastUrlExpiry },
        })
      : await tx.upload.deleteMany({ where });
    if (claimedRow.count === 0) return { ok: false as const, usage: null };
    const content = { size: BigInt(size), contentType: upload.contentType, storageKey };
    // Same name in the same folder: a new version of that file (versions.ts), not "name (1)".
    const existing = await sameNameFile(tx, ownerId, folderId, upload.name);
    if (existing) {
      const replaced = await replaceContent(tx, ownerId, existing, content, now);
      return {
        ok: true as const,
        file: replaced.file,
        staleKeys: replaced.staleKeys,
        versioned: true,
      };
    }
    const name = await availableNameIn(tx, ownerId, folderId, upload.name);
    const file = await tx.file.create({ data: { ownerId, folderId, name, ...content } });
    return { ok: true as const, file, staleKeys: [] as string[], versioned: false };
  }, QUOTA_TX);
  if (!outcome.ok) {
    await dropCopy();
    if (outcome.usage === null) throw notFound();
    await discard(upload);
    throw new UploadError(422, quotaMessage(upload.name, size, outcome.usage));
  }
  // The staging object goes now; one a late PUT stores goes with the row at its expiry.
  if (single) await deleteObject(upload.storageKey);
  if (outcome.staleKeys.length > 0) await deleteObjects(outcome.staleKeys);
  if (outcome.versioned) await pruneVersions(ownerId, outcome.file.id);
  await announceFileStored(ownerId, outcome.file.id);
  return { file: toDriveFile(outcome.file) };
}

async function assembleParts(
  upload: Upload,
  s3UploadId: string,
  partSize: number,
  claimed: { partNumber: number; etag: string }[] | undefined,
): Promise<void> {
  const size = Number(upload.size);
  const count = partCountOf(upload);
  const stored = new Map((await storedParts(upload, s3UploadId)).map((p) => [p.partNumber, p]));
  const missing: number[] = [];
  for (let n = 1; n <= count; n++) {
    if (stored.get(n)?.size !== partLength(size, partSize, n)) missing.push(n);
  }
  if (missing.length > 0) {
    const list = missing.length > 10 ? `${missing.slice(0, 10).join(", ")}, …` : missing.join(", ");
    throw new UploadError(409, `The upload is incomplete: part(s) ${list} still need to be sent.`, {
      parts: missing.map(String),
    });
  }
  // The browser's ETags, when given, must name the very parts the store holds: a mismatch means a
  // part was overwritten by another tab or a stale retry, and the browser should look again.
  const changed = (claimed ?? []).filter((p) => stored.get(p.partNumber)?.etag !== p.etag);
  if (changed.length > 0) {
    throw new UploadError(409, "Some parts changed on the storage server. Check them and retry.", {
      parts: changed.map((p) => String(p.partNumber)),
    });
  }
  const parts = [...stored.values()]
    .filter((p) => p.partNumber <= count)
    .sort((a, b) => a.partNumber - b.partNumber);
  try {
    await completeMultipartUpload(upload.ownerId, {
      key: upload.storageKey,
      uploadId: s3UploadId,
      parts,
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    // Another request completed or aborted it between our listing and now.
    throw notFound();
  }
}

/**
 * Cancels an upload: the parts or the object go, then the row (and its quota reservation). The
 * store is cleaned first so that a failure leaves the row for the expiry sweep to retry.
 */
export async function abortUpload(ownerId: string, uploadId: string): Promise<void> {
  const upload = await findUpload(ownerId, uploadId);
  await discard(upload);
}

async function discard(upload: Upload): Promise<void> {
  if (upload.s3UploadId) {
    await abortMultipartUpload(upload.ownerId, {
      key: upload.storageKey,
      uploadId: upload.s3UploadId,
    });
  }
  // Also for multipart: a complete may have assembled the object before being interrupted.
  await deleteObject(upload.storageKey);
  const removed = await db.upload.deleteMany({ where: { id: upload.id, ownerId: upload.ownerId } });
  if (removed.count === 0) {
    // A complete claimed the row between our store cleanup and now: its File points at the object
    // we just deleted, so it goes too rather than showing a file that cannot be downloaded.
    await db.file.deleteMany({ where: { ownerId: upload.ownerId, storageKey: upload.storageKey } });
  }
}

/**
 * Aborts uploads whose expiry has passed (no progress for DRIVE_UPLOAD_TTL_HOURS), for every user.
 * Called opportunistically when an upload starts and meant for a periodic job. Returns how many
 * were removed; one that fails is logged and left for the next sweep.
 */
export async function abortExpiredUploads(
  now = new Date(),
  options: { limit?: number } = {},
): Promise<number> {
  const expired = await db.upload.findMany({
    where: { expiresAt: { lt: now } },
    orderBy: { expiresAt: "asc" },
    take: options.limit ?? 500,
  });
  let removed = 0;
  for (const upload of expired) {
    try {
      await discard(upload);
      removed++;
    } catch (err) {
      logger.error("drive: could not abort an expired upload", { uploadId: upload.id, error: err });
    }
  }
  return removed;
}

function toDriveFile(file: {
  id: string;
  name: string;
  size: bigint;
  contentType: string;
  folderId: string | null;
  createdAt: Date;
  updatedAt: Date;
  trashedAt: Date | null;
}): DriveFile {
  return {
    id: file.id,
    name: file.name,
    size: Number(file.size),
    contentType: file.contentType,
    folderId: file.folderId,
    createdAt: file.createdAt.toISOString(),
    updatedAt: file.updatedAt.toISOString(),
    trashedAt: file.trashedAt?.toISOString() ?? null,
  };
}
