import { afterEach, describe, expect, it } from "vitest";
import { createMastodonSource, htmlToText, parseMastodonStatus } from "./mastodon";
import { startMastodonStandIn, type MastodonStandIn } from "./testing/mastodon-stand-in";
import { until } from "./testing/wait";
import type { SourceEvent } from "./types";
import type { TrackerQuery } from "../types";

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
