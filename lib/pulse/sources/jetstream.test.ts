import { afterEach, describe, expect, it } from "vitest";
import { compileMatcher } from "../match";
import type { IncomingPost } from "../types";
import { createJetstreamSource, parseJetstreamPost } from "./jetstream";
import { startJetstreamStandIn, type JetstreamStandIn } from "./testing/jetstream-stand-in";
import { until } from "./testing/wait";
import type { Source, SourceEvent } from "./types";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function standIn(): Promise<JetstreamStandIn> {
  const s = await startJetstreamStandIn();
  cleanups.push(s.close);
  return s;
}

function collect(url: string, cursor?: string) {
  const events: SourceEvent[] = [];
  const source: Source = createJetstreamSource({
    url,
    cursor,
    onEvent: (e) => events.push(e),
    backoff: { baseMs: 20, maxMs: 100 },
  });
  source.start();
  cleanups.push(() => source.stop());
  const posts = () => events.flatMap((e) => (e.post ? [e.post] : []));
  return { source, events, posts };
}

describe("parseJetstreamPost", () => {
  it("reads a create commit on app.bsky.feed.post as a post", () => {
    const post = parseJetstreamPost({
      did: "did:plc:abc",
      time_us: 1725911162329308,
      kind: "commit",
      commit: {
        operation: "create",
        collection: "app.bsky.feed.post",
        rkey: "3l3qo2vuowo2b",
        record: { text: "Hello #Bluesky", createdAt: "2024-09-09T19:46:02.102Z", langs: ["en"] },
      },
    });
    expect(post).toEqual({
      source: "jetstream",
      id: "at://did:plc:abc/app.bsky.feed.post/3l3qo2vuowo2b",
      text: "Hello #Bluesky",
      createdAt: "2024-09-09T19:46:02.102Z",
      author: "did:plc:abc",
      lang: "en",
      url: "https://bsky.app/profile/did:plc:abc/post/3l3qo2vuowo2b",
    });
  });

  it("keeps every language tag as a hint", () => {
    const post = parseJetstreamPost({
      did: "did:plc:abc",
      time_us: 1725911162329308,
      kind: "commit",
      commit: {
        operation: "create",
        collection: "app.bsky.feed.post",
        rkey: "k",
        record: { text: "こんにちは", langs: ["ja", "en", 3] },
      },
    });
    expect(post).toMatchObject({ lang: "ja", langs: ["ja", "en"] });
  });

  it("falls back to time_us for a missing or future createdAt", () => {
    const base = {
      did: "did:plc:abc",
      time_us: 1725911162329308,
      kind: "commit",
      commit: { operation: "create", collection: "app.bsky.feed.post", rkey: "k" },
    };
    for (const createdAt of [undefined, "soon", "2999-01-01T00:00:00Z"]) {
      const post = parseJetstreamPost({
        ...base,
        commit: { ...base.commit, record: { text: "x", createdAt } },
      });
      expect(post?.createdAt).toBe("2024-09-09T19:46:02.329Z");
    }
  });

  it("ignores deletes, other collections and non-commit events", () => {
    const commit = { collection: "app.bsky.feed.post", rkey: "k", record: { text: "x" } };
    expect(
      parseJetstreamPost({ did: "d", kind: "commit", commit: { ...commit, operation: "delete" } }),
    ).toBeNull();
    expect(
      parseJetstreamPost({
        did: "d",
        kind: "commit",
        commit: { ...commit, operation: "create", collection: "app.bsky.feed.like" },
      }),
    ).toBeNull();
    expect(parseJetstreamPost({ did: "d", kind: "identity" })).toBeNull();
  });
});

describe("Jetstream source against the stand-in", () => {
  it("delivers posts in order with their time_us cursors, skipping other traffic", async () => {
    const s = await standIn();
    const { events, posts } = collect(s.url);
    await until("the subscription", () => s.clients() === 1);
    const a = s.post({ text: "Rust is great", langs: ["en"] });
    s.like();
    s.identity();
    s.deletePost(a.uri);
    const b = s.post({ text: "Ich mag Rust", langs: ["de"] });
    await until("both posts", () => posts().length === 2);
    // The like is filtered out by wantedCollections; the identity event and the delete only
    // move the cursor.
    await until("the cursor events", () => events.length === 4);
    expect(posts().map((p) => p.id)).toEqual([a.uri, b.uri]);
    expect(events.at(-1)?.cursor).toBe(String(b.timeUs));
    expect(events[0]).toMatchObject({ cursor: String(a.timeUs) });
    expect(s.connections).toEqual([undefined]);

    const english = compileMatcher({ keywords: ["rust"], hashtags: [], languages: ["en"] });
    expect(
      posts()
        .filter(english)
        .map((p) => p.text),
    ).toEqual(["Rust is great"]);
  });

  it("reconnects after the server drops it and resumes from its cursor without loss or duplicates", async () => {
    const s = await standIn();
    const { posts } = collect(s.url);
    await until("the subscription", () => s.clients() === 1);
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push(s.post({ text: `before ${i}` }).uri);
    await until("the first posts", () => posts().length === 5);
    const lastSeen = s.post({ text: "last before the drop" });
    sent.push(lastSeen.uri);
    await until("the sixth post", () => posts().length === 6);

    s.dropAll();
    // Posted while the listener is away: only a cursor replay brings these back.
    for (let i = 0; i < 5; i++) sent.push(s.post({ text: `during ${i}` }).uri);
    await until("the reconnect", () => s.connections.length === 2 && s.clients() === 1);
    for (let i = 0; i < 3; i++) sent.push(s.post({ text: `after ${i}` }).uri);
    await until("every post", () => posts().length >= sent.length);
    await new Promise((r) => setTimeout(r, 100));

    expect(s.connections[1]).toBe(lastSeen.timeUs);
    expect(posts().map((p) => p.id)).toEqual(sent);
  });

  it("keeps retrying with backoff while the server is away", async () => {
    const s = await standIn();
    const url = s.url;
    await s.close();
    const statuses: string[] = [];
    const source = createJetstreamSource({
      url,
      onEvent: () => {},
      onStatus: (st) => statuses.push(st.state),
      backoff: { baseMs: 10, maxMs: 40 },
    });
    source.start();
    cleanups.push(() => source.stop());
    await until("three attempts", () => statuses.filter((x) => x === "connecting").length >= 3);
    await source.stop();
    expect(statuses.at(-1)).toBe("stopped");
  });

  it("starts after a stored cursor: a restart replays exactly what came after it", async () => {
    const s = await standIn();
    const first = collect(s.url);
    await until("the subscription", () => s.clients() === 1);
    const all = Array.from({ length: 6 }, (_, i) => s.post({ text: `post ${i}` }));
    await until("all posts", () => first.posts().length === 6);
    await first.source.stop();

    const stored = all[2]!.timeUs; // what a listener had persisted before it died
    const more = s.post({ text: "while restarting" });
    const second = collect(s.url, String(stored));
    await until("the replay", () => second.posts().length === 4);
    await new Promise((r) => setTimeout(r, 100));
    expect(s.connections.at(-1)).toBe(stored);
    expect(second.posts().map((p: IncomingPost) => p.id)).toEqual([
      ...all.slice(3).map((p) => p.uri),
      more.uri,
    ]);
  });
});
