import { describe, expect, it } from "vitest";
import type { IncomingPost } from "../types";
import { until } from "../sources/testing/wait";
import { Batcher, type PostBatch } from "./batcher";

const post = (id: string): IncomingPost => ({
  source: "jetstream",
  id,
  text: id,
  createdAt: "2026-11-26T12:00:00.000Z",
});

function rig(
  options: { failSends?: number; sendMs?: number; maxPosts?: number; maxWaitMs?: number } = {},
) {
  const sent: PostBatch[][] = [];
  const saved: string[] = [];
  const order: string[] = [];
  let failures = options.failSends ?? 0;
  const batcher = new Batcher({
    key: "k",
    maxPosts: options.maxPosts ?? 3,
    maxWaitMs: options.maxWaitMs ?? 30,
    cursorEveryMs: 30,
    highWater: 5,
    send: async (batches) => {
      if (options.sendMs) await new Promise((r) => setTimeout(r, options.sendMs));
      if (failures-- > 0) throw new Error("event API down");
      sent.push(batches);
      order.push(`send ${batches.flatMap((b) => b.posts.map((p) => p.id)).join(",")}`);
    },
    saveCursor: async (_key, cursor) => {
      saved.push(cursor);
      order.push(`save ${cursor}`);
    },
    log: () => {},
  });
  return { batcher, sent, saved, order };
}

describe("Batcher", () => {
  it("sends at maxPosts for one tracker, then stores the cursor reached", async () => {
    const { batcher, sent, order } = rig();
    batcher.add("t1", post("a"));
    batcher.advance("1");
    batcher.add("t2", post("b"));
    batcher.advance("2");
    batcher.add("t1", post("c"));
    batcher.advance("3");
    batcher.add("t1", post("d")); // the third for t1: flush now
    batcher.advance("4");
    await until("the send", () => sent.length >= 1);
    await until("the cursor", () => order.includes("save 4"));
    expect(sent[0]).toEqual([
      { trackerId: "t1", posts: [post("a"), post("c"), post("d")] },
      { trackerId: "t2", posts: [post("b")] },
    ]);
    expect(order.indexOf("send a,c,d,b")).toBeLessThan(order.indexOf("save 4"));
  });

  it("sends a partial batch after maxWaitMs, and stores a cursor that moved without posts", async () => {
    const { batcher, sent, saved } = rig();
    batcher.add("t1", post("a"));
    batcher.advance("1");
    await until("the timed send", () => sent.length === 1);
    batcher.advance("2"); // other traffic only
    await until("the cursor", () => saved.includes("2"));
    expect(sent).toHaveLength(1);
  });

  it("retries a failed send and stores no cursor until it went through", async () => {
    const { batcher, saved, sent } = rig({ failSends: 2 });
    batcher.add("t1", post("a"));
    batcher.advance("1");
    await new Promise((r) => setTimeout(r, 120));
    expect(sent).toHaveLength(0);
    expect(saved).toEqual([]);
    await until("the retried send", () => sent.length === 1, 5_000);
    await until("the cursor", () => saved.includes("1"));
  });

  it("holds a producer back above the high-water mark until a send drains it", async () => {
    const { batcher } = rig({ sendMs: 100, maxPosts: 100, maxWaitMs: 20 });
    for (let i = 0; i < 6; i++) batcher.add("t1", post(String(i)));
    let released = false;
    const wait = batcher.ready().then(() => (released = true));
    expect(released).toBe(false);
    await wait;
    expect(batcher.pendingPosts).toBe(0);
  });

  it("sends several batches at once but stores cursors only in order", async () => {
    const saved: string[] = [];
    const release: (() => void)[] = [];
    const batcher = new Batcher({
      key: "k",
      maxPosts: 1,
      maxInFlight: 3,
      send: (batches) =>
        new Promise<void>((resolve) => {
          // The first send is slow; the later ones finish at once.
          if (batches[0]?.posts[0]?.id === "a") release.push(resolve);
          else resolve();
        }),
      saveCursor: async (_key, cursor) => void saved.push(cursor),
      log: () => {},
    });
    batcher.add("t1", post("a"));
    batcher.advance("1");
    await until("the first send", () => release.length === 1);
    batcher.add("t1", post("b"));
    batcher.advance("2");
    batcher.add("t1", post("c"));
    batcher.advance("3");
    await new Promise((r) => setTimeout(r, 100));
    expect(batcher.sentPosts).toBe(2);
    expect(saved).toEqual([]); // "a" is not through yet: no cursor may pass it
    release[0]!();
    await until("the cursor", () => saved.includes("3"));
    expect([...saved].sort()).toEqual(saved); // never backwards
    await batcher.close();
  });

  it("on close sends what is pending and stores the last cursor", async () => {
    const { batcher, sent, saved } = rig({ maxWaitMs: 10_000 });
    batcher.add("t1", post("a"));
    batcher.advance("7");
    await batcher.close();
    expect(sent.flat()).toEqual([{ trackerId: "t1", posts: [post("a")] }]);
    expect(saved.at(-1)).toBe("7");
  });
});
