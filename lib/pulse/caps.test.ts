import { afterAll, afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { archiveTracker } from "./archive";
import { enforcePostCaps } from "./caps";
import { setTrackerStatus } from "./trackers";
import { testPostRow } from "@/lib/pulse/testing/post-row";

// The post caps against the real database and S3 store, with small caps from the environment:
// the oldest archived posts go first; when too few are archived, the trackers pause with a
// message naming the limit, and resume by themselves once the archive catches up.

const users: string[] = [];
afterAll(() => removeUsers(...users));
const saved = { ...process.env };
afterEach(() => {
  process.env.PULSE_MAX_POSTS_PER_USER = saved.PULSE_MAX_POSTS_PER_USER;
  process.env.PULSE_MAX_POSTS_TOTAL = saved.PULSE_MAX_POSTS_TOTAL;
  if (saved.PULSE_MAX_POSTS_PER_USER === undefined) delete process.env.PULSE_MAX_POSTS_PER_USER;
  if (saved.PULSE_MAX_POSTS_TOTAL === undefined) delete process.env.PULSE_MAX_POSTS_TOTAL;
});

const HOUR = 3_600_000;
// Hours well in the past: all closed, so the archiver may cut any of them.
const H0 = Date.UTC(2026, 10, 1, 8, 0, 0);
let seq = 0;

async function tracker(ownerId: string, status: "active" | "paused" = "active") {
  const t = await db.pulseTracker.create({
    data: {
      ownerId,
      name: `T${++seq}`,
      keywords: ["x"],
      hashtags: [],
      languages: [],
      sources: ["replay"],
      scorer: "wink",
      status,
      retentionDays: 3650,
      retentionMaxPosts: 1_000_000,
    },
  });
  return t.id;
}

async function addPosts(trackerId: string, hour: number, n: number) {
  await db.pulsePost.createMany({
    data: Array.from({ length: n }, (_, i) =>
      testPostRow({
        trackerId,
        sourcePostId: `${hour}-${++seq}`,
        text: `post ${i}`,
        at: new Date(hour + i * 1_000),
      }),
    ),
  });
}

const count = (trackerId: string) => db.pulsePost.count({ where: { trackerId } });
const state = async (id: string) =>
  db.pulseTracker.findUniqueOrThrow({
    where: { id },
    select: { status: true, pausedReason: true },
  });
const newUser = async () => {
  const id = await makeUser();
  users.push(id);
  return id;
};
// The test's own users only: the total is theirs, and a pass leaves every other test's data alone.
const totalPosts = () => db.pulsePost.count({ where: { tracker: { ownerId: { in: users } } } });
const enforce = () => enforcePostCaps(undefined, { owners: [...users] });

describe("enforcePostCaps", () => {
  it("per user: deletes the oldest archived posts, pauses when too few are archived, resumes after", async () => {
    process.env.PULSE_MAX_POSTS_PER_USER = "20";
    process.env.PULSE_MAX_POSTS_TOTAL = String((await totalPosts()) + 1_000);
    const a = await newUser();
    const t1 = await tracker(a);
    const t2 = await tracker(a);
    const mine = await tracker(a, "paused"); // paused by its owner: Pulse leaves it so
    const b = await newUser();
    const other = await tracker(b);
    await addPosts(t1, H0, 15);
    await addPosts(t2, H0 + HOUR, 15);
    await addPosts(other, H0, 5);
    await archiveTracker(t1, H0 + 3 * HOUR); // t1's hour archived, t2's not

    // 30 > 20: the 10 oldest go, all archived ones of t1; nothing pauses.
    expect(await enforce()).toEqual({ deleted: 10, paused: [], resumed: [] });
    expect([await count(t1), await count(t2)]).toEqual([5, 15]);
    const kept = await db.pulsePost.findMany({ where: { trackerId: t1 }, orderBy: { id: "asc" } });
    expect(kept[0]!.receivedAt.getTime()).toBe(H0 + 10_000); // the newest five of t1

    // 10 more, unarchived: t1's last 5 archived go, 25 remain > 20 → both trackers pause.
    await addPosts(t2, H0 + 2 * HOUR, 10);
    const r = await enforce();
    expect(r.deleted).toBe(5);
    expect(r.paused.sort()).toEqual([t1, t2].sort());
    for (const t of [t1, t2]) {
      const s = await state(t);
      expect(s.status).toBe("paused");
      expect(s.pausedReason).toContain("your trackers hold 25 posts and the limit per user is 20");
      expect(s.pausedReason).toContain("PULSE_MAX_POSTS_PER_USER");
    }
    expect(await count(t2)).toBe(25); // nothing unarchived was deleted
    expect(await state(mine)).toEqual({ status: "paused", pausedReason: null });
    expect(await state(other)).toEqual({ status: "active", pausedReason: null });
    expect(await count(other)).toBe(5);

    // The archive catches up: the oldest 5 go and Pulse resumes what it paused, only that.
    expect(await archiveTracker(t2, H0 + 4 * HOUR)).toEqual({ hours: 2, posts: 25 });
    const after = await enforce();
    expect(after.deleted).toBe(5);
    expect(after.resumed.sort()).toEqual([t1, t2].sort());
    expect(await state(t1)).toEqual({ status: "active", pausedReason: null });
    expect(await state(mine)).toEqual({ status: "paused", pausedReason: null });
    expect((await count(t1)) + (await count(t2))).toBe(20);
  });

  it("in total: pauses the biggest owner's trackers when nothing archived can go", async () => {
    process.env.PULSE_MAX_POSTS_PER_USER = "1000";
    // The total counts every post on the server: the first test's archived ones would go first.
    await removeUsers(...users.splice(0));
    const c = await newUser();
    const d = await newUser();
    const big = await tracker(c);
    const small = await tracker(d);
    await addPosts(big, H0, 25);
    await addPosts(small, H0, 10);
    // Run beside other tests (or after the e2e suite, in the same database), a pass over the whole
    // server would delete their archived posts first and pause their biggest owners.
    process.env.PULSE_MAX_POSTS_TOTAL = String((await totalPosts()) - 5);

    const r = await enforce();
    expect(r).toEqual({ deleted: 0, paused: [big], resumed: [] });
    expect((await state(big)).pausedReason).toMatch(/limit is [\d,]+ \(PULSE_MAX_POSTS_TOTAL\)/);
    expect(await state(small)).toEqual({ status: "active", pausedReason: null });

    // The owner resumes it by hand: the reason goes (Pulse pauses it again next pass if needed).
    expect(await setTrackerStatus(c, big, "active")).toBe(true);
    expect(await state(big)).toEqual({ status: "active", pausedReason: null });

    // Archived: the 5 oldest go, nothing pauses.
    await archiveTracker(big, H0 + 2 * HOUR);
    expect(await enforce()).toEqual({ deleted: 5, paused: [], resumed: [] });
    expect(await count(big)).toBe(20);
    expect(await count(small)).toBe(10);
  });
});
