import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { archiveTracker } from "./archive";
import { prunePosts } from "./prune";
import { testPostRow } from "@/lib/pulse/testing/post-row";

const users: string[] = [];
afterAll(() => removeUsers(...users));

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 3_600_000;
// A fixed "now" half way through an hour, so which hours are closed does not depend on the clock.
const NOW = Date.UTC(2026, 10, 20, 12, 30, 0);

async function trackerWithPosts(
  retention: { days: number; max: number },
  ages: number[],
  now = NOW,
) {
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
  // Inserted oldest first, as the consumer would have.
  await db.pulsePost.createMany({
    data: ages.map((ageMs, i) =>
      testPostRow({
        trackerId: tracker.id,
        sourcePostId: `p${i}`,
        text: `post ${i}`,
        at: new Date(now - ageMs),
      }),
    ),
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
    // Everything archived (two hours on, every hour is closed): retention may delete it all.
    await archiveTracker(byDays, NOW + 2 * HOUR);
    await archiveTracker(generous, NOW + 2 * HOUR);

    const result = await prunePosts(NOW);
    expect(result.posts).toBeGreaterThanOrEqual(8);

    const kept = await remaining(byDays);
    expect(kept).toHaveLength(100);
    // The three old ones by age, then the five oldest recent ones by count.
    expect(kept[0]).toBe("p8");
    expect(kept.at(-1)).toBe("p107");
    expect(await remaining(generous)).toHaveLength(108);
    expect(await db.pulseAggregate.count({ where: { trackerId: byDays } })).toBe(1);

    // Nothing more to do the second time.
    await prunePosts(NOW);
    expect(await remaining(byDays)).toHaveLength(100);
  });

  it("never deletes posts of an hour not archived yet, however old or many", async () => {
    // 30 posts 10 days old, 10 in each of three consecutive hours; retention: 7 days, 5 posts.
    const base = NOW - 10 * DAY;
    const hour0 = Math.floor(base / HOUR) * HOUR;
    const ages = Array.from(
      { length: 30 },
      (_, i) => NOW - (hour0 + Math.floor(i / 10) * HOUR + i),
    );
    const t = await trackerWithPosts({ days: 7, max: 5 }, ages);

    // Nothing archived: nothing goes.
    expect((await prunePosts(NOW)).posts).toBe(0);
    expect(await remaining(t)).toHaveLength(30);

    // Only the first hour archived (the archiver ran when the second was still open): only its
    // ten go, though the other twenty are past both the age and the count limits.
    expect(await archiveTracker(t, hour0 + HOUR + 6 * 60_000)).toEqual({ hours: 1, posts: 10 });
    await prunePosts(NOW);
    expect(await remaining(t)).toEqual(Array.from({ length: 20 }, (_, i) => `p${i + 10}`));

    // The rest archived: the age limit takes them all.
    expect(await archiveTracker(t, NOW)).toEqual({ hours: 2, posts: 20 });
    await prunePosts(NOW);
    expect(await remaining(t)).toEqual([]);
  });
});
