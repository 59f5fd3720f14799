import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { HeadObjectCommand, ListPartsCommand } from "@aws-sdk/client-s3";
import type { Page, Request } from "@playwright/test";
import { withConnection } from "./db";
import { bucket, store } from "./store";

// What the upload tests check behind the UI: rows in the test database and objects in the store
// the app under test uses, plus files on disk to hand to the browser.

function status(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

export async function objectExists(key: string): Promise<boolean> {
  try {
    await store().send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
    return true;
  } catch (err) {
    if (status(err) === 404) return false;
    throw err;
  }
}

/** Whether the store still knows a multipart upload (its parts take space until aborted). */
export async function multipartExists(key: string, uploadId: string): Promise<boolean> {
  try {
    await store().send(new ListPartsCommand({ Bucket: bucket(), Key: key, UploadId: uploadId }));
    return true;
  } catch (err) {
    if (status(err) === 404) return false;
    throw err;
  }
}

export type UploadRow = { id: string; storageKey: string; s3UploadId: string | null };

// Pending uploads (a completed single PUT keeps a row, reserving nothing, until its URLs expire).
export async function uploadRows(ownerId: string): Promise<UploadRow[]> {
  return withConnection((c) =>
    c.query(
      "SELECT id, storageKey, s3UploadId FROM `Upload` WHERE ownerId = ? AND completedAt IS NULL",
      [ownerId],
    ),
  );
}

export async function fileRows(ownerId: string) {
  const rows: {
    id: string;
    name: string;
    size: bigint;
    contentType: string;
    storageKey: string;
  }[] = await withConnection((c) =>
    c.query(
      "SELECT id, name, size, contentType, storageKey FROM `File` WHERE ownerId = ? ORDER BY name",
      [ownerId],
    ),
  );
  return rows.map((r) => ({ ...r, size: Number(r.size) }));
}

/** A File row without an object, so that the drive looks nearly full. */
export async function fillDrive(ownerId: string, bytes: number): Promise<void> {
  await withConnection((c) =>
    c.query(
      "INSERT INTO `File` (id, ownerId, folderId, name, size, contentType, storageKey, createdAt, updatedAt) " +
        "VALUES (?, ?, NULL, 'archive.bin', ?, 'application/octet-stream', ?, NOW(3), NOW(3))",
      [
        `f${randomBytes(12).toString("hex")}`,
        ownerId,
        bytes,
        `users/${ownerId}/${randomBytes(16).toString("hex")}`,
      ],
    ),
  );
}

/**
 * Files of random bytes in a temporary folder, removed by `cleanUp`. The folder is made on first
 * use after each clean-up: Playwright runs a file's `afterAll` after each group of its tests that a
 * worker ran (fullyParallel), and the same worker may then run another group of that file.
 */
export function tempFiles() {
  let dir: string | null = null;
  return {
    make(name: string, size: number): string {
      dir ??= mkdtempSync(path.join(os.tmpdir(), "stratus-e2e-upload-"));
      const file = path.join(dir, name);
      const chunk = randomBytes(Math.min(size, 1024 * 1024));
      const data = Buffer.alloc(size);
      for (let at = 0; at < size; at += chunk.length) chunk.copy(data, at);
      // The first bytes differ per file so that no two files share an ETag by accident.
      randomBytes(Math.min(size, 64)).copy(data, 0);
      writeFileSync(file, data);
      return file;
    },
    cleanUp() {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = null;
    },
  };
}

const MiB = 1024 * 1024;
export { MiB };

/** Part PUTs the page sends to the store, by part number. */
export function partNumberOf(request: Request): number | null {
  if (request.method() !== "PUT") return null;
  const n = new URL(request.url()).searchParams.get("partNumber");
  return n === null ? null : Number(n);
}

export function isStorePut(request: Request): boolean {
  return request.method() === "PUT" && new URL(request.url()).searchParams.has("X-Amz-Signature");
}

/** Makes the page's uploads slow (bytes per second), so progress can be watched. */
export async function throttleUploads(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
}

/** Drops files from disk onto the element, as a drag from the desktop would. */
export async function dropFiles(page: Page, selector: string, files: string[]): Promise<void> {
  await page.evaluate(() => {
    const input = document.createElement("input");
    input.type = "file";
    input.multiple = true;
    input.id = "e2e-drop-source";
    input.hidden = true;
    document.body.append(input);
  });
  await page.setInputFiles("#e2e-drop-source", files);
  await page.evaluate((target) => {
    const input = document.getElementById("e2e-drop-source") as HTMLInputElement;
    const zone = document.querySelector(target);
    if (!zone) throw new Error(`no drop target ${target}`);
    const data = new DataTransfer();
    for (const file of Array.from(input.files ?? [])) data.items.add(file);
    const fire = (type: string) =>
      zone.dispatchEvent(
        new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }),
      );
    fire("dragenter");
    fire("dragover");
    // Left for the test to see the overlay before the drop.
    (window as unknown as { e2eDrop: () => void }).e2eDrop = () => {
      fire("drop");
      input.remove();
    };
  }, selector);
}
