import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { prunePosts } from "./prune";

const users: string[] = [];
afterAll(() => removeUsers(...users));

const DAY = 24 * 60 * 60 * 1000;

async function trackerWithPosts(retention: { days: number; max: number }, ages: number[]) {
  const ownerId = await makeUser();
  users.push(ownerId);
  const tracker = await db.pulseTracker.create({
    data: {
      ownerId,
      name: "T",
      keywords: ["x"],
      hashtags: [],
      languages: [],
      sources: ["replay"],
      scorer: "wink",
      status: "active",
      retentionDays: retention.days,
      retentionMaxPosts: retention.max,
    },
  });
  const now = Date.now();
  // Inserted oldest first, as the consumer would have.
  await db.pulsePost.createMany({
    data: ages.map((ageMs, i) => ({
      trackerId: tracker.id,
      source: "replay",
      sourcePostId: `p${i}`,
      text: `post ${i}`,
      postedAt: new Date(now - ageMs),
      minute: new Date(now - ageMs),
      receivedAt: new Date(now - ageMs),
      label: "neutral",
      score: 0,
      hashtags: "",
      terms: "",
      ingest: "test",
    })),
  });
  await db.pulseAggregate.create({
    data: {
      trackerId: tracker.id,
      minute: new Date(now - 9 * DAY),
      count: 3,
      updatedAt: new Date(),
    },
  });
  return tracker.id;
}

const remaining = async (trackerId: string) =>
  (
    await db.pulsePost.findMany({
      where: { trackerId },
      orderBy: { id: "asc" },
      select: { sourcePostId: true },
    })
  ).map((p) => p.sourcePostId);

describe("prunePosts", () => {
  it("drops posts past the tracker's days and beyond its count; keeps aggregates", async () => {
    // 3 posts 8–10 days old, then 105 recent ones (minutes apart, oldest first).
    const ages = [
      10 * DAY,
      9 * DAY,
      8 * DAY,
      ...Array.from({ length: 105 }, (_, i) => (105 - i) * 60_000),
    ];
    const byDays = await trackerWithPosts({ days: 7, max: 100 }, ages);
    const generous = await trackerWithPosts({ days: 30, max: 1_000 }, ages);

    const result = await prunePosts();
    expect(result.posts).toBeGreaterThanOrEqual(8);

    const kept = await remaining(byDays);
    expect(kept).toHaveLength(100);
    // The three old ones by age, then the five oldest recent ones by count.
    expect(kept[0]).toBe("p8");
    expect(kept.at(-1)).toBe("p107");
    expect(await remaining(generous)).toHaveLength(108);
    expect(await db.pulseAggregate.count({ where: { trackerId: byDays } })).toBe(1);

    // Nothing more to do the second time.
    await prunePosts();
    expect(await remaining(byDays)).toHaveLength(100);
  });
});
