import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { removeUsers } from "@/lib/drive/test-helpers";
import { storeStaged } from "./consume";
import { INBOX_MAX_AGE_MS, readStaged, stageBatches, sweepInbox } from "./inbox";
import { makeTestTracker } from "./testing/tracker";
import type { IncomingPost } from "./types";

// The listener's staged batches against the real database: staged once however often the send is
// retried, stored once however often the event runs, swept only when abandoned. The consumer
// through the executor: inngest/functions/pulse-consume.test.ts.

const users: string[] = [];
afterAll(() => removeUsers(...users));

const newTracker = () => makeTestTracker(users);

const T0 = Date.UTC(2026, 10, 26, 9, 30, 0);
const post = (id: string, text: string): IncomingPost => ({
  source: "jetstream",
  id,
  text,
  createdAt: new Date(T0).toISOString(),
});

const staged = (trackerId: string) =>
  db.pulseInbox.findMany({ where: { trackerId }, select: { id: true, count: true } });

describe("pulse inbox", () => {
  it("stages a batch once however often it is sent, and stores it once however often it runs", async () => {
    const tracker = await newTracker();
    const posts = [post("a", "I love the climate plan"), post("b", "climate news is awful")];
    const [first] = await stageBatches([{ trackerId: tracker.id, posts }], T0);
    // A retried send stages the same row (the id is the batch's hash), not a second one.
    const [again] = await stageBatches([{ trackerId: tracker.id, posts }], T0 + 1_000);
    expect(again).toEqual(first);
    expect(await staged(tracker.id)).toEqual([{ id: first!.inbox, count: 2 }]);
    expect((await readStaged(first!.inbox))?.posts).toEqual(posts);

    // Two runs of the event at once: one stores the posts, the other finds the row claimed.
    const results = await Promise.all([
      storeStaged(first!.inbox, 2, T0),
      storeStaged(first!.inbox, 2, T0),
    ]);
    expect(results.map((r) => r.stored).sort()).toEqual([0, 2]);
    expect(await staged(tracker.id)).toEqual([]);
    // A third run (a replayed event) stores nothing.
    expect(await storeStaged(first!.inbox, 2, T0)).toEqual({ stored: 0, duplicates: 2 });
    expect(await db.pulsePost.count({ where: { trackerId: tracker.id } })).toBe(2);
    const [minute] = await db.pulseAggregate.findMany({ where: { trackerId: tracker.id } });
    expect(minute).toMatchObject({ count: 2, positive: 1, negative: 1 });

    // The same batch staged after a listener restart re-read it: stored again, counted once.
    const [restaged] = await stageBatches([{ trackerId: tracker.id, posts }], T0 + 2_000);
    expect(await storeStaged(restaged!.inbox, 2, T0)).toEqual({ stored: 0, duplicates: 2 });
    expect(await staged(tracker.id)).toEqual([]);
    expect(await db.pulseAggregate.findMany({ where: { trackerId: tracker.id } })).toEqual([
      minute,
    ]);
  });

  it("drops a deleted tracker's batches and sweeps only abandoned ones", async () => {
    const gone = await newTracker();
    await db.pulseTracker.delete({ where: { id: gone.id } });
    // Its posts were queued when it went: staging them is a no-op, not an error.
    const [dropped] = await stageBatches([{ trackerId: gone.id, posts: [post("x", "climate")] }]);
    expect(await readStaged(dropped!.inbox)).toBeNull();
    expect(await storeStaged(dropped!.inbox, 1)).toEqual({ stored: 0, duplicates: 1 });

    const tracker = await newTracker();
    const now = Date.now();
    const [old] = await stageBatches(
      [{ trackerId: tracker.id, posts: [post("o", "climate old")] }],
      now - INBOX_MAX_AGE_MS - 60_000,
    );
    const [recent] = await stageBatches(
      [{ trackerId: tracker.id, posts: [post("r", "climate recent")] }],
      now - INBOX_MAX_AGE_MS + 60_000,
    );
    expect(await sweepInbox(now)).toBeGreaterThanOrEqual(1);
    expect(await staged(tracker.id)).toEqual([{ id: recent!.inbox, count: 1 }]);
    expect(await readStaged(old!.inbox)).toBeNull();
  });
});
