import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { removeUsers } from "@/lib/drive/test-helpers";
import { startAppExecutor, stubAppClientEnv } from "@/lib/executor/testing/app-rig";
import { resetExecutorTables, testClient, testKeys } from "@/lib/executor/testing/harness";
import { makeTestTracker } from "@/lib/pulse/testing/tracker";
import type { IncomingPost } from "@/lib/pulse/types";

// The consumer driven by the real executor over HTTP against the real database: a known batch
// gives exact aggregates, and replaying it (or a batch that overlaps it) counts nothing twice.

const keys = testKeys();
await stubAppClientEnv(keys);
const { inngest } = await import("@/lib/events/client");
const { pulsePostsReceived } = await import("@/lib/events/events");
const { pulseConsume } = await import("./pulse-consume");
const { eventSender } = await import("@/lib/pulse/listener/send");

const users: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
beforeEach(resetExecutorTables);
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await removeUsers(...users);
  vi.unstubAllEnvs();
});

const newTracker = (scorer = "wink") => makeTestTracker(users, scorer);

async function runs(n: number) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = (await db.$queryRawUnsafe(
      "SELECT status, output FROM ExecRun WHERE functionId = 'stratus-pulse-consume' ORDER BY createdAt",
    )) as { status: string; output: string | null }[];
    const done = rows.filter((r) => !["queued", "running"].includes(r.status));
    if (done.length >= n)
      return done.map((r) => ({ ...r, output: JSON.parse(r.output ?? "null") }));
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} consumer runs`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const T0 = Date.UTC(2026, 10, 26, 9, 30, 0);
const post = (id: string, text: string, atMs: number, lang?: string): IncomingPost => ({
  source: "jetstream",
  id: `at://did:plc:test/app.bsky.feed.post/${id}`,
  text,
  createdAt: new Date(atMs).toISOString(),
  author: "someone.bsky.social",
  ...(lang ? { lang } : {}),
});

const batch: IncomingPost[] = [
  post("a", "I love this wonderful #Climate plan", T0 + 5_000, "en"),
  post("b", "Great news for the climate, happy today #climate #solar", T0 + 20_000),
  post("c", "This climate policy is terrible and awful", T0 + 40_000, "en"),
  post("d", "The climate report was published on Tuesday", T0 + 65_000, "en"),
  post("e", "Das Klima ist schrecklich #climate", T0 + 70_000, "de"),
  // The same post twice in one batch counts once.
  post("a", "I love this wonderful #Climate plan", T0 + 5_000, "en"),
];

const aggregates = (trackerId: string) =>
  db.pulseAggregate.findMany({
    where: { trackerId },
    orderBy: { minute: "asc" },
    select: {
      minute: true,
      count: true,
      positive: true,
      negative: true,
      neutral: true,
      unscored: true,
      scoreSum: true,
    },
  });

describe("pulse-consume", () => {
  it("stores a batch once and aggregates it per minute, idempotent on replay", async () => {
    const rig = await startAppExecutor(inngest, [pulseConsume], keys);
    cleanups.push(rig.stop);
    const sender = testClient(keys, rig.eventPort, "stratus");
    const tracker = await newTracker();

    await sender.send(pulsePostsReceived.create({ trackerId: tracker.id, posts: batch }));
    const [first] = await runs(1);
    expect(first).toMatchObject({ status: "completed", output: { stored: 5, duplicates: 1 } });

    const posts = await db.pulsePost.findMany({
      where: { trackerId: tracker.id },
      orderBy: { postedAt: "asc" },
      select: { label: true, score: true, hashtags: true, lang: true },
    });
    expect(posts.map((p) => p.label)).toEqual([
      "positive",
      "positive",
      "negative",
      "neutral",
      "unscored",
    ]);
    expect(posts[4]).toMatchObject({ score: null, lang: "de" });
    expect(posts[1]?.hashtags).toBe(" climate solar ");
    const sum = (from: number, to: number) =>
      posts.slice(from, to).reduce((s, p) => s + (p.score ?? 0), 0);

    const before = await aggregates(tracker.id);
    expect(before).toEqual([
      {
        minute: new Date(T0),
        count: 3,
        positive: 2,
        negative: 1,
        neutral: 0,
        unscored: 0,
        scoreSum: expect.closeTo(sum(0, 3), 6),
      },
      {
        minute: new Date(T0 + 60_000),
        count: 2,
        positive: 0,
        negative: 0,
        neutral: 1,
        unscored: 1,
        scoreSum: 0,
      },
    ]);
    // Per minute and language: the German post is counted (unscored) under "de".
    const languages = () =>
      db.pulseLanguageCount.findMany({
        where: { trackerId: tracker.id },
        orderBy: [{ minute: "asc" }, { language: "asc" }],
        select: { minute: true, language: true, count: true, unscored: true, positive: true },
      });
    const languagesBefore = await languages();
    expect(languagesBefore).toEqual([
      { minute: new Date(T0), language: "en", count: 3, unscored: 0, positive: 2 },
      { minute: new Date(T0 + 60_000), language: "de", count: 1, unscored: 1, positive: 0 },
      { minute: new Date(T0 + 60_000), language: "en", count: 1, unscored: 0, positive: 0 },
    ]);
    const tags = await db.pulseTermCount.findMany({
      where: { trackerId: tracker.id, kind: "hashtag" },
      orderBy: [{ minute: "asc" }, { term: "asc" }],
      select: { minute: true, term: true, count: true },
    });
    expect(tags).toEqual([
      { minute: new Date(T0), term: "climate", count: 2 },
      { minute: new Date(T0), term: "solar", count: 1 },
      { minute: new Date(T0 + 60_000), term: "climate", count: 1 },
    ]);
    const terms = await db.pulseTermCount.findMany({
      where: { trackerId: tracker.id, kind: "term", term: { in: ["climate", "the", "love"] } },
      select: { term: true, count: true, minute: true },
      orderBy: [{ minute: "asc" }, { term: "asc" }],
    });
    // Stop words ("the") are not counted.
    expect(terms).toEqual([
      { minute: new Date(T0), term: "climate", count: 2 },
      { minute: new Date(T0), term: "love", count: 1 },
      { minute: new Date(T0 + 60_000), term: "climate", count: 1 },
    ]);

    // The same event again (the listener resent it after a restart): nothing changes.
    await sender.send(pulsePostsReceived.create({ trackerId: tracker.id, posts: batch }));
    const [, second] = await runs(2);
    expect(second).toMatchObject({ status: "completed", output: { stored: 0, duplicates: 6 } });
    expect(await aggregates(tracker.id)).toEqual(before);
    expect(await languages()).toEqual(languagesBefore);
    expect(await db.pulsePost.count({ where: { trackerId: tracker.id } })).toBe(5);

    // An overlapping batch counts only its new post.
    await sender.send(
      pulsePostsReceived.create({
        trackerId: tracker.id,
        posts: [batch[3]!, post("f", "Another awful climate day", T0 + 75_000, "en")],
      }),
    );
    const [, , third] = await runs(3);
    expect(third).toMatchObject({ output: { stored: 1, duplicates: 1 } });
    const after = await aggregates(tracker.id);
    expect(after[0]).toEqual(before[0]);
    expect(after[1]).toMatchObject({ count: 3, negative: 1, neutral: 1, unscored: 1 });
    expect(after[1]!.scoreSum).toBeLessThan(0);
  });

  it("takes the listener's batches by reference: the event carries the staged row's id, not the posts", async () => {
    const rig = await startAppExecutor(inngest, [pulseConsume], keys);
    cleanups.push(rig.stop);
    const sender = testClient(keys, rig.eventPort, "stratus");
    const tracker = await newTracker();
    const send = eventSender(sender);

    await send([{ trackerId: tracker.id, posts: batch }]);
    const [first] = await runs(1);
    expect(first).toMatchObject({ status: "completed", output: { stored: 5, duplicates: 1 } });
    // What crossed the event API, the executor and the SDK: a reference of a few dozen bytes.
    const events = (await db.$queryRawUnsafe(
      "SELECT payload FROM ExecEvent WHERE name = 'stratus/pulse.posts'",
    )) as { payload: string }[];
    expect(events).toHaveLength(1);
    const { data } = JSON.parse(events[0]!.payload) as { data: Record<string, unknown> };
    expect(data).toEqual({ trackerId: tracker.id, inbox: expect.any(String), count: 6 });
    expect(await db.pulseInbox.count({ where: { trackerId: tracker.id } })).toBe(0);
    const before = await aggregates(tracker.id);
    expect(before.map((a) => a.count)).toEqual([3, 2]);

    // Sent again (the listener restarted before storing its cursor), and its event replayed:
    // nothing is counted twice.
    await send([{ trackerId: tracker.id, posts: batch }]);
    await sender.send({ name: "stratus/pulse.posts", data });
    const [, second, third] = await runs(3);
    expect(second).toMatchObject({ status: "completed", output: { stored: 0, duplicates: 6 } });
    expect(third).toMatchObject({ status: "completed", output: { stored: 0, duplicates: 6 } });
    expect(await aggregates(tracker.id)).toEqual(before);
    expect(await db.pulsePost.count({ where: { trackerId: tracker.id } })).toBe(5);
  });

  it("stores a staged batch larger than an inline event may be, in one run", async () => {
    const rig = await startAppExecutor(inngest, [pulseConsume], keys);
    cleanups.push(rig.stop);
    const sender = testClient(keys, rig.eventPort, "stratus");
    const tracker = await newTracker();
    const posts = Array.from({ length: 1_500 }, (_, i) =>
      post(`big${i}`, `climate post number ${i}`, T0 + i),
    );
    await eventSender(sender)([{ trackerId: tracker.id, posts }]);
    const [run] = await runs(1);
    expect(run).toMatchObject({ status: "completed", output: { stored: 1_500, duplicates: 0 } });
    const events = (await db.$queryRawUnsafe(
      "SELECT COUNT(*) AS n FROM ExecEvent WHERE name = 'stratus/pulse.posts'",
    )) as { n: bigint }[];
    expect(Number(events[0]!.n)).toBe(1);
    expect((await aggregates(tracker.id)).reduce((n, a) => n + a.count, 0)).toBe(1_500);
  });

  it("scores with the tracker's scorer and drops batches of deleted trackers", async () => {
    const rig = await startAppExecutor(inngest, [pulseConsume], keys);
    cleanups.push(rig.stop);
    const sender = testClient(keys, rig.eventPort, "stratus");
    const wink = await newTracker("wink");
    const afinn = await newTracker("afinn");
    // Emoji count for wink-sentiment; plain AFINN ignores them.
    const text = "climate 😀😀";
    for (const t of [wink, afinn])
      await sender.send(
        pulsePostsReceived.create({ trackerId: t.id, posts: [post("x", text, T0, "en")] }),
      );
    await runs(2);
    const label = async (trackerId: string) =>
      (await db.pulsePost.findFirstOrThrow({ where: { trackerId } })).label;
    expect(await label(wink.id)).toBe("positive");
    expect(await label(afinn.id)).toBe("neutral");

    await db.pulseTracker.delete({ where: { id: wink.id } });
    await sender.send(
      pulsePostsReceived.create({ trackerId: wink.id, posts: [post("y", text, T0, "en")] }),
    );
    const [, , gone] = await runs(3);
    expect(gone).toMatchObject({ status: "completed", output: { stored: 0, trackerGone: true } });
    expect(await db.pulsePost.count({ where: { trackerId: wink.id } })).toBe(0);
  });

  it("reads each post's language from its text and scores it with the model, or says unscored", async () => {
    const rig = await startAppExecutor(inngest, [pulseConsume], keys);
    cleanups.push(rig.stop);
    const sender = testClient(keys, rig.eventPort, "stratus");
    const tracker = await newTracker("model");
    const posts = [
      // Tagged Japanese by the app, written in English.
      {
        ...post("m1", "I love the new climate plan, wonderful news", T0, "ja"),
        langs: ["ja", "en"],
      },
      post("m2", "O plano do clima é horrível, que vergonha", T0 + 1_000),
      post("m3", "気候変動の対策はとても大切です。", T0 + 2_000, "en"),
      post("m4", "😡😡😢", T0 + 3_000),
    ];
    await sender.send(pulsePostsReceived.create({ trackerId: tracker.id, posts }));
    const [run] = await runs(1);
    expect(run).toMatchObject({ status: "completed", output: { stored: 4 } });
    const rows = await db.pulsePost.findMany({
      where: { trackerId: tracker.id },
      orderBy: { postedAt: "asc" },
      select: { language: true, label: true, confidence: true, lang: true },
    });
    expect(rows.map((r) => [r.language, r.label])).toEqual([
      ["en", "positive"],
      ["pt", "negative"],
      ["ja", "unscored"],
      ["und", "negative"],
    ]);
    expect(rows[0]!.lang).toBe("ja"); // the platform's tag is kept as received
    expect(rows[0]!.confidence).toBeGreaterThan(0.5);
    expect(rows[2]!.confidence).toBeNull();
    const counts = await db.pulseLanguageCount.findMany({
      where: { trackerId: tracker.id },
      orderBy: { language: "asc" },
      select: { language: true, count: true, unscored: true, confidenceSum: true },
    });
    expect(counts.map((c) => [c.language, c.count, c.unscored])).toEqual([
      ["en", 1, 0],
      ["ja", 1, 1],
      ["pt", 1, 0],
      ["und", 1, 0],
    ]);
    expect(counts[0]!.confidenceSum).toBeCloseTo(rows[0]!.confidence!, 6);
  });
});
