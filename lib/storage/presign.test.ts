import { afterAll, describe, expect, it } from "vitest";
import { ForeignKeyError, newObjectKey } from "./keys";
import { headObject } from "./objects";
import { presignGet, presignPut, presignUploadPart } from "./presign";
import { createMultipartUpload } from "./multipart";
import { contentDisposition } from "./content-disposition";
import { bytes, cleanUp, putDirect, testUserId } from "./test-helpers";

// Real HTTP against the configured store (the embedded s3rver under `npm test`).
const alice = testUserId();
const bob = testUserId();
afterAll(() => cleanUp(alice, bob));

async function put(
  url: string,
  body: Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
) {
  return fetch(url, { method: "PUT", body, headers });
}

describe("presigned PUT", () => {
  it("uploads exactly what was signed, and HEAD shows its size and type", async () => {
    const key = newObjectKey(alice);
    const body = bytes(1234);
    const signed = await presignPut(alice, { key, contentType: "image/png", contentLength: 1234 });
    expect(signed.method).toBe("PUT");
    expect(signed.headers).toEqual({ "Content-Type": "image/png" });
    expect(new URL(signed.url).searchParams.get("X-Amz-SignedHeaders")).toBe(
      "content-length;content-type;host",
    );
    expect(signed.expiresAt.getTime() - Date.now()).toBeGreaterThan(890_000);

    const res = await put(signed.url, body, signed.headers);
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    const info = await headObject(key);
    expect(info).toMatchObject({ key, size: 1234, contentType: "image/png" });
  });

  it("refuses another content type or another length", async () => {
    const key = newObjectKey(alice);
    const signed = await presignPut(alice, { key, contentType: "text/plain", contentLength: 10 });
    expect((await put(signed.url, bytes(10), { "Content-Type": "text/html" })).status).toBe(403);
    expect((await put(signed.url, bytes(10))).status).toBe(403);
    expect((await put(signed.url, bytes(11), signed.headers)).status).toBe(403);
    expect((await put(signed.url, bytes(9), signed.headers)).status).toBe(403);
    expect(await headObject(key)).toBeNull();
    expect((await put(signed.url, bytes(10), signed.headers)).status).toBe(200);
  });

  it("refuses a tampered URL", async () => {
    const key = newObjectKey(alice);
    const other = newObjectKey(alice);
    const signed = await presignPut(alice, { key, contentType: "text/plain", contentLength: 3 });
    const tampered = [
      signed.url.replace(key, other),
      signed.url.replace(/X-Amz-Expires=\d+/, "X-Amz-Expires=604800"),
      signed.url.replace(/X-Amz-Signature=([0-9a-f])/, (_, c: string) =>
        c === "0" ? "X-Amz-Signature=1" : "X-Amz-Signature=0",
      ),
      signed.url.replace(
        /X-Amz-Credential=[^&]+/,
        "X-Amz-Credential=S3RVER%2F20260101%2Fus-east-1%2Fs3%2Faws4_request",
      ),
    ];
    for (const url of tampered) {
      expect((await put(url, bytes(3), signed.headers)).status, url).toBe(403);
    }
    expect(await headObject(key)).toBeNull();
    expect(await headObject(other)).toBeNull();
  });

  it("refuses an expired URL", async () => {
    const key = newObjectKey(alice);
    const signed = await presignPut(alice, {
      key,
      contentType: "text/plain",
      contentLength: 3,
      expiresIn: 1,
    });
    await new Promise((r) => setTimeout(r, 2100));
    expect((await put(signed.url, bytes(3), signed.headers)).status).toBe(403);
    expect(await headObject(key)).toBeNull();
  });

  it("refuses unsigned requests", async () => {
    const key = newObjectKey(alice);
    await putDirect(key, "secret");
    const signed = await presignGet(alice, { key, filename: "x.txt" });
    const bare = signed.url.split("?")[0] ?? "";
    expect((await fetch(bare)).status).toBe(403);
    expect((await put(bare, bytes(3))).status).toBe(403);
  });

  it("validates what it signs", async () => {
    const key = newObjectKey(alice);
    const ok = { key, contentType: "text/plain", contentLength: 1 };
    await expect(presignPut(alice, { ...ok, contentType: "text/plain\r\nX: y" })).rejects.toThrow();
    await expect(presignPut(alice, { ...ok, contentLength: -1 })).rejects.toThrow(RangeError);
    await expect(presignPut(alice, { ...ok, contentLength: 6 * 1024 ** 3 })).rejects.toThrow();
    await expect(presignPut(alice, { ...ok, expiresIn: 0 })).rejects.toThrow(RangeError);
  });
});

describe("presigned GET", () => {
  it("returns the bytes with a sanitised Content-Disposition", async () => {
    const key = newObjectKey(alice);
    const body = bytes(2048);
    await putDirect(key, body, "application/pdf");
    const filename = 'résumé "q"\r\nX-Injected: yes.pdf';
    const signed = await presignGet(alice, { key, filename });
    const res = await fetch(signed.url);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(body);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("x-injected")).toBeNull();
    const disposition = res.headers.get("content-disposition");
    expect(disposition).toBe(contentDisposition(filename));
    expect(disposition).toBe(
      `attachment; filename="resume 'q'X-Injected: yes.pdf"; ` +
        `filename*=UTF-8''r%C3%A9sum%C3%A9%20%22q%22X-Injected%3A%20yes.pdf`,
    );
  });

  it("can serve inline with another type, and the override is signed", async () => {
    const key = newObjectKey(alice);
    await putDirect(key, "<script>alert(1)</script>", "text/html");
    const signed = await presignGet(alice, {
      key,
      filename: "page.html",
      disposition: "inline",
      contentType: "text/plain",
    });
    const res = await fetch(signed.url);
    expect(res.headers.get("content-type")).toBe("text/plain");
    expect(res.headers.get("content-disposition")).toMatch(/^inline; /);
    const swapped = signed.url.replace(
      "response-content-type=text%2Fplain",
      "response-content-type=text%2Fhtml",
    );
    expect(swapped).not.toBe(signed.url);
    expect((await fetch(swapped)).status).toBe(403);
  });
});

describe("ownership", () => {
  it("refuses to presign or start uploads for another user's key", async () => {
    const bobs = newObjectKey(bob);
    await expect(
      presignPut(alice, { key: bobs, contentType: "text/plain", contentLength: 1 }),
    ).rejects.toThrow(ForeignKeyError);
    await expect(presignGet(alice, { key: bobs, filename: "x" })).rejects.toThrow(ForeignKeyError);
    await expect(
      presignUploadPart(alice, { key: bobs, uploadId: "u", partNumber: 1, contentLength: 1 }),
    ).rejects.toThrow(ForeignKeyError);
    await expect(
      createMultipartUpload(alice, { key: bobs, contentType: "text/plain" }),
    ).rejects.toThrow(ForeignKeyError);
    await expect(
      presignGet(alice, { key: `users/${alice}/../${bob}/x`, filename: "x" }),
    ).rejects.toThrow(ForeignKeyError);
  });
});
