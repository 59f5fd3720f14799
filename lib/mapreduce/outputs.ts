import "server-only";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { liveFileNamed } from "@/lib/drive/access";
import { driveConfig } from "@/lib/drive/config";
import { bytesLeft, getUsage } from "@/lib/drive/quota";
import { discardServerFiles, storeServerFile } from "@/lib/drive/server-files";
import { ensurePath, findPath } from "@/lib/drive/tree";
import { formatBytes } from "@/lib/format/numbers";
import { storageClient } from "@/lib/storage/client";
import { storageConfig } from "@/lib/storage/config";
import type { StoredOutput } from "./records";
import { UserFacingError } from "@/lib/server/errors";

// A finished job's part files go to the owner's Drive, in "MapReduce/<job name> (<id>)", counted
// against the quota like uploads. Nothing else is stored: "Download all" and the e-mailed link
// zip the part files from the Drive on the fly (a stored zip was a second copy outside the quota).
// The results are stored whole or not at all: they must fit in what is left of the quota before
// the first is stored, and a store that runs out part-way removes what it stored.

export const RESULTS_FOLDER = "MapReduce";

/** The results could not be stored for a reason the owner can act on (a full Drive…). */
export class OutputError extends UserFacingError {}

function outputPath(jobId: string, jobName: string) {
  const clean = jobName.replace(/[/\\]/g, "-").replace(/\s+/g, " ").trim().slice(0, 200);
  return `/${RESULTS_FOLDER}/${clean} (${jobId.slice(-6)})`;
}

/** "MapReduce/Word count (ab12cd)": the job's own folder, created when missing. */
export async function outputFolder(ownerId: string, jobId: string, jobName: string) {
  const id = await ensurePath(ownerId, outputPath(jobId, jobName));
  if (!id) throw new Error("could not create the job's output folder");
  return id;
}

/**
 * Throws OutputError, naming the quota, unless every part file fits in what is left of the
 * owner's Drive. Parts a retried step already stored (same name and size in the job's folder)
 * are in the usage already and need no more room.
 */
export async function checkResultsFit(
  ownerId: string,
  jobId: string,
  jobName: string,
  parts: { name: string; path: string }[],
): Promise<void> {
  const folderId = await findPath(ownerId, outputPath(jobId, jobName));
  let total = 0;
  let needed = 0;
  for (const part of parts) {
    const { size } = await stat(part.path);
    total += size;
    const stored = folderId ? await liveFileNamed(ownerId, folderId, part.name, size) : null;
    if (!stored) needed += size;
  }
  const usage = await getUsage(ownerId);
  const left = bytesLeft(usage);
  if (needed <= left) return;
  const files = parts.length === 1 ? "1 file" : `${parts.length} files`;
  throw new OutputError(
    `The results (${formatBytes(total)} in ${files}) do not fit in your Drive: ${freeOf(left, usage.quotaBytes)}. ` +
      "Nothing was saved. Delete files or empty the trash, then run the job again.",
  );
}

const freeOf = (left: number, quota: number) =>
  left === 0
    ? `your ${formatBytes(quota)} quota is used up`
    : `only ${formatBytes(left)} of your ${formatBytes(quota)} quota is left`;

/** Removes the results a failed store left (and the job's folder when empty). */
export async function discardResults(ownerId: string, fileIds: string[], folderId: string) {
  await discardServerFiles(ownerId, fileIds, folderId);
}

async function putFile(key: string, path: string, size: number, contentType: string) {
  await storageClient().send(
    new PutObjectCommand({
      Bucket: storageConfig().bucket,
      Key: key,
      Body: size === 0 ? new Uint8Array() : createReadStream(path),
      ContentType: contentType,
      ContentLength: size,
    }),
  );
}

function quotaError(name: string, size: number, left: number) {
  return new OutputError(
    `Not enough space in your Drive to save the result “${name}” (${formatBytes(size)}): ${freeOf(left, driveConfig().DRIVE_QUOTA_BYTES)}. ` +
      "Nothing was saved. Delete files or empty the trash, then run the job again.",
  );
}

const TEXT = "text/plain; charset=utf-8";

/**
 * Stores a local output file as a Drive file. A retried finish step finds the file it already
 * stored (same name and size in the job's folder) instead of adding "part-00000 (1)".
 */
export async function storeOutputFile(
  ownerId: string,
  folderId: string,
  file: { name: string; path: string; records: number },
): Promise<StoredOutput> {
  const { size } = await stat(file.path);
  const existing = await liveFileNamed(ownerId, folderId, file.name, size);
  const stored =
    existing ??
    (await storeServerFile(
      ownerId,
      folderId,
      {
        desiredName: file.name,
        size,
        contentType: TEXT,
        put: (key) => putFile(key, file.path, size, TEXT),
      },
      quotaError,
    ));
  return { fileId: stored.id, name: stored.name, bytes: size, records: file.records };
}

/** Lines of a local file (outputs that come back from EMR have no task counters). */
export async function countLines(path: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  }
  return n;
}

/** The first bytes of a local file as text ("" when it does not exist): task logs. */
export async function readHead(path: string, maxBytes: number): Promise<string> {
  const handle = await open(path, "r").catch(() => null);
  if (!handle) return "";
  try {
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}
