import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { userPrefix } from "@/lib/storage/keys";
import { deletePrefix } from "@/lib/storage/objects";
import { POST as start } from "./route";
import { DELETE as abort, GET as status } from "./[uploadId]/route";
import { POST as parts } from "./[uploadId]/parts/route";
import { POST as complete } from "./[uploadId]/complete/route";
import { session } from "@/lib/auth/testing/session-stub";

// The handlers over real MariaDB and the real store; only the session is stubbed.

vi.mock("@/lib/auth/session", () => import("@/lib/auth/testing/session-stub"));

const users: string[] = [];
async function newUser(): Promise<string> {
  const user = await db.user.create({
    data: { email: `rt-${randomUUID().slice(0, 12)}@routes.test`, name: "R", passwordHash: "x" },
  });
  users.push(user.id);
  return user.id;
}
afterAll(async () => {
  for (const id of users) await deletePrefix(userPrefix(id));
  await db.user.deleteMany({ where: { id: { in: users } } });
});
beforeEach(() => {
  session.user = null;
});

const json = (body: unknown) =>
  new Request("http://app.test/api/drive/uploads", {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
const ctx = (uploadId: string) => ({ params: Promise.resolve({ uploadId }) });

describe("upload routes", () => {
  it("answer 401 without a session, before reading anything", async () => {
    const res = await start(json({ name: "a.txt", size: 1 }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "Your session has ended. Sign in again." });
    const id = "c".repeat(25);
    for (const r of [
      await status(new Request("http://app.test"), ctx(id)),
      await abort(new Request("http://app.test"), ctx(id)),
      await parts(json({ partNumbers: [1] }), ctx(id)),
      await complete(json({}), ctx(id)),
    ]) {
      expect(r.status).toBe(401);
    }
  });

  it("start → PUT → complete, with JSON bodies and field errors", async () => {
    session.user = { id: await newUser() };
    const bad = await start(json({ name: "", size: -1 }));
    expect(bad.status).toBe(400);
    const badBody = await bad.json();
    expect(badBody.errors).toMatchObject({ name: ["Enter a name"], size: expect.any(Array) });
    expect((await start(json("{not json"))).status).toBe(400);

    const res = await start(json({ name: "hello.txt", size: 5, contentType: "text/plain" }));
    expect(res.status).toBe(201);
    const started = await res.json();
    expect(started).toMatchObject({ mode: "single", headers: { "Content-Type": "text/plain" } });
    const put = await fetch(started.url, {
      method: "PUT",
      body: "hello",
      headers: started.headers,
    });
    expect(put.status).toBe(200);

    const st = await status(new Request("http://app.test"), ctx(started.uploadId));
    expect(await st.json()).toMatchObject({ mode: "single", uploaded: true, size: 5 });

    const done = await complete(
      new Request("http://app.test", { method: "POST" }),
      ctx(started.uploadId),
    );
    expect(done.status).toBe(200);
    expect((await done.json()).file).toMatchObject({ name: "hello.txt", size: 5 });
  });

  it("answer 404 for malformed or foreign ids, and 413 with the space left", async () => {
    const owner = await newUser();
    session.user = { id: owner };
    const started = await (await start(json({ name: "mine.bin", size: 3 }))).json();
    session.user = { id: await newUser() };
    for (const id of [started.uploadId, "../../etc", "x"]) {
      const r = await status(new Request("http://app.test"), ctx(id));
      expect(r.status).toBe(404);
      expect((await abort(new Request("http://app.test"), ctx(id))).status).toBe(404);
    }
    expect(await db.upload.count({ where: { id: started.uploadId } })).toBe(1);

    const huge = await start(json({ name: "huge.bin", size: 6 * 1024 ** 3 }));
    expect(huge.status).toBe(413);
    expect((await huge.json()).message).toMatch(/^Not enough space for “huge.bin”: it is 6 GB/);

    session.user = { id: owner };
    const aborted = await abort(new Request("http://app.test"), ctx(started.uploadId));
    expect(aborted.status).toBe(204);
    expect(await db.upload.count({ where: { id: started.uploadId } })).toBe(0);
  });

  it("parts: validates the batch and signs URLs for a multipart upload", async () => {
    session.user = { id: await newUser() };
    const started = await (await start(json({ name: "big.bin", size: 40 * 1024 ** 2 }))).json();
    expect(started).toMatchObject({ mode: "multipart", partCount: 3 });
    const bad = await parts(json({ partNumbers: [1, 1] }), ctx(started.uploadId));
    expect(bad.status).toBe(400);
    const ok = await parts(json({ partNumbers: [1, 3] }), ctx(started.uploadId));
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body.urls.map((u: { partNumber: number }) => u.partNumber)).toEqual([1, 3]);
    expect(body.urls[0].url).toMatch(/partNumber=1&/);
    const incomplete = await complete(json({}), ctx(started.uploadId));
    expect(incomplete.status).toBe(409);
    expect((await incomplete.json()).errors).toEqual({ parts: ["1", "2", "3"] });
    await abort(new Request("http://app.test"), ctx(started.uploadId));
  });
});
