import { afterEach, describe, expect, it } from "vitest";
import type { TrackerQuery } from "../types";
import { until } from "./testing/wait";
import { startXStandIn, type XStandIn } from "./testing/x-stand-in";
import type { SourceEvent, SourceStatus } from "./types";
import { buildXRules, createXSource, parseXLine, ruleTag } from "./x";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const query = (q: Partial<TrackerQuery>): TrackerQuery => ({
  keywords: [],
  hashtags: [],
  languages: [],
  ...q,
});

async function standIn(): Promise<XStandIn> {
  const s = await startXStandIn();
  cleanups.push(s.close);
  return s;
}

const FAST = {
  networkBaseMs: 20,
  networkMaxMs: 100,
  httpBaseMs: 20,
  httpMaxMs: 100,
  rateLimitBaseMs: 20,
  rateLimitMaxMs: 100,
  stallMs: 500,
};

function collect(s: XStandIn, q: Partial<TrackerQuery>, extra: { backfillMinutes?: number } = {}) {
  const events: SourceEvent[] = [];
  const statuses: (SourceStatus & { at: number })[] = [];
  const logs: string[] = [];
  const source = createXSource({
    apiUrl: s.url,
    token: s.token,
    trackerId: "trk1",
    query: query(q),
    onEvent: (e) => events.push(e),
    onStatus: (st) => statuses.push({ ...st, at: Date.now() }),
    log: (l) => logs.push(l),
    timing: FAST,
    ...extra,
  });
  source.start();
  cleanups.push(() => source.stop());
  const posts = () => events.flatMap((e) => (e.post ? [e.post] : []));
  return { source, events, posts, statuses, logs };
}

describe("buildXRules", () => {
  it("ORs keywords (phrases quoted) and hashtags, adds languages and drops retweets", () => {
    expect(
      buildXRules(
        "t1",
        query({
          keywords: ["rust", "climate change", "or"],
          hashtags: ["#Go"],
          languages: ["en", "pt-BR"],
        }),
      ),
    ).toEqual([
      {
        value: '(rust OR "climate change" OR "or" OR #go) (lang:en OR lang:pt) -is:retweet',
        tag: "stratus:t1",
      },
    ]);
    expect(buildXRules("t1", query({}))).toEqual([]);
  });

  it("splits long queries into rules of at most 512 characters", () => {
    const keywords = Array.from({ length: 80 }, (_, i) => `keyword${i}`);
    const rules = buildXRules("t1", query({ keywords }));
    expect(rules.length).toBeGreaterThan(1);
    for (const r of rules) expect(r.value.length).toBeLessThanOrEqual(512);
    const all = rules.flatMap((r) => r.value.match(/keyword\d+/g) ?? []);
    expect(all).toEqual(keywords);
  });
});

describe("parseXLine", () => {
  it("reads a post addressed to this tracker's rules only", () => {
    const line = {
      data: {
        id: "1860000000000000000",
        text: "hi",
        created_at: "2026-11-26T10:00:00.000Z",
        lang: "und",
        author_id: "42",
      },
      matching_rules: [{ id: "9", tag: ruleTag("a") }],
    };
    expect(parseXLine(line, ruleTag("a"))).toEqual({
      source: "x",
      id: "1860000000000000000",
      text: "hi",
      createdAt: "2026-11-26T10:00:00.000Z",
      author: "42",
      url: "https://x.com/i/web/status/1860000000000000000",
    });
    expect(parseXLine(line, ruleTag("b"))).toBeNull();
  });
});

describe("X source against the stand-in", () => {
  it("syncs its rules, leaving other rules alone, and streams matching posts past keep-alives", async () => {
    const s = await standIn();
    s.addRule({ value: "someone else", tag: "other-app" });
    s.addRule({ value: "(stale) -is:retweet", tag: ruleTag("trk1") });
    const { posts, events } = collect(s, { keywords: ["rust"], languages: ["en"] });
    await until("the stream", () => s.clients() === 1);
    expect(s.rules.map((r) => [r.value, r.tag])).toEqual([
      ["someone else", "other-app"],
      ["(rust) (lang:en) -is:retweet", ruleTag("trk1")],
    ]);
    await new Promise((r) => setTimeout(r, 250)); // a few keep-alives
    const a = s.tweet({ text: "Rust 2026 is out" });
    s.tweet({ text: "rust auf Deutsch", lang: "de" });
    s.tweet({ text: "someone else said this" });
    await until("the post", () => posts().length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(posts().map((p) => p.id)).toEqual([a.id]);
    expect(events.at(-1)?.cursor).toBe(a.id);
  });

  it("reconnects after a dropped connection, a stall and an operational disconnect", async () => {
    const s = await standIn();
    const { posts, logs } = collect(s, { keywords: ["rust"] });
    await until("the stream", () => s.clients() === 1);
    s.dropAll();
    await until("reconnect 1", () => s.streamRequests.length === 2 && s.clients() === 1);
    s.stall();
    await until("the stall to be noticed", () =>
      logs.some((l) => l.includes("no data or keep-alive")),
    );
    await until("reconnect 2", () => s.streamRequests.length === 3 && s.clients() === 1);
    s.operationalDisconnect();
    await until("reconnect 3", () => s.streamRequests.length === 4 && s.clients() === 1);
    expect(logs.some((l) => l.includes("operational-disconnect"))).toBe(true);
    const t = s.tweet({ text: "rust after all that" });
    await until("the post", () => posts().some((p) => p.id === t.id));
  });

  it("waits for x-rate-limit-reset after a 429", async () => {
    const s = await standIn();
    s.rateLimitNext(2);
    const { statuses } = collect(s, { keywords: ["rust"] });
    await until("the stream", () => s.clients() === 1, 10_000);
    const waiting = statuses.find((st) => st.state === "waiting");
    expect(waiting).toMatchObject({ reason: "rate limited" });
    const ms = (waiting as { ms: number }).ms;
    expect(ms).toBeGreaterThan(1_000); // far beyond the 20 ms test backoff: the header won
    expect(ms).toBeLessThanOrEqual(4_000);
  });

  it("asks for backfill on a reconnect, recovering what was posted meanwhile", async () => {
    const s = await standIn();
    const { posts } = collect(s, { keywords: ["rust"] }, { backfillMinutes: 2 });
    await until("the stream", () => s.clients() === 1);
    expect(s.streamRequests[0]).not.toContain("backfill_minutes");
    const before = s.tweet({ text: "rust one" });
    await until("the first post", () => posts().length === 1);
    s.dropAll();
    const missed = s.tweet({ text: "rust while away" });
    await until("the reconnect", () => s.streamRequests.length === 2 && s.clients() === 1);
    expect(s.streamRequests[1]).toContain("backfill_minutes=2");
    await until("the backfill", () => posts().some((p) => p.id === missed.id));
    // Backfill resends what was already seen; the consumer stores it once (idempotent ids).
    expect(new Set(posts().map((p) => p.id))).toEqual(new Set([before.id, missed.id]));
  });
});
