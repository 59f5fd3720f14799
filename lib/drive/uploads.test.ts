import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { storageConfig } from "@/lib/storage/config";
import { userPrefix } from "@/lib/storage/keys";
import { listUploadedParts } from "@/lib/storage/multipart";
import { deletePrefix, getRange, headObject, listPrefix } from "@/lib/storage/objects";
import { putDirect } from "@/lib/storage/test-helpers";
import { driveConfig } from "./config";
import { getUsage } from "./quota";
import {
  abortExpiredUploads,
  abortUpload,
  completeUpload,
  partUrls,
  startUpload,
  uploadStatus,
  UploadError,
} from "./uploads";

// Real MariaDB (stratus_test) and the real local store, over real HTTP, as a browser would.

const MiB = 1024 ** 2;
const users: string[] = [];

async function newUser(): Promise<string> {
  const user = await db.user.create({
    data: {
      email: `up-${randomUUID().slice(0, 12)}@uploads.test`,
      name: "Uploader",
      passwordHash: "x",
    },
  });
  users.push(user.id);
  return user.id;
}

afterAll(async () => {
  for (const id of users) await deletePrefix(userPrefix(id));
  await db.user.deleteMany({ where: { id: { in: users } } });
});

function body(size: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(randomBytes(size));
}

async function put(url: string, data: Uint8Array<ArrayBuffer>, headers: Record<string, string>) {
  return fetch(url, { method: "PUT", body: data, headers });
}

async function uploadRow(uploadId: string) {
  return db.upload.findUnique({ where: { id: uploadId } });
}

async function objectsOf(ownerId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of listPrefix(userPrefix(ownerId))) keys.push(o.key);
  return keys;
}

async function rejection(promise: Promise<unknown>): Promise<UploadError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof UploadError)) throw new Error(`expected an UploadError, got ${String(err)}`);
  return err;
}

// A File row without an object: enough to fill the quota.
async function fillDrive(ownerId: string, size: number) {
  await db.file.create({
    data: {
      ownerId,
      name: `filler-${randomUUID()}.bin`,
      size: BigInt(size),
      contentType: "application/octet-stream",
      storageKey: `${userPrefix(ownerId)}${randomUUID()}`,
    },
  });
}

// Sends every part through presigned URLs and returns their ETags.
async function sendParts(
  ownerId: string,
  uploadId: string,
  data: Uint8Array<ArrayBuffer>,
  partSize: number,
  partNumbers: number[],
) {
  const { urls } = await partUrls(ownerId, uploadId, { partNumbers });
  const sent = [];
  for (const { partNumber, url } of urls) {
    const start = (partNumber - 1) * partSize;
    const res = await put(url, data.slice(start, start + partSize), {});
    expect(res.status).toBe(200);
    sent.push({ partNumber, etag: res.headers.get("etag") ?? "" });
  }
  return sent;
}

describe("single presigned PUT", () => {
  it("uploads, completes and creates the file; the reservation becomes usage", async () => {
    const alice = await newUser();
    const data = body(1234);
    const start = await startUpload(alice, {
      name: "notes.txt",
      size: 1234,
      contentType: "text/plain",
    });
    if (start.mode !== "single") throw new Error("expected a single PUT");
    expect(start.headers).toEqual({ "Content-Type": "text/plain" });
    expect(Date.parse(start.expiresAt) - Date.now()).toBeLessThanOrEqual(
      storageConfig().presignTtlSeconds * 1000,
    );
    expect(await getUsage(alice)).toMatchObject({ usedBytes: 0, reservedBytes: 1234 });

    expect((await put(start.url, data, start.headers)).status).toBe(200);
    const { file } = await completeUpload(alice, start.uploadId);
    expect(file).toMatchObject({ name: "notes.txt", size: 1234, contentType: "text/plain" });
    expect(file.folderId).toBeNull();

    const row = await db.file.findUniqueOrThrow({ where: { id: file.id } });
    expect(row.ownerId).toBe(alice);
    expect(await headObject(row.storageKey)).toMatchObject({ size: 1234 });
    // The row stays, reserving nothing, until the PUT URLs for its staging key have expired.
    expect(await uploadRow(start.uploadId)).toMatchObject({
      completedAt: expect.any(Date),
      size: BigInt(0),
    });
    expect(await getUsage(alice)).toMatchObject({ usedBytes: 1234, reservedBytes: 0 });
  });

  it("a PUT with the URL after completion cannot change the file's bytes", async () => {
    const alice = await newUser();
    const data = body(4096);
    const start = await startUpload(alice, {
      name: "contract.pdf",
      size: 4096,
      contentType: "application/pdf",
    });
    if (start.mode !== "single") throw new Error("expected a single PUT");
    expect((await put(start.url, data, start.headers)).status).toBe(200);
    const { file } = await completeUpload(alice, start.uploadId);
    const row = await db.file.findUniqueOrThrow({ where: { id: file.id } });

    // The uploader swaps the bytes after the file was checked or shared.
    const forged = body(4096);
    expect((await put(start.url, forged, start.headers)).status).toBe(200);
    const stored = await getRange(row.storageKey, 4096);
    expect(Buffer.from(stored ?? []).equals(Buffer.from(data))).toBe(true);
    expect((await db.file.findUniqueOrThrow({ where: { id: file.id } })).storageKey).toBe(
      row.storageKey,
    );
    // No new URL for it either, and completing again finds nothing.
    expect((await rejection(uploadStatus(alice, start.uploadId))).status).toBe(404);
    expect((await rejection(completeUpload(alice, start.uploadId))).status).toBe(404);
    // What the late PUT stored counts nowhere and goes when the URLs have expired.
    expect(await getUsage(alice)).toMatchObject({ usedBytes: 4096, reservedBytes: 0 });
    await abortExpiredUploads(new Date(Date.now() + 24 * 3_600_000));
    expect(await uploadRow(start.uploadId)).toBeNull();
    expect(await objectsOf(alice)).toEqual([row.storageKey]);
  });

  it("keeps the earlier content as a version when a file of the same name is uploaded into the same folder", async () => {
    const alice = await newUser();
    const folder = await db.folder.create({ data: { ownerId: alice, name: "Docs" } });
    const contents = [body(3), body(5)];
    const files = [];
    for (const [i, data] of contents.entries()) {
      const start = await startUpload(alice, {
        // Names compare case-insensitively, as everywhere in Drive.
        name: i === 0 ? "report.pdf" : "REPORT.pdf",
        size: data.byteLength,
        contentType: "application/pdf",
        folderId: folder.id,
      });
      if (start.mode !== "single") throw new Error("expected a single PUT");
      await put(start.url, data, start.headers);
      files.push((await completeUpload(alice, start.uploadId)).file);
    }
    // One file, same id and name, with the new content; the old one is a version, and both count.
    expect(files.map((f) => f.id)).toEqual([files[0]?.id, files[0]?.id]);
    expect(files.map((f) => f.name)).toEqual(["report.pdf", "report.pdf"]);
    expect(await db.file.count({ where: { ownerId: alice } })).toBe(1);
    const versions = await db.fileVersion.findMany({ where: { ownerId: alice } });
    expect(versions.map((v) => Number(v.size))).toEqual([3]);
    const current = await db.file.findUniqueOrThrow({ where: { id: files[0]?.id ?? "" } });
    expect(
      Buffer.from((await getRange(current.storageKey, 100)) ?? []).equals(
        contents[1] ?? Buffer.alloc(0),
      ),
    ).toBe(true);
    expect(
      Buffer.from((await getRange(versions[0]?.storageKey ?? "", 100)) ?? []).equals(
        contents[0] ?? Buffer.alloc(0),
      ),
    ).toBe(true);
    expect(await getUsage(alice)).toMatchObject({ usedBytes: 8, reservedBytes: 0 });
    // A different folder is a different file.
    const root = await startUpload(alice, {
      name: "report.pdf",
      size: 2,
      contentType: "application/pdf",
    });
    if (root.mode !== "single") throw new Error("expected a single PUT");
    await put(root.url, body(2), root.headers);
    expect((await completeUpload(alice, root.uploadId)).file.id).not.toBe(files[0]?.id);
  });

  it("accepts an empty file", async () => {
    const alice = await newUser();
    const start = await startUpload(alice, { name: "empty", size: 0 });
    if (start.mode !== "single") throw new Error("expected a single PUT");
    expect(start.headers).toEqual({ "Content-Type": "application/octet-stream" });
    expect((await put(start.url, body(0), start.headers)).status).toBe(200);
    const { file } = await completeUpload(alice, start.uploadId);
    expect(file).toMatchObject({ name: "empty", size: 0 });
  });

  it("refuses to complete before the bytes arrived, and keeps the upload", async () => {
    const alice = await newUser();
    const start = await startUpload(alice, { name: "a.txt", size: 5, contentType: "text/plain" });
    const err = await rejection(completeUpload(alice, start.uploadId));
    expect(err.status).toBe(409);
    expect(await uploadRow(start.uploadId)).not.toBeNull();
    const status = await uploadStatus(alice, start.uploadId);
    if (status.mode !== "single") throw new Error("expected a single PUT");
    expect(status.uploaded).toBe(false);
    expect((await put(status.url, body(5), status.headers)).status).toBe(200);
    expect((await completeUpload(alice, start.uploadId)).file.size).toBe(5);
  });

  it("validates the name, size, type and folder", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const bobs = await db.folder.create({ data: { ownerId: bob, name: "Bob's" } });
    const trashed = await db.folder.create({
      data: { ownerId: alice, name: "Old", trashedAt: new Date() },
    });
    const bad = [
      { name: "a/b.txt", size: 1 },
      { name: "  ", size: 1 },
      { name: "ok.txt", size: -1 },
      { name: "ok.txt", size: 1.5 },
      { name: "ok.txt", size: 1, contentType: "text/plain\r\nX-Evil: 1" },
    ];
    for (const input of bad) {
      expect((await rejection(startUpload(alice, input))).status, JSON.stringify(input)).toBe(400);
    }
    for (const folderId of [bobs.id, trashed.id, "c000000000000000000000000"]) {
      expect((await rejection(startUpload(alice, { name: "x", size: 1, folderId }))).status).toBe(
        404,
      );
    }
    expect(await db.upload.count({ where: { ownerId: alice } })).toBe(0);
  });
});

describe("multipart", () => {
  it("uploads parts of at least 5 MiB (the last shorter), resumes from ListParts, completes", async () => {
    const alice = await newUser();
    const size = 2 * driveConfig().DRIVE_PART_SIZE_BYTES + 4321;
    const data = body(size);
    const start = await startUpload(alice, { name: "video.mp4", size, contentType: "video/mp4" });
    if (start.mode !== "multipart") throw new Error("expected multipart");
    expect(start.partSize).toBeGreaterThanOrEqual(5 * MiB);
    expect(start.partCount).toBe(3);

    // Part 1 and 3 arrive; then the "browser" asks what is missing, as after a reload.
    const first = await sendParts(alice, start.uploadId, data, start.partSize, [1, 3]);
    const incomplete = await rejection(completeUpload(alice, start.uploadId));
    expect(incomplete.status).toBe(409);
    expect(incomplete.errors).toEqual({ parts: ["2"] });

    const status = await uploadStatus(alice, start.uploadId);
    if (status.mode !== "multipart") throw new Error("expected multipart");
    expect(status.uploadedParts.map((p) => [p.partNumber, p.size])).toEqual([
      [1, start.partSize],
      [3, 4321],
    ]);
    const second = await sendParts(alice, start.uploadId, data, start.partSize, [2]);

    const { file } = await completeUpload(alice, start.uploadId, {
      parts: [...first, ...second],
    });
    expect(file).toMatchObject({ name: "video.mp4", size, contentType: "video/mp4" });
    const row = await db.file.findUniqueOrThrow({ where: { id: file.id } });
    expect(await headObject(row.storageKey)).toMatchObject({ size, contentType: "video/mp4" });
    const stored = await getRange(row.storageKey, size);
    expect(Buffer.from(stored ?? []).equals(Buffer.from(data))).toBe(true);
    expect(await uploadRow(start.uploadId)).toBeNull();
  });

  it("a part URL used after completion cannot change the file's bytes, nor complete it again", async () => {
    const alice = await newUser();
    const size = driveConfig().DRIVE_PART_SIZE_BYTES + 100;
    const data = body(size);
    const start = await startUpload(alice, { name: "scan.tiff", size, contentType: "image/tiff" });
    if (start.mode !== "multipart") throw new Error("expected multipart");
    const { urls } = await partUrls(alice, start.uploadId, { partNumbers: [1, 2] });
    const parts = await sendParts(alice, start.uploadId, data, start.partSize, [1, 2]);
    const { file } = await completeUpload(alice, start.uploadId, { parts });
    const row = await db.file.findUniqueOrThrow({ where: { id: file.id } });

    const forged = body(start.partSize);
    const res = await put(urls[0]!.url, forged, {});
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/NoSuchUpload/);
    const stored = await getRange(row.storageKey, size);
    expect(Buffer.from(stored ?? []).equals(Buffer.from(data))).toBe(true);
    expect((await rejection(completeUpload(alice, start.uploadId, { parts }))).status).toBe(404);
  });

  it("refuses part numbers beyond the plan and stale ETags", async () => {
    const alice = await newUser();
    const size = driveConfig().DRIVE_MULTIPART_THRESHOLD_BYTES;
    const data = body(size);
    const start = await startUpload(alice, { name: "big.bin", size });
    if (start.mode !== "multipart") throw new Error("expected multipart");
    const count = start.partCount;
    expect(
      (await rejection(partUrls(alice, start.uploadId, { partNumbers: [count + 1] }))).status,
    ).toBe(400);
    expect((await rejection(partUrls(alice, start.uploadId, { partNumbers: [] }))).status).toBe(
      400,
    );
    await sendParts(
      alice,
      start.uploadId,
      data,
      start.partSize,
      Array.from({ length: count }, (_, i) => i + 1),
    );
    const stale = await rejection(
      completeUpload(alice, start.uploadId, { parts: [{ partNumber: 1, etag: '"0"' }] }),
    );
    expect(stale.status).toBe(409);
    expect((await completeUpload(alice, start.uploadId)).file.size).toBe(size);
  });
});

describe("abort", () => {
  it("multipart: no parts, no object, no row, no reservation", async () => {
    const alice = await newUser();
    const size = driveConfig().DRIVE_MULTIPART_THRESHOLD_BYTES + 10;
    const data = body(size);
    const start = await startUpload(alice, { name: "gone.bin", size });
    if (start.mode !== "multipart") throw new Error("expected multipart");
    await sendParts(alice, start.uploadId, data, start.partSize, [1]);
    const row = await db.upload.findUniqueOrThrow({ where: { id: start.uploadId } });
    const s3UploadId = row.s3UploadId ?? "";
    const { urls } = await partUrls(alice, start.uploadId, { partNumbers: [2] });

    await abortUpload(alice, start.uploadId);

    expect(await uploadRow(start.uploadId)).toBeNull();
    expect(await headObject(row.storageKey)).toBeNull();
    await expect(
      listUploadedParts(alice, { key: row.storageKey, uploadId: s3UploadId }),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    const { embedded, bucket } = storageConfig();
    if (embedded) {
      const dir = path.join(process.cwd(), ".data/s3", bucket, "._S3rver_uploads", s3UploadId);
      expect(existsSync(dir)).toBe(false);
    }
    // A part still in flight after the abort is refused by the store.
    expect((await put(urls[0]?.url ?? "", data.slice(start.partSize), {})).status).toBe(404);
    expect(await objectsOf(alice)).toEqual([]);
    expect(await getUsage(alice)).toMatchObject({ usedBytes: 0, reservedBytes: 0 });
    expect((await rejection(abortUpload(alice, start.uploadId))).status).toBe(404);
  });

  it("single: the uploaded object goes with the row", async () => {
    const alice = await newUser();
    const start = await startUpload(alice, { name: "s.txt", size: 4, contentType: "text/plain" });
    if (start.mode !== "single") throw new Error("expected a single PUT");
    await put(start.url, body(4), start.headers);
    expect(await objectsOf(alice)).toHaveLength(1);
    await abortUpload(alice, start.uploadId);
    expect(await objectsOf(alice)).toEqual([]);
    expect(await uploadRow(start.uploadId)).toBeNull();
    expect(await db.file.count({ where: { ownerId: alice } })).toBe(0);
  });
});

describe("quota", () => {
  it("refuses before any byte is sent, saying how much space is left", async () => {
    const alice = await newUser();
    const quota = driveConfig().DRIVE_QUOTA_BYTES;
    await fillDrive(alice, quota - 3 * MiB);
    const err = await rejection(
      startUpload(alice, { name: "movie.mkv", size: 64 * MiB, contentType: "video/x-matroska" }),
    );
    expect(err.status).toBe(413);
    expect(err.message).toBe(
      "Not enough space for “movie.mkv”: it is 64 MB but only 3 MB is left of your 5 GB. " +
        "Delete files or empty the trash to make room.",
    );
    expect(await db.upload.count({ where: { ownerId: alice } })).toBe(0);
    expect(await objectsOf(alice)).toEqual([]);
  });

  it("counts pending uploads, so parallel starts cannot overshoot", async () => {
    const alice = await newUser();
    const quota = driveConfig().DRIVE_QUOTA_BYTES;
    await fillDrive(alice, quota - 1500);
    const results = await Promise.allSettled([
      startUpload(alice, { name: "a", size: 1000 }),
      startUpload(alice, { name: "b", size: 1000 }),
      startUpload(alice, { name: "c", size: 1000 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected");
    expect(refused?.status === "rejected" && String(refused.reason)).toMatch(
      /only 500 bytes is left of your 5 GB \(1000 bytes is held by unfinished uploads\)/,
    );
    expect(await getUsage(alice)).toMatchObject({ usedBytes: quota - 1500, reservedBytes: 1000 });
  });

  it("re-checks at completion (the quota may have been used meanwhile)", async () => {
    const alice = await newUser();
    const quota = driveConfig().DRIVE_QUOTA_BYTES;
    const start = await startUpload(alice, {
      name: "late.txt",
      size: 10,
      contentType: "text/plain",
    });
    if (start.mode !== "single") throw new Error("expected a single PUT");
    await put(start.url, body(10), start.headers);
    // Files that landed by another path (a copy, say) between start and complete.
    await fillDrive(alice, quota - 5);
    const err = await rejection(completeUpload(alice, start.uploadId));
    expect(err.status).toBe(422);
    expect(err.message).toMatch(/^Not enough space for “late.txt”/);
    const row = await db.file.findMany({ where: { ownerId: alice, name: "late.txt" } });
    expect(row).toEqual([]);
    expect(await uploadRow(start.uploadId)).toBeNull();
    expect(await objectsOf(alice)).toEqual([]);
  });
});

describe("completion checks what the store holds", () => {
  it("another size than declared: 422, object deleted, no file", async () => {
    const alice = await newUser();
    const start = await startUpload(alice, { name: "x.txt", size: 100, contentType: "text/plain" });
    const { storageKey } = await db.upload.findUniqueOrThrow({ where: { id: start.uploadId } });
    if (start.mode !== "single") throw new Error("expected a single PUT");
    // The local store refuses the wrong length on the signed URL; a store that did not enforce it
    // is simulated by writing the object directly.
    expect((await put(start.url, body(150), start.headers)).status).toBe(403);
    await putDirect(storageKey, body(150), "text/plain");

    const err = await rejection(completeUpload(alice, start.uploadId));
    expect(err.status).toBe(422);
    expect(err.message).toBe(
      "“x.txt” was not saved: the storage server received 150 bytes but 100 bytes was announced.",
    );
    expect(await headObject(storageKey)).toBeNull();
    expect(await db.file.count({ where: { ownerId: alice } })).toBe(0);
    expect(await uploadRow(start.uploadId)).toBeNull();
    expect(await getUsage(alice)).toMatchObject({ usedBytes: 0, reservedBytes: 0 });
  });

  it("another content type than declared: 422, object deleted, no file", async () => {
    const alice = await newUser();
    const start = await startUpload(alice, { name: "p.png", size: 8, contentType: "image/png" });
    const { storageKey } = await db.upload.findUniqueOrThrow({ where: { id: start.uploadId } });
    if (start.mode !== "single") throw new Error("expected a single PUT");
    expect((await put(start.url, body(8), { "Content-Type": "text/html" })).status).toBe(403);
    await putDirect(storageKey, body(8), "text/html");
    const err = await rejection(completeUpload(alice, start.uploadId));
    expect(err.status).toBe(422);
    expect(err.message).toMatch(/stored as text\/html but image\/png was announced/);
    expect(await headObject(storageKey)).toBeNull();
    expect(await db.file.count({ where: { ownerId: alice } })).toBe(0);
  });
});

describe("expiry", () => {
  it("aborts uploads without progress past their expiry, and only those", async () => {
    const alice = await newUser();
    const size = driveConfig().DRIVE_MULTIPART_THRESHOLD_BYTES + 1;
    const data = body(size);
    const ttlMs = driveConfig().DRIVE_UPLOAD_TTL_HOURS * 3_600_000;
    const longAgo = new Date(Date.now() - ttlMs - 60_000);
    const old = await startUpload(alice, { name: "old.bin", size }, longAgo);
    if (old.mode !== "multipart") throw new Error("expected multipart");
    await sendParts(alice, old.uploadId, data, old.partSize, [1]);
    // (Started before the clock is put back: starting an upload sweeps expired ones too.)
    const fresh = await startUpload(alice, { name: "fresh.txt", size: 3 });
    // Asking for URLs counts as progress; put the clock back as if that happened long ago too.
    await db.upload.update({
      where: { id: old.uploadId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const oldRow = await db.upload.findUniqueOrThrow({ where: { id: old.uploadId } });

    expect(await abortExpiredUploads(new Date())).toBeGreaterThanOrEqual(1);

    expect(await uploadRow(old.uploadId)).toBeNull();
    await expect(
      listUploadedParts(alice, { key: oldRow.storageKey, uploadId: oldRow.s3UploadId ?? "" }),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    expect(await uploadRow(fresh.uploadId)).not.toBeNull();
    expect(await getUsage(alice)).toMatchObject({ reservedBytes: 3 });
    expect((await rejection(completeUpload(alice, old.uploadId))).status).toBe(404);
  });

  it("refuses to complete an expired upload and cleans it up", async () => {
    const alice = await newUser();
    const start = await startUpload(alice, { name: "e.txt", size: 2, contentType: "text/plain" });
    if (start.mode !== "single") throw new Error("expected a single PUT");
    await put(start.url, body(2), start.headers);
    await db.upload.update({
      where: { id: start.uploadId },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect((await rejection(completeUpload(alice, start.uploadId))).status).toBe(404);
    expect(await objectsOf(alice)).toEqual([]);
    expect(await uploadRow(start.uploadId)).toBeNull();
  });
});

describe("ownership", () => {
  it("another user's upload id behaves like a missing one, and nothing changes", async () => {
    const alice = await newUser();
    const mallory = await newUser();
    const size = driveConfig().DRIVE_MULTIPART_THRESHOLD_BYTES + 5;
    const data = body(size);
    const start = await startUpload(alice, { name: "mine.bin", size });
    if (start.mode !== "multipart") throw new Error("expected multipart");
    await sendParts(alice, start.uploadId, data, start.partSize, [1, 2]);
    const before = await db.upload.findUniqueOrThrow({ where: { id: start.uploadId } });

    // One at a time: a promise that rejects before the loop awaits it would be unhandled.
    const attempts = [
      () => uploadStatus(mallory, start.uploadId),
      () => partUrls(mallory, start.uploadId, { partNumbers: [1] }),
      () => completeUpload(mallory, start.uploadId),
      () => abortUpload(mallory, start.uploadId),
    ];
    for (const attempt of attempts) {
      const err = await rejection(attempt());
      expect(err.status).toBe(404);
      expect(err.message).toBe("This upload does not exist any more. Start it again.");
    }
    expect(await db.upload.findUniqueOrThrow({ where: { id: start.uploadId } })).toEqual(before);
    expect(await db.file.count({ where: { ownerId: mallory } })).toBe(0);
    expect(await objectsOf(mallory)).toEqual([]);
    const { file } = await completeUpload(alice, start.uploadId);
    expect(file.size).toBe(size);
  });

  it("malformed ids are not found", async () => {
    const alice = await newUser();
    for (const id of ["", "../x", "a".repeat(200)]) {
      expect((await rejection(uploadStatus(alice, id))).status).toBe(404);
    }
  });
});
