import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { storeBatch } from "./consume";
import { delta, OVERLAP_MS } from "./live";
import { makeTestTracker } from "./testing/tracker";

// The live delta's top lists and language breakdown over the real database: they are recomputed
// when a batch was stored since the cursor, which the stream learns from PulseAggregate.updatedAt
// (term and language counts keep no updatedAt of their own).

const users: string[] = [];
afterAll(() => db.user.deleteMany({ where: { id: { in: users } } }));

const MINUTE = 60_000;

describe("live delta", () => {
  it("refreshes the language breakdown after a batch whose posts have no terms or hashtags", async () => {
    const tracker = await makeTestTracker(users);
    const storedAt = Date.now() - 5 * MINUTE;
    // Posts without a term or a hashtag: they add to the language counts and no term count.
    const posts = ["😀 😀", "the and", "ok"].map((text, i) => ({
      source: "jetstream" as const,
      id: `no-terms-${i}`,
      text,
      createdAt: new Date(storedAt).toISOString(),
    }));
    expect(await storeBatch(tracker.id, posts, storedAt)).toEqual({ stored: 3, duplicates: 0 });
    expect(await db.pulseTermCount.count({ where: { trackerId: tracker.id } })).toBe(0);

    // A cursor before the batch: the breakdown is recomputed and counts the batch's posts.
    const since = await delta(tracker.id, "1h", storedAt - MINUTE);
    expect(since.languages?.reduce((n, l) => n + l.count, 0)).toBe(3);
    expect(since.hashtags).toEqual([]);
    expect(since.terms).toEqual([]);

    // A cursor after it (beyond the overlap): nothing changed, nothing recomputed.
    const after = await delta(tracker.id, "1h", storedAt + OVERLAP_MS + MINUTE);
    expect(after.languages).toBeUndefined();
    expect(after.hashtags).toBeUndefined();
  });

  it("refreshes the top lists after a batch with terms, and not for another tracker's batch", async () => {
    const tracker = await makeTestTracker(users);
    const other = await makeTestTracker(users);
    const storedAt = Date.now() - 5 * MINUTE;
    const post = (id: string) => ({
      source: "jetstream" as const,
      id,
      text: "climate strike today #climate",
      createdAt: new Date(storedAt).toISOString(),
    });
    await storeBatch(other.id, [post("o1")], storedAt);
    expect((await delta(tracker.id, "1h", storedAt - MINUTE)).hashtags).toBeUndefined();

    await storeBatch(tracker.id, [post("t1"), post("t2")], storedAt);
    const out = await delta(tracker.id, "1h", storedAt - MINUTE);
    expect(out.hashtags).toEqual([{ term: "climate", count: 2 }]);
    expect(out.languages?.reduce((n, l) => n + l.count, 0)).toBe(2);
  });
});
