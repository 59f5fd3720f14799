import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { storeBatch } from "./consume";
import { livePolls } from "./live-poll";
import { liveStream } from "./live-stream";

// Live dashboards over the real database: many streams of one tracker share one poll.

const users: string[] = [];
afterAll(() => db.user.deleteMany({ where: { id: { in: users } } }));

async function newTracker() {
  const user = await db.user.create({
    data: { email: `ls-${randomUUID().slice(0, 12)}@pulse.test`, name: "L", passwordHash: "x" },
  });
  users.push(user.id);
  const tracker = await db.pulseTracker.create({
    data: {
      ownerId: user.id,
      name: "Live",
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

async function until(ready: () => boolean) {
  while (!ready()) await new Promise((r) => setTimeout(r, 10));
}

async function readUntil(body: ReadableStream<Uint8Array>, done: (text: string) => boolean) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!done(text)) {
    const { value, done: ended } = await reader.read();
    if (ended) throw new Error(`the stream ended before it said it; got:\n${text}`);
    text += decoder.decode(value);
  }
  await reader.cancel();
  return text;
}

describe("live streams", () => {
  it("attack: 30 dashboards of one tracker cost one poll, and each still gets every post", async () => {
    const { ownerId, trackerId } = await newTracker();
    const other = await newTracker();
    const before = livePolls();
    const controllers: AbortController[] = [];
    const open = (owner: string, tracker: string) => {
      const controller = new AbortController();
      controllers.push(controller);
      return liveStream({
        ownerId: owner,
        trackerId: tracker,
        range: "15m",
        cursor: Date.now(),
        signal: controller.signal,
      });
    };
    const streams = Array.from({ length: 30 }, () => open(ownerId, trackerId));
    const elsewhere = open(other.ownerId, other.trackerId);
    // Every stream has made its own catch-up and joined its tracker's poll: two polls in all.
    await until(() => livePolls().streams === before.streams + 31);
    expect(livePolls().polls).toBe(before.polls + 2);

    await storeBatch(trackerId, [
      {
        source: "jetstream",
        id: "p1",
        text: "solar rising",
        createdAt: new Date().toISOString(),
        lang: "en",
      },
    ]);
    const texts = await Promise.all(
      streams.map((s) => readUntil(s, (t) => t.includes("solar rising"))),
    );
    for (const t of texts) expect(t).toContain("event: delta");
    // Read to the post, each reader cancelled: those streams left the poll, and it stopped.
    await until(() => livePolls().streams === before.streams + 1);
    expect(livePolls().polls).toBe(before.polls + 1);
    controllers.forEach((c) => c.abort());
    await readUntil(elsewhere, () => false).catch(() => null);
    await until(() => livePolls().polls === before.polls);
  });
});
