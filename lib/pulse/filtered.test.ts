import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { testPostRow } from "@/lib/pulse/testing/post-row";
import { filteredView } from "./filtered";

// The dashboard under a filter, from the real posts table: only the matching posts count, in
// every widget (minutes, sentiment, languages, top lists).

const users: string[] = [];
afterAll(() => removeUsers(...users));

const MIN = 60_000;

describe("filteredView", () => {
  it("counts only the posts with the hashtag, term or language", async () => {
    const owner = await makeUser();
    users.push(owner);
    const t = await db.pulseTracker.create({
      data: {
        ownerId: owner,
        name: "Filtered",
        keywords: ["x"],
        hashtags: [],
        languages: [],
        sources: ["replay"],
        scorer: "wink",
        status: "active",
      },
    });
    const now = Math.floor(Date.now() / MIN) * MIN;
    const post = (
      n: number,
      ago: number,
      o: { hashtags: string; terms: string; label: string; score: number; language: string },
    ) => ({
      ...testPostRow({
        trackerId: t.id,
        sourcePostId: `p${n}`,
        text: `post ${n}`,
        at: new Date(now - ago * MIN),
      }),
      hashtags: ` ${o.hashtags} `,
      terms: ` ${o.terms} `,
      label: o.label,
      score: o.score,
      language: o.language,
    });
    await db.pulsePost.createMany({
      data: [
        post(1, 2, {
          hashtags: "solar energy",
          terms: "sun panel",
          label: "positive",
          score: 2,
          language: "en",
        }),
        post(2, 2, {
          hashtags: "solar",
          terms: "panel cost",
          label: "negative",
          score: -1,
          language: "de",
        }),
        post(3, 5, {
          hashtags: "solar",
          terms: "sun",
          label: "positive",
          score: 3,
          language: "en",
        }),
        post(4, 5, {
          hashtags: "wind",
          terms: "sun turbine",
          label: "negative",
          score: -2,
          language: "en",
        }),
        post(5, 7, {
          hashtags: "solarpunk",
          terms: "future",
          label: "neutral",
          score: 0,
          language: "en",
        }),
      ],
    });

    const solar = await filteredView(t.id, "1h", { hashtag: "solar" }, now + 30_000);
    expect(solar.minutes).toEqual([
      {
        t: now - 5 * MIN,
        count: 1,
        positive: 1,
        negative: 0,
        neutral: 0,
        unscored: 0,
        scoreSum: 3,
      },
      {
        t: now - 2 * MIN,
        count: 2,
        positive: 1,
        negative: 1,
        neutral: 0,
        unscored: 0,
        scoreSum: 1,
      },
    ]);
    expect(solar.languages.map((l) => [l.language, l.count, l.positive])).toEqual([
      ["en", 2, 2],
      ["de", 1, 0],
    ]);
    expect(solar.hashtags).toEqual([
      { term: "solar", count: 3 },
      { term: "energy", count: 1 },
    ]);
    expect(solar.terms[0]).toEqual({ term: "panel", count: 2 });
    expect(solar.keptSince).toBe(now - 7 * MIN);

    const sun = await filteredView(t.id, "1h", { term: "sun" }, now + 30_000);
    expect(sun.minutes.reduce((n, m) => n + m.count, 0)).toBe(3);
    const de = await filteredView(t.id, "1h", { language: "de" }, now + 30_000);
    expect(de.minutes).toHaveLength(1);
    expect(de.minutes[0]?.negative).toBe(1);
  });
});
