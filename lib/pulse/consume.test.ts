import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { removeUsers } from "@/lib/drive/test-helpers";
import { storeBatch } from "./consume";
import { makeTestTracker } from "./testing/tracker";
import type { IncomingPost } from "./types";

// storeBatch's rows travel to MariaDB as one JSON document (JSON_TABLE): what JSON cannot carry
// as it is — a lone surrogate, e.g. a text cut inside an emoji — is stored as the driver used to
// store it (U+FFFD), and the post is still counted exactly once. The consumer through the
// executor: inngest/functions/pulse-consume.test.ts.

const users: string[] = [];
afterAll(() => removeUsers(...users));

const T0 = Date.UTC(2026, 10, 26, 9, 30, 0);

describe("storeBatch", () => {
  it("stores texts, ids and authors with broken surrogates, emoji and nulls, each counted once", async () => {
    const tracker = await makeTestTracker(users);
    // 9,999 characters and an emoji: the 10,000-character cut falls inside its surrogate pair.
    const long = `${"climate ".repeat(1_250).slice(0, 9_999)}😀`;
    const posts: IncomingPost[] = [
      { source: "jetstream", id: "cut", text: long, createdAt: new Date(T0).toISOString() },
      {
        source: "jetstream",
        id: "lone\ud83d",
        text: 'I love the climate 😀 "quoted" \\ back\nslash #Klima\ud800',
        createdAt: new Date(T0 + 1_000).toISOString(),
        author: "a\udc00uthor",
        lang: "en",
        url: "https://example.test/p?q=1&r='x'",
      },
    ];
    expect(await storeBatch(tracker.id, posts, T0 + 5_000)).toEqual({ stored: 2, duplicates: 0 });
    const rows = await db.pulsePost.findMany({
      where: { trackerId: tracker.id },
      orderBy: { postedAt: "asc" },
      select: { sourcePostId: true, text: true, author: true, url: true, lang: true, label: true },
    });
    expect(rows[0]!.text).toBe(`${long.slice(0, 9_999)}\ufffd`);
    expect(rows[0]).toMatchObject({ sourcePostId: "cut", author: null, url: null, lang: null });
    expect(rows[1]).toEqual({
      sourcePostId: "lone\ufffd",
      text: 'I love the climate 😀 "quoted" \\ back\nslash #Klima\ufffd',
      author: "a\ufffduthor",
      url: "https://example.test/p?q=1&r='x'",
      lang: "en",
      label: "positive",
    });
    const counted = async () =>
      (await db.pulseAggregate.findMany({ where: { trackerId: tracker.id } })).map((a) => a.count);
    expect(await counted()).toEqual([2]);

    // Again: the well-formed keys match the stored ones, so nothing is counted twice.
    expect(await storeBatch(tracker.id, posts, T0 + 6_000)).toEqual({ stored: 0, duplicates: 2 });
    expect(await counted()).toEqual([2]);
    const tags = await db.pulseTermCount.findMany({
      where: { trackerId: tracker.id, kind: "hashtag" },
      select: { term: true, count: true },
    });
    expect(tags.every((t) => t.term === t.term.toWellFormed() && t.count === 1)).toBe(true);
  });
});
