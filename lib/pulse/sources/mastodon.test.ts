import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSocketServer } from "ws";
import { UnsafeUrlError } from "@/lib/net/safe-dial";
import { createMastodonSource, htmlToText, parseMastodonStatus } from "./mastodon";
import { startMastodonStandIn, type MastodonStandIn } from "./testing/mastodon-stand-in";
import { until } from "./testing/wait";
import type { SourceEvent } from "./types";
import type { TrackerQuery } from "../types";

// The stand-ins listen on loopback, which only this setting lets the source reach.
vi.stubEnv("PULSE_ALLOW_LOOPBACK_HOSTS", "1");

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function standIn(): Promise<MastodonStandIn> {
  const s = await startMastodonStandIn();
  cleanups.push(s.close);
  return s;
}

function collect(
  s: MastodonStandIn,
  query: Partial<TrackerQuery>,
  cursor?: string,
  token?: string,
) {
  const events: SourceEvent[] = [];
  const logs: string[] = [];
  const source = createMastodonSource({
    instance: s.url,
    token: token ?? s.token,
    query: { keywords: [], hashtags: [], languages: [], ...query },
    cursor,
    onEvent: (e) => events.push(e),
    log: (l) => logs.push(l),
    backoff: { baseMs: 20, maxMs: 100 },
  });
  source.start();
  cleanups.push(() => source.stop());
  const posts = () => events.flatMap((e) => (e.post ? [e.post] : []));
  const cursorNow = () => events.filter((e) => e.cursor).at(-1)?.cursor;
  return { source, events, posts, cursorNow, logs };
}

describe("parseMastodonStatus", () => {
  it("turns status HTML into text and keeps uri, author, language and url", () => {
    expect(
      htmlToText(
        '<p>Hello <a href="x">#<span>Rust</span></a> &amp; friends</p><p>line<br/>two &#x1F600;</p>',
      ),
    ).toBe("Hello #Rust & friends\n\nline\ntwo 😀");
    const post = parseMastodonStatus({
      id: "113",
      uri: "https://h/users/a/statuses/113",
      url: "https://h/@a/113",
      created_at: "2026-11-26T10:00:00.000Z",
      content: "<p>hi</p>",
      spoiler_text: "cw",
      language: "en",
      account: { acct: "a@h" },
    });
    expect(post).toEqual({
      source: "mastodon",
      id: "https://h/users/a/statuses/113",
      text: "cw\n\nhi",
      createdAt: "2026-11-26T10:00:00.000Z",
      author: "a@h",
      lang: "en",
      url: "https://h/@a/113",
    });
    expect(parseMastodonStatus({ id: "1", content: "x", reblog: { id: "2" } })).toBeNull();
  });
});

describe("Mastodon source against the stand-in", () => {
  it("subscribes to each hashtag (and public for keywords) with the token, and streams updates", async () => {
    const s = await standIn();
    const { posts, cursorNow } = collect(s, { hashtags: ["Rust"], keywords: ["ferris"] });
    await until("the subscriptions", () => s.subscriptions[0]?.length === 2);
    expect(s.subscriptions[0]).toEqual(["hashtag:rust", "public"]);
    const a = s.publish({ html: "<p>I like <b>#rust</b></p>", tags: ["rust"] });
    const boost = s.publish({ html: "<p>boosted #rust</p>", tags: ["rust"], reblog: true });
    await until("the post", () => posts().length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    // The public stream and the hashtag stream both carry it: handed on once.
    expect(posts()).toHaveLength(1);
    expect(posts()[0]).toMatchObject({ id: a.uri, text: "I like #rust", lang: "en" });
    // The boost is no post of its own, but the stream got past it.
    expect(cursorNow()).toBe(boost.id);
  });

  it("keeps retrying with a refused token and never connects", async () => {
    const s = await standIn();
    const { logs } = collect(s, { hashtags: ["rust"] }, undefined, "wrong");
    await until("several refusals", () => logs.filter((l) => l.includes("401")).length >= 2);
    expect(s.clients()).toBe(0);
  });

  it("after a dropped connection, fetches what it missed from the timeline: no loss, no duplicates", async () => {
    const s = await standIn();
    const { posts, cursorNow } = collect(s, { hashtags: ["rust"] });
    await until("the connection", () => s.clients() === 1 && s.subscriptions[0]?.length === 1);
    const sent = [s.publish({ html: "one #rust", tags: ["rust"] })];
    await until("the first post", () => posts().length === 1);
    s.dropAll();
    // 45 statuses while away: more than one page of 40.
    for (let i = 0; i < 45; i++)
      sent.push(s.publish({ html: `missed ${i} #rust`, tags: ["rust"] }));
    s.publish({ html: "other tag", tags: ["go"] });
    await until("the reconnect", () => s.subscriptions.length === 2 && s.clients() === 1);
    await until("the catch-up", () => posts().length === 46);
    sent.push(s.publish({ html: "live again #rust", tags: ["rust"] }));
    await until("the live post", () => posts().length === 47);
    await new Promise((r) => setTimeout(r, 100));
    expect(posts().map((p) => p.id)).toEqual(sent.map((x) => x.uri));
    expect(cursorNow()).toBe(sent.at(-1)!.id);
    expect(s.timelineCalls[0]).toBe(`/api/v1/timelines/tag/rust?min_id=${sent[0]!.id}&limit=40`);
  });

  it("resumes after a stored status id", async () => {
    const s = await standIn();
    const old = Array.from({ length: 5 }, (_, i) =>
      s.publish({ html: `p${i} #rust`, tags: ["rust"] }),
    );
    const { posts } = collect(s, { hashtags: ["rust"] }, old[1]!.id);
    await until("the catch-up", () => posts().length === 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(posts().map((p) => p.id)).toEqual(old.slice(2).map((x) => x.uri));
  });
});

// A hostile instance (issue 14, item 5): it names a streaming server elsewhere, redirects its API
// to another host, or sends a message larger than any status. `elsewhere` is the other host: it
// must never see a request, let alone the token.
async function hostile(behaviour: {
  streaming?: (other: number) => string;
  redirect?: boolean;
  huge?: boolean;
}) {
  const seen = { elsewhere: 0, upgrades: [] as string[], requests: [] as string[] };
  const other = http.createServer((_req, res) => res.writeHead(404).end());
  other.on("connection", () => seen.elsewhere++);
  await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
  const otherPort = (other.address() as AddressInfo).port;
  const server = http.createServer((req, res) => {
    seen.requests.push(req.url ?? "");
    if (req.url === "/api/v2/instance") {
      if (behaviour.redirect)
        return res
          .writeHead(302, { location: `http://127.0.0.1:${otherPort}/api/v2/instance` })
          .end();
      const streaming = behaviour.streaming?.(otherPort);
      return res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ configuration: { urls: { streaming } } }));
    }
    res.writeHead(200, { "content-type": "application/json" }).end("[]");
  });
  const wss = new WebSocketServer({ server });
  wss.on("connection", (ws, req) => {
    seen.upgrades.push(req.headers.authorization ?? "");
    if (behaviour.huge) ws.send(JSON.stringify({ event: "update", payload: "x".repeat(1 << 20) }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  cleanups.push(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => other.close(() => r()));
  });
  return { url: `http://localhost:${port}`, port, seen };
}

function start(instance: string, token = "bearer-secret") {
  const logs: string[] = [];
  const events: SourceEvent[] = [];
  const source = createMastodonSource({
    instance,
    token,
    query: { keywords: [], hashtags: ["rust"], languages: [] },
    onEvent: (e) => events.push(e),
    log: (l) => logs.push(l),
    backoff: { baseMs: 20, maxMs: 100 },
  });
  source.start();
  cleanups.push(() => source.stop());
  return { logs, events };
}

describe("Mastodon source against a hostile instance", () => {
  it("refuses loopback, private, link-local and metadata instances without the test setting", async () => {
    const h = await hostile({});
    vi.stubEnv("PULSE_ALLOW_LOOPBACK_HOSTS", "");
    try {
      for (const instance of [
        `https://127.0.0.1:${h.port}`,
        `http://127.0.0.1:${h.port}`,
        `https://localhost:${h.port}`,
        `https://[::1]:${h.port}`,
        "https://10.0.0.8",
        "https://169.254.169.254",
      ])
        expect(() => start(instance), instance).toThrow(UnsafeUrlError);
    } finally {
      vi.stubEnv("PULSE_ALLOW_LOOPBACK_HOSTS", "1");
    }
    expect(h.seen.requests).toEqual([]);
    expect(h.seen.upgrades).toEqual([]);
  });

  it("sends the token only to a streaming URL on the instance's own host", async () => {
    const h = await hostile({ streaming: (other) => `ws://127.0.0.1:${other}` });
    const { logs } = start(h.url);
    await until("the stream on the instance itself", () => h.seen.upgrades.length >= 1);
    expect(h.seen.upgrades[0]).toBe("Bearer bearer-secret");
    expect(logs.some((l) => l.includes("ignored the streaming URL"))).toBe(true);
    expect(h.seen.elsewhere).toBe(0);
  });

  it("does not follow its API to another host", async () => {
    const h = await hostile({ redirect: true });
    start(h.url);
    await until("the stream on the instance itself", () => h.seen.upgrades.length >= 1);
    expect(h.seen.elsewhere).toBe(0);
  });

  it("closes a stream that sends a message larger than any status, and reconnects", async () => {
    const h = await hostile({ huge: true });
    const { logs, events } = start(h.url);
    await until("a reconnect", () => h.seen.upgrades.length >= 2);
    expect(logs.some((l) => /max payload|1009|too big/i.test(l))).toBe(true);
    expect(events).toEqual([]);
  });
});
