import { describe, expect, it } from "vitest";
import { buckets, change, markSpikes, totals, window } from "./series";
import type { MinuteRow } from "./view-types";

const M = 60_000;
const NOW = Date.UTC(2026, 10, 26, 12, 0, 30);
const row = (t: number, count: number, extra: Partial<MinuteRow> = {}): MinuteRow => ({
  t,
  count,
  positive: 0,
  negative: 0,
  neutral: count,
  unscored: 0,
  scoreSum: 0,
  ...extra,
});

describe("series", () => {
  it("fills every bucket of the range, summing minutes into wider buckets", () => {
    const { start, end } = window("15m", NOW);
    const b = buckets(
      [row(start, 2), row(end - M, 3), row(start - M, 99), row(end, 99)],
      "15m",
      NOW,
    );
    expect(b).toHaveLength(15);
    expect(b[0]).toMatchObject({ t: start, count: 2 });
    expect(b.at(-1)).toMatchObject({ count: 3 });
    expect(b.reduce((s, x) => s + x.count, 0)).toBe(5);

    const day = window("24h", NOW);
    const wide = buckets([row(day.start, 1), row(day.start + 14 * M, 4)], "24h", NOW);
    expect(wide).toHaveLength(96);
    expect(wide[0]?.count).toBe(5);
  });

  it("computes shares and mean over scored posts only", () => {
    const { start } = window("15m", NOW);
    const [b] = buckets(
      [row(start, 10, { positive: 3, negative: 1, neutral: 2, unscored: 4, scoreSum: 6 })],
      "15m",
      NOW,
    );
    expect(b).toMatchObject({ positiveShare: 50, meanScore: 1 });
    expect(b?.negativeShare).toBeCloseTo(16.667, 2);
  });

  it("marks a bucket over mean + 3σ of its recent history, not ordinary noise", () => {
    const counts = [10, 12, 9, 11, 10, 11, 10, 60, 12, 13];
    const marked = markSpikes(counts.map((count) => ({ count, spike: false })));
    expect(marked.map((m) => m.spike)).toEqual(counts.map((c) => c === 60));
    // Too little history, or too few posts, is never a spike.
    expect(
      markSpikes([1, 1, 50].map((count) => ({ count, spike: false }))).some((m) => m.spike),
    ).toBe(false);
    expect(markSpikes([0, 0, 0, 0, 0, 3].map((count) => ({ count, spike: false })))[5]?.spike).toBe(
      false,
    );
    // Nor is the first burst of a tracker that had nothing before.
    expect(
      markSpikes([0, 0, 0, 0, 0, 30].map((count) => ({ count, spike: false })))[5]?.spike,
    ).toBe(false);
  });

  it("totals a period and its change against the previous one", () => {
    const rows = [
      row(0, 4, { positive: 4, neutral: 0, scoreSum: 8 }),
      row(M, 2, { unscored: 2, neutral: 0 }),
    ];
    expect(totals(rows, 0, 2 * M)).toMatchObject({
      count: 6,
      positive: 4,
      unscored: 2,
      meanScore: 2,
    });
    expect(totals(rows, M, 2 * M).meanScore).toBeNull();
    expect(change(15, 10)).toBe(50);
    expect(change(3, 0)).toBeNull();
  });
});
