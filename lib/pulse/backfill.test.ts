import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { backfillTracker, searchesFor } from "./backfill";
import { rangeShowingBackfill } from "./backfill-options";
import { storeBatch } from "./consume";
import { snapshot } from "./live";
import { totals, window } from "./series";
import { encryptSecret } from "./secrets";
import {
  startBlueskySearchStandIn,
  type BlueskySearchStandIn,
} from "./sources/testing/bluesky-search-stand-in";
import { startMastodonStandIn, type MastodonStandIn } from "./sources/testing/mastodon-stand-in";
import type { IncomingPost } from "./types";

// Backfill against loopback stand-ins of Bluesky's search and a Mastodon instance, stored by the
// real consumer in the real database: only posts in the window that match the tracker's boolean
// query arrive, once each, and a post already stored live is not stored again.

vi.stubEnv("PULSE_ALLOW_LOOPBACK_HOSTS", "1");
vi.stubEnv("PULSE_SECRET_KEY", randomBytes(32).toString("base64"));

const users: string[] = [];
let bsky: BlueskySearchStandIn;
let masto: MastodonStandIn;
beforeAll(async () => {
  [bsky, masto] = await Promise.all([startBlueskySearchStandIn(), startMastodonStandIn()]);
});
afterAll(async () => {
  await removeUsers(...users);
  await Promise.all([bsky.close(), masto.close()]);
});

const HOUR = 3_600_000;

async function tracker(data: { keywords: string[]; hashtags: string[]; sources: string[] }) {
  const owner = await makeUser();
  users.push(owner);
  const t = await db.pulseTracker.create({
    data: {
      ownerId: owner,
      name: "Backfill",
      languages: [],
      scorer: "wink",
      status: "active",
      ...data,
      ...(data.sources.includes("mastodon")
        ? { mastodonInstance: masto.url, mastodonTokenEnc: encryptSecret(masto.token) }
        : {}),
    },
  });
  return t.id;
}

const store = async (trackerId: string, posts: IncomingPost[]) => {
  await storeBatch(trackerId, posts);
};

describe("searchesFor", () => {
  it("searches each alternative's required words and each hashtag", () => {
    expect(
      searchesFor({
        keywords: ['"heat pump" AND (cost OR price) NOT ad', "solar"],
        hashtags: ["energy"],
        languages: [],
      }),
    ).toEqual(['"heat pump"', "solar", "#energy"]);
  });
});

describe("backfillTracker", () => {
  it("fills a Bluesky tracker's window from search, matched and deduplicated with live posts", async () => {
    const now = Date.now();
    const t = await tracker({
      keywords: ['"heat pump" NOT ad', "solar"],
      hashtags: [],
      sources: ["jetstream"],
    });
    const inWindow = (h: number) => new Date(now - h * HOUR);
    bsky.add({ rkey: "a1", text: "Our heat pump paid off", createdAt: inWindow(2) });
    bsky.add({ rkey: "a2", text: "Heat pump ad: buy now", createdAt: inWindow(3) }); // NOT ad
    bsky.add({ rkey: "a3", text: "Solar on the roof", createdAt: inWindow(5) });
    bsky.add({ rkey: "a4", text: "solar, long ago", createdAt: inWindow(30) }); // before the window
    bsky.add({ rkey: "a5", text: "heat and a pump", createdAt: inWindow(1) }); // not the phrase
    for (let i = 0; i < 150; i++)
      bsky.add({ rkey: `s${i}`, text: `solar day ${i}`, createdAt: inWindow(4 + i / 100) });
    // a1 arrived live before the backfill ran.
    const live = await storeBatch(t, [
      {
        source: "jetstream",
        id: "at://did:plc:standin/app.bsky.feed.post/a1",
        text: "Our heat pump paid off",
        createdAt: inWindow(2).toISOString(),
      },
    ]);
    expect(live.stored).toBe(1);

    const summary = await backfillTracker(
      t,
      { from: new Date(now - 24 * HOUR), to: new Date(now) },
      store,
      { blueskyUrl: bsky.url },
    );
    expect(summary).toMatchObject({ errors: [], truncated: false, matched: 152 });
    // Two pages for "solar" (150 + 1 in the window, 100 a page).
    expect(bsky.calls.filter((c) => c.includes("q=solar"))).toHaveLength(2);
    const stored = await db.pulsePost.findMany({
      where: { trackerId: t },
      select: { sourcePostId: true, postedAt: true },
    });
    expect(stored).toHaveLength(152);
    const ids = stored.map((p) => p.sourcePostId.split("/").pop());
    expect(ids).toEqual(expect.arrayContaining(["a1", "a3", "s0", "s149"]));
    expect(ids).not.toContain("a2");
    expect(ids).not.toContain("a4");
    expect(ids).not.toContain("a5");
    // Stored oldest first, so the dashboard's list (in stored order) shows the newest on top.
    const order = await db.pulsePost.findMany({
      where: { trackerId: t, NOT: { sourcePostId: { endsWith: "/a1" } } },
      orderBy: { id: "asc" },
      select: { postedAt: true },
    });
    const times = order.map((p) => p.postedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Counted in the minutes they were written, so the charts' history fills.
    const a3 = await db.pulseAggregate.findFirst({
      where: { trackerId: t, minute: new Date(Math.floor((now - 5 * HOUR) / 60_000) * 60_000) },
    });
    expect(a3?.count).toBeGreaterThanOrEqual(1);

    // A second run finds the same posts and stores none of them again.
    const again = await backfillTracker(
      t,
      { from: new Date(now - 24 * HOUR), to: new Date(now) },
      store,
      { blueskyUrl: bsky.url },
    );
    expect(again.matched).toBe(152);
    expect(await db.pulsePost.count({ where: { trackerId: t } })).toBe(152);
  });

  it("shows a day's backfill in the range the dashboard switches to, not in the default hour", async () => {
    // The e2e flow once waited 10 min for posts the dashboard's "1 h" range could never show:
    // backfilled posts count in the minutes they were written, hours back.
    const now = Date.now();
    const t = await tracker({ keywords: ["drizzle"], hashtags: [], sources: ["jetstream"] });
    for (let i = 0; i < 4; i++)
      bsky.add({ rkey: `d${i}`, text: `drizzle ${i}`, createdAt: new Date(now - (i + 2) * HOUR) });
    const summary = await backfillTracker(
      t,
      { from: new Date(now - 24 * HOUR), to: new Date(now) },
      store,
      { blueskyUrl: bsky.url },
    );
    expect(summary.matched).toBe(4);
    const shown = async (range: Parameters<typeof snapshot>[1]) => {
      const snap = await snapshot(t, range);
      const w = window(range, snap.at);
      return totals(snap.minutes, w.start, w.end).count;
    };
    expect(await shown("1h")).toBe(0);
    const range = rangeShowingBackfill(24, "1h");
    expect(range).toBe("24h");
    expect(await shown(range)).toBe(4);
    // A range reaching back far enough already is kept; a week's backfill needs the week.
    expect(rangeShowingBackfill(24, "7d")).toBe("7d");
    expect(rangeShowingBackfill(1, "1h")).toBe("1h");
    expect(rangeShowingBackfill(6, "15m")).toBe("24h");
    expect(rangeShowingBackfill(168, "24h")).toBe("7d");
  });

  it("pages a Mastodon tag timeline back to the window's start and searches keywords", async () => {
    const now = Date.now();
    const t = await tracker({
      keywords: ["windfarm"],
      hashtags: ["offshore"],
      sources: ["mastodon"],
    });
    const old = masto.publish({
      html: "<p>#offshore from last week</p>",
      tags: ["offshore"],
      createdAt: new Date(now - 7 * 24 * HOUR),
    });
    for (let i = 0; i < 45; i++)
      masto.publish({
        html: `<p>#offshore turbines ${i}</p>`,
        tags: ["offshore"],
        createdAt: new Date(now - 3 * HOUR + i * 60_000),
      });
    masto.publish({ html: "<p>A windfarm opened</p>", createdAt: new Date(now - HOUR) });
    masto.publish({ html: "<p>nothing to see</p>", createdAt: new Date(now - HOUR) });

    const summary = await backfillTracker(
      t,
      { from: new Date(now - 6 * HOUR), to: new Date(now) },
      store,
      { blueskyUrl: bsky.url },
    );
    expect(summary).toMatchObject({ errors: [], matched: 46 });
    expect(
      masto.timelineCalls.some((c) =>
        c.includes("/api/v1/timelines/tag/offshore?limit=40&max_id="),
      ),
    ).toBe(true);
    expect(masto.timelineCalls.some((c) => c.startsWith("/api/v2/search?q=windfarm"))).toBe(true);
    const ids = (
      await db.pulsePost.findMany({ where: { trackerId: t }, select: { sourcePostId: true } })
    ).map((p) => p.sourcePostId);
    expect(ids).toHaveLength(46);
    expect(ids).not.toContain(old.uri);
  });

  it("stops at the bound and reports a failing source without losing the others", async () => {
    const now = Date.now();
    const t = await tracker({ keywords: ["sunny"], hashtags: [], sources: ["jetstream"] });
    for (let i = 0; i < 30; i++)
      bsky.add({ rkey: `c${i}`, text: `sunny ${i}`, createdAt: new Date(now - HOUR - i * 1_000) });
    const capped = await backfillTracker(
      t,
      { from: new Date(now - 24 * HOUR), to: new Date(now) },
      store,
      { blueskyUrl: bsky.url, maxPosts: 20 },
    );
    expect(capped).toMatchObject({ matched: 20, truncated: true });
    expect(await db.pulsePost.count({ where: { trackerId: t } })).toBe(20);

    const broken = await backfillTracker(
      t,
      { from: new Date(now - 24 * HOUR), to: new Date(now) },
      store,
      { blueskyUrl: `${masto.url}/nowhere/` },
    );
    expect(broken.errors).toEqual([
      expect.stringMatching(/^Bluesky search “sunny”: .*answered 40\d/),
    ]);
  });
});
