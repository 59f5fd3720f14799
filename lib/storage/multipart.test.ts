import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { storageConfig } from "./config";
import { newObjectKey } from "./keys";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listUploadedParts,
  MIN_PART_SIZE,
  planParts,
} from "./multipart";
import { getRange, headObject, listPrefix } from "./objects";
import { presignUploadPart } from "./presign";
import { bytes, cleanUp, testUserId } from "./test-helpers";

const MiB = 1024 ** 2;
const user = testUserId();
afterAll(() => cleanUp(user));

async function uploadPart(
  key: string,
  uploadId: string,
  partNumber: number,
  body: Uint8Array<ArrayBuffer>,
) {
  const signed = await presignUploadPart(user, {
    key,
    uploadId,
    partNumber,
    contentLength: body.byteLength,
  });
  return fetch(signed.url, { method: "PUT", body, headers: signed.headers });
}

describe("planParts", () => {
  it("splits into parts of at least 5 MiB, the last one shorter", () => {
    expect(planParts(0)).toEqual([{ partNumber: 1, start: 0, end: 0, size: 0 }]);
    expect(planParts(12 * MiB, 5 * MiB).map((p) => p.size)).toEqual([5 * MiB, 5 * MiB, 2 * MiB]);
    expect(planParts(12 * MiB, 1).map((p) => p.size)).toEqual([5 * MiB, 5 * MiB, 2 * MiB]);
    const huge = planParts(200 * 1024 ** 3);
    expect(huge.length).toBeLessThanOrEqual(10_000);
    expect(huge.at(-1)?.end).toBe(200 * 1024 ** 3);
    expect(() => planParts(-1)).toThrow(RangeError);
  });
});

describe("multipart upload with presigned parts", () => {
  it("uploads parts with fetch, reads their ETags and completes", async () => {
    const key = newObjectKey(user);
    const data = bytes(MIN_PART_SIZE + 1024);
    const uploadId = await createMultipartUpload(user, { key, contentType: "video/mp4" });
    const parts = planParts(data.byteLength, MIN_PART_SIZE);
    expect(parts).toHaveLength(2);

    const uploaded = [];
    for (const p of parts) {
      const res = await uploadPart(key, uploadId, p.partNumber, data.subarray(p.start, p.end));
      expect(res.status).toBe(200);
      const etag = res.headers.get("etag");
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
      uploaded.push({ partNumber: p.partNumber, etag: etag ?? "" });
    }
    const listed = await listUploadedParts(user, { key, uploadId });
    expect(listed).toEqual([
      { ...uploaded[0], size: MIN_PART_SIZE },
      { ...uploaded[1], size: 1024 },
    ]);

    const wrong = uploaded.map((p, i) => (i === 1 ? { ...p, etag: `"${"0".repeat(32)}"` } : p));
    await expect(completeMultipartUpload(user, { key, uploadId, parts: wrong })).rejects.toThrow(
      /part/i,
    );
    expect(await headObject(key)).toBeNull();

    await completeMultipartUpload(user, { key, uploadId, parts: uploaded.reverse() });
    // S3's multipart ETag: the MD5 of the parts' binary MD5s, then "-<number of parts>".
    const partMd5s = Buffer.concat(
      [...uploaded].reverse().map((p) => Buffer.from(p.etag.replaceAll('"', ""), "hex")),
    );
    expect(await headObject(key)).toMatchObject({
      size: MIN_PART_SIZE + 1024,
      contentType: "video/mp4",
      etag: `"${createHash("md5").update(partMd5s).digest("hex")}-2"`,
    });
    const tail = await getRange(key, MIN_PART_SIZE + 1024);
    expect(Buffer.from(tail ?? []).equals(Buffer.from(data))).toBe(true);
  });

  it("refuses a part whose length differs from the signed one", async () => {
    const key = newObjectKey(user);
    const uploadId = await createMultipartUpload(user, { key, contentType: "text/plain" });
    const signed = await presignUploadPart(user, {
      key,
      uploadId,
      partNumber: 1,
      contentLength: 10,
    });
    const res = await fetch(signed.url, { method: "PUT", body: bytes(11) });
    expect(res.status).toBe(403);
    expect(await listUploadedParts(user, { key, uploadId })).toEqual([]);
    await abortMultipartUpload(user, { key, uploadId });
  });

  it("abort leaves nothing behind, and later parts are refused", async () => {
    const key = newObjectKey(user);
    const uploadId = await createMultipartUpload(user, { key, contentType: "text/plain" });
    expect((await uploadPart(key, uploadId, 1, bytes(MIN_PART_SIZE))).status).toBe(200);
    const late = await presignUploadPart(user, { key, uploadId, partNumber: 2, contentLength: 5 });

    await abortMultipartUpload(user, { key, uploadId });

    await expect(listUploadedParts(user, { key, uploadId })).rejects.toMatchObject({
      name: "NoSuchUpload",
    });
    expect((await fetch(late.url, { method: "PUT", body: bytes(5) })).status).toBe(404);
    await expect(
      completeMultipartUpload(user, { key, uploadId, parts: [{ partNumber: 1, etag: "x" }] }),
    ).rejects.toMatchObject({ name: "NoSuchUpload" });
    const listed = [];
    for await (const o of listPrefix(`users/${user}/`)) listed.push(o.key);
    expect(listed).not.toContain(key);
    expect(await headObject(key)).toBeNull();
    const { embedded, bucket } = storageConfig();
    if (embedded) {
      const parts = path.join(process.cwd(), ".data/s3", bucket, "._S3rver_uploads", uploadId);
      expect(existsSync(parts)).toBe(false);
    }
    // Retrying an abort is harmless.
    await abortMultipartUpload(user, { key, uploadId });
  });

  it("binds an upload id to its key", async () => {
    const key = newObjectKey(user);
    const other = newObjectKey(user);
    const uploadId = await createMultipartUpload(user, { key, contentType: "text/plain" });
    const res = await uploadPart(other, uploadId, 1, bytes(5));
    expect(res.status).toBe(404);
    await abortMultipartUpload(user, { key, uploadId });
  });
});

describe("CORS for browser uploads", () => {
  it("lets a localhost app preflight a part PUT and read the ETag", async () => {
    const key = newObjectKey(user);
    const uploadId = await createMultipartUpload(user, { key, contentType: "text/plain" });
    const signed = await presignUploadPart(user, {
      key,
      uploadId,
      partNumber: 1,
      contentLength: 5,
    });
    const origin = "http://localhost:3000";
    const preflight = await fetch(signed.url, {
      method: "OPTIONS",
      headers: {
        Origin: origin,
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type",
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get("access-control-allow-origin")).toMatch(
      /^(\*|http:\/\/localhost:3000)$/,
    );
    expect(preflight.headers.get("access-control-allow-methods")).toContain("PUT");

    const res = await fetch(signed.url, {
      method: "PUT",
      body: bytes(5),
      headers: { Origin: origin },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(origin);
    expect(res.headers.get("access-control-expose-headers")).toMatch(/ETag/i);
    await abortMultipartUpload(user, { key, uploadId });
  });
});
