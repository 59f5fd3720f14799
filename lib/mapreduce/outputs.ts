import "server-only";
import { createReadStream, createWriteStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { makeZip } from "client-zip";
import { liveFileNamed } from "@/lib/drive/access";
import { storeServerFile } from "@/lib/drive/server-files";
import { ensurePath } from "@/lib/drive/tree";
import { formatBytes } from "@/lib/format/numbers";
import { storageClient } from "@/lib/storage/client";
import { storageConfig } from "@/lib/storage/config";
import { newObjectKey } from "@/lib/storage/keys";
import type { StoredOutput } from "./records";
import { UserFacingError } from "@/lib/server/errors";

// A finished job's part files go to the owner's Drive, in "MapReduce/<job name> (<id>)", counted
// against the quota like uploads; several parts are also zipped into one object (outside the
// Drive, removed with the job) for the e-mailed link and "Download all".

export const RESULTS_FOLDER = "MapReduce";

/** The results could not be stored for a reason the owner can act on (a full Drive…). */
export class OutputError extends UserFacingError {}

/** "MapReduce/Word count (ab12cd)": the job's own folder, created when missing. */
export async function outputFolder(ownerId: string, jobId: string, jobName: string) {
  const clean = jobName.replace(/[/\\]/g, "-").replace(/\s+/g, " ").trim().slice(0, 200);
  const id = await ensurePath(ownerId, `/${RESULTS_FOLDER}/${clean} (${jobId.slice(-6)})`);
  if (!id) throw new Error("could not create the job's output folder");
  return id;
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
  const free = left === 0 ? "no space is left" : `only ${formatBytes(left)} is left`;
  return new OutputError(
    `Not enough space in your Drive to save the result “${name}” (${formatBytes(size)}): ${free}. ` +
      "Delete files or empty the trash, then run the job again.",
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

/** Zips the local part files into one stored object (not a Drive file) and returns its key. */
export async function storeZip(
  ownerId: string,
  zipPath: string,
  files: { name: string; path: string }[],
): Promise<string> {
  const entries = await Promise.all(
    files.map(async (f) => {
      const s = await stat(f.path);
      return {
        name: f.name,
        size: s.size,
        lastModified: s.mtime,
        input: Readable.toWeb(createReadStream(f.path)) as ReadableStream<Uint8Array>,
      };
    }),
  );
  await pipeline(Readable.fromWeb(makeZip(entries) as never), createWriteStream(zipPath));
  const { size } = await stat(zipPath);
  const key = newObjectKey(ownerId);
  await putFile(key, zipPath, size, "application/zip");
  return key;
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
