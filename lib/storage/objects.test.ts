import { afterAll, describe, expect, it } from "vitest";
import { copyInParts } from "./copy";
import { newObjectKey, userPrefix } from "./keys";
import {
  copyObject,
  deleteObject,
  deleteObjects,
  deletePrefix,
  getObjectStream,
  getRange,
  headObject,
  listPrefix,
  listPrefixPages,
} from "./objects";
import { bytes, cleanUp, putDirect, testUserId } from "./test-helpers";

const MiB = 1024 ** 2;
const user = testUserId();
const leaving = testUserId();
// Shares the leaving user's id as a prefix: "users/t…0/" must survive deleting "users/t…/".
const neighbour = `${leaving}0`;
afterAll(() => cleanUp(user, leaving, neighbour));

async function listAll(prefix: string) {
  const keys: string[] = [];
  for await (const o of listPrefix(prefix)) keys.push(o.key);
  return keys.sort();
}

async function readAll(stream: ReadableStream<Uint8Array>) {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe("objects", () => {
  it("head returns null for a missing object", async () => {
    expect(await headObject(newObjectKey(user))).toBeNull();
  });

  it("copies an object with its type", async () => {
    const source = newObjectKey(user);
    const copy = newObjectKey(user);
    const data = bytes(4096);
    await putDirect(source, data, "image/jpeg");
    await copyObject(source, copy);
    expect(await headObject(copy)).toMatchObject({ size: 4096, contentType: "image/jpeg" });
    expect(await getRange(copy, 10_000)).toEqual(data);
    await expect(copyObject(newObjectKey(user), newObjectKey(user))).rejects.toThrow(/not exist/);
  });

  it("copies large objects part by part", async () => {
    const source = newObjectKey(user);
    const copy = newObjectKey(user);
    const data = bytes(11 * MiB + 7);
    await putDirect(source, data, "application/zip");
    await copyInParts(
      { key: source, size: data.byteLength, contentType: "application/zip" },
      copy,
      5 * MiB,
    );
    expect(await headObject(copy)).toMatchObject({
      size: data.byteLength,
      contentType: "application/zip",
    });
    const stream = await getObjectStream(copy);
    expect(Buffer.from(await readAll(stream!.body)).equals(Buffer.from(data))).toBe(true);
  });

  it("reads the first bytes for previews", async () => {
    const key = newObjectKey(user);
    await putDirect(key, "hello, world", "text/plain");
    expect(new TextDecoder().decode((await getRange(key, 5)) ?? undefined)).toBe("hello");
    expect(new TextDecoder().decode((await getRange(key, 1000)) ?? undefined)).toBe("hello, world");
    const empty = newObjectKey(user);
    await putDirect(empty, "", "text/plain");
    expect(await getRange(empty, 100)).toEqual(new Uint8Array());
    expect(await getRange(newObjectKey(user), 100)).toBeNull();
    await expect(getRange(key, 0)).rejects.toThrow(RangeError);
  });

  it("streams whole objects and ranges", async () => {
    const key = newObjectKey(user);
    await putDirect(key, "0123456789", "text/plain");
    const whole = await getObjectStream(key);
    expect(whole).toMatchObject({ contentLength: 10, contentType: "text/plain" });
    expect(new TextDecoder().decode(await readAll(whole!.body))).toBe("0123456789");
    const part = await getObjectStream(key, { range: "bytes=2-4" });
    expect(part).toMatchObject({ contentLength: 3, contentRange: "bytes 2-4/10" });
    expect(new TextDecoder().decode(await readAll(part!.body))).toBe("234");
    expect(await getObjectStream(newObjectKey(user))).toBeNull();
  });

  it("deletes one and many objects; missing ones are fine", async () => {
    const keys = [newObjectKey(user), newObjectKey(user), newObjectKey(user)];
    await Promise.all(keys.map((k) => putDirect(k, "x")));
    await deleteObject(keys[0]!);
    expect(await headObject(keys[0]!)).toBeNull();
    await deleteObject(keys[0]!);
    // More than one DeleteObjects request holds.
    const missing = Array.from({ length: 1000 }, () => newObjectKey(user));
    await deleteObjects([...missing, ...keys]);
    for (const k of keys) expect(await headObject(k)).toBeNull();
    await deleteObjects([]);
  });

  it("deletes everything under a prefix, across pages, and nothing else", async () => {
    const mine = Array.from({ length: 7 }, (_, i) =>
      i % 2 ? newObjectKey(leaving) : `${newObjectKey(leaving)}/thumb`,
    );
    const theirs = [newObjectKey(neighbour), newObjectKey(neighbour)];
    await Promise.all([...mine, ...theirs].map((k) => putDirect(k, "x")));
    expect(await listAll(userPrefix(leaving))).toEqual([...mine].sort());
    const pages = [];
    for await (const page of listPrefixPages(userPrefix(leaving), 3)) pages.push(page.length);
    expect(pages).toEqual([3, 3, 1]);

    expect(await deletePrefix(userPrefix(leaving), 2)).toBe(7);
    expect(await listAll(userPrefix(leaving))).toEqual([]);
    expect(await listAll(userPrefix(neighbour))).toEqual([...theirs].sort());
    expect(await deletePrefix(userPrefix(leaving))).toBe(0);
  });

  it("refuses prefixes that are not folder paths", async () => {
    for (const bad of ["", "/", "users", `users/${user}`, "users//", "/users/"]) {
      await expect(deletePrefix(bad), bad).rejects.toThrow(/refusing/);
    }
  });
});
