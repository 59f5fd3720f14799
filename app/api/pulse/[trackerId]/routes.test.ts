import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { storeBatch } from "@/lib/pulse/consume";
import type { IncomingPost } from "@/lib/pulse/types";
import { GET as exportCsv } from "./export/route";
import { GET as posts } from "./posts/route";
import { GET as stream } from "./stream/route";
import { session } from "@/lib/auth/testing/session-stub";

// The dashboard's route handlers over the real database; only the session is stubbed.
vi.mock("@/lib/auth/session", () => import("@/lib/auth/testing/session-stub"));

const users: string[] = [];
afterAll(() => db.user.deleteMany({ where: { id: { in: users } } }));
beforeEach(() => {
  session.user = null;
});

async function newTracker() {
  const user = await db.user.create({
    data: { email: `pr-${randomUUID().slice(0, 12)}@pulse.test`, name: "P", passwordHash: "x" },
  });
  users.push(user.id);
  const tracker = await db.pulseTracker.create({
    data: {
      ownerId: user.id,
      name: "Solar, “news”",
      keywords: ["solar"],
      hashtags: [],
      languages: [],
      sources: ["jetstream"],
      scorer: "wink",
      status: "active",
    },
  });
  return { ownerId: user.id, trackerId: tracker.id };
}

const post = (id: string, text: string): IncomingPost => ({
  source: "jetstream",
  id,
  text,
  createdAt: new Date().toISOString(),
  lang: "en",
});

const ctx = (trackerId: string) => ({ params: Promise.resolve({ trackerId }) });

async function readUntil(body: ReadableStream<Uint8Array>, done: (text: string) => boolean) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + 10_000;
  while (!done(text)) {
    if (Date.now() > deadline) throw new Error(`stream never said it; got:\n${text}`);
    const { value, done: ended } = await reader.read();
    if (ended) break;
    text += decoder.decode(value);
  }
  await reader.cancel();
  return text;
}

describe("Pulse routes", () => {
  it("answer 401 without a session and 404 for another user's tracker", async () => {
    const { trackerId } = await newTracker();
    const other = await newTracker();
    const url = `http://app.test/api/pulse/${trackerId}/export?kind=posts`;
    expect((await exportCsv(new Request(url), ctx(trackerId))).status).toBe(401);
    session.user = { id: other.ownerId };
    for (const handler of [exportCsv, posts, stream])
      expect((await handler(new Request(url), ctx(trackerId))).status).toBe(404);
  });

  it("streams new aggregates and posts, and resumes from Last-Event-ID", async () => {
    const { ownerId, trackerId } = await newTracker();
    session.user = { id: ownerId };
    const since = Date.now();
    const controller = new AbortController();
    const res = await stream(
      new Request(`http://app.test/api/pulse/${trackerId}/stream?range=15m&since=${since}`, {
        signal: controller.signal,
      }),
      ctx(trackerId),
    );
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    // Not gzipped by Next's compression: a zlib flush per event on the server's threads.
    expect(res.headers.get("cache-control")).toMatch(/(^|,\s*)no-transform(,|$)/);
    await storeBatch(trackerId, [post("a", "I love solar #sun"), post("b", "solar is awful")]);
    const text = await readUntil(res.body!, (t) => t.includes("event: delta"));
    controller.abort();
    const [, id] = /id: (\d+)/.exec(text) ?? [];
    const data = JSON.parse(/data: (.*)/.exec(text.slice(text.indexOf("event: delta")))![1]!);
    expect(data.minutes).toEqual([expect.objectContaining({ count: 2, positive: 1, negative: 1 })]);
    expect(data.posts.map((p: { text: string }) => p.text).sort()).toEqual([
      "I love solar #sun",
      "solar is awful",
    ]);
    expect(data.hashtags).toEqual([{ term: "sun", count: 1 }]);

    // A reconnect with the last id gets what came after (and, within the overlap, repeats that
    // merge harmlessly: rows are absolute, posts have ids).
    await storeBatch(trackerId, [post("c", "solar again")]);
    const again = await stream(
      new Request(`http://app.test/api/pulse/${trackerId}/stream?range=15m`, {
        headers: { "last-event-id": id! },
      }),
      ctx(trackerId),
    );
    const text2 = await readUntil(again.body!, (t) => t.includes("solar again"));
    expect(text2).toContain('"count":3');
  });

  it("bounds the live streams of one user, naming the limit, and not another user's", async () => {
    const a = await newTracker();
    const b = await newTracker();
    const controller = new AbortController();
    const open = (trackerId: string) =>
      stream(
        new Request(`http://app.test/api/pulse/${trackerId}/stream?range=15m`, {
          signal: controller.signal,
        }),
        ctx(trackerId),
      );
    session.user = { id: a.ownerId };
    const held = [];
    for (let i = 0; i < 8; i++) held.push(await open(a.trackerId));
    expect(held.map((r) => r.status)).toEqual(Array(8).fill(200));
    const refused = await open(a.trackerId);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      message:
        "You already have 8 live dashboards open (the limit is 8 per user). Close a Pulse dashboard in another tab or window.",
    });
    session.user = { id: b.ownerId };
    const other = await open(b.trackerId);
    expect(other.status).toBe(200);
    // Closing one frees its place.
    await held[0]!.body!.cancel();
    session.user = { id: a.ownerId };
    const again = await open(a.trackerId);
    expect(again.status).toBe(200);
    controller.abort();
    for (const r of [...held.slice(1), other, again]) await r.body!.cancel();
  });

  it("exports posts and aggregates as CSV and filters posts by hashtag", async () => {
    const { ownerId, trackerId } = await newTracker();
    session.user = { id: ownerId };
    await storeBatch(trackerId, [
      post("a", "=cmd() solar, with a comma #sun"),
      post("b", "plain solar"),
    ]);
    const res = await exportCsv(
      new Request(`http://app.test/api/pulse/${trackerId}/export?kind=posts&range=1h`),
      ctx(trackerId),
    );
    expect(res.headers.get("content-disposition")).toContain("pulse-Solar-news-posts-1h.csv");
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.includes(`"'=cmd() solar, with a comma #sun"`))).toBe(true);
    // The platform's post ids, not Stratus's row numbers (issue 17, bug 2), and each post's language.
    expect(lines[0]).toBe(
      "id,source,posted_at_utc,author,lang,language,label,score,confidence,hashtags,text,url",
    );
    expect(
      lines
        .slice(1)
        .map((l) => l.split(",")[0])
        .sort(),
    ).toEqual(["a", "b"]);
    for (const l of lines.slice(1)) expect(l.split(",")[5]).toMatch(/^([a-z]{2}|und)$/);

    const agg = await exportCsv(
      new Request(`http://app.test/api/pulse/${trackerId}/export?kind=aggregates&range=15m`),
      ctx(trackerId),
    );
    const rows = (await agg.text()).trim().split("\r\n");
    expect(rows[0]).toBe("minute_utc,posts,positive,negative,neutral,unscored,mean_score");
    expect(rows[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z,2,/);

    const filtered = await posts(
      new Request(`http://app.test/api/pulse/${trackerId}/posts?hashtag=%23Sun`),
      ctx(trackerId),
    );
    const body = (await filtered.json()) as { posts: { text: string }[] };
    expect(body.posts.map((p) => p.text)).toEqual(["=cmd() solar, with a comma #sun"]);
    const bad = await posts(
      new Request(`http://app.test/api/pulse/${trackerId}/posts?label=angry`),
      ctx(trackerId),
    );
    expect(bad.status).toBe(400);
  });
});
