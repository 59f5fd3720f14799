import { RANGES, type RangeKey } from "./schemas";
import type { MinuteRow } from "./view-types";

// Turning per-minute rows into what the charts draw: fixed buckets over the range (so the axes
// do not jump as data arrives), totals for this and the previous period, and spike markers.
// Pure functions, shared by the server (first render) and the browser (every live update).

const MINUTE = 60_000;

export type Bucket = {
  t: number;
  count: number;
  positive: number;
  negative: number;
  neutral: number;
  unscored: number;
  scoreSum: number;
  /** Shares of the scored posts, 0–100; null when nothing was scored. */
  positiveShare: number | null;
  negativeShare: number | null;
  meanScore: number | null;
  spike: boolean;
};

export type Totals = {
  count: number;
  positive: number;
  negative: number;
  neutral: number;
  unscored: number;
  meanScore: number | null;
};

export function window(range: RangeKey, now: number) {
  const r = RANGES[range];
  const bucketMs = r.bucketMinutes * MINUTE;
  const end = Math.floor(now / bucketMs) * bucketMs + bucketMs;
  const start = end - Math.ceil(r.minutes / r.bucketMinutes) * bucketMs;
  return { start, end, bucketMs, previousStart: start - (end - start) };
}

function finish(b: Omit<Bucket, "positiveShare" | "negativeShare" | "meanScore" | "spike">) {
  const scored = b.count - b.unscored;
  return {
    ...b,
    positiveShare: scored > 0 ? (b.positive / scored) * 100 : null,
    negativeShare: scored > 0 ? (b.negative / scored) * 100 : null,
    meanScore: scored > 0 ? b.scoreSum / scored : null,
    spike: false,
  };
}

/** Every bucket of the range, empty ones included, oldest first. */
export function buckets(minutes: Iterable<MinuteRow>, range: RangeKey, now: number): Bucket[] {
  const { start, end, bucketMs } = window(range, now);
  const n = Math.round((end - start) / bucketMs);
  const acc = Array.from({ length: n }, (_, i) => ({
    t: start + i * bucketMs,
    count: 0,
    positive: 0,
    negative: 0,
    neutral: 0,
    unscored: 0,
    scoreSum: 0,
  }));
  for (const m of minutes) {
    if (m.t < start || m.t >= end) continue;
    const b = acc[Math.floor((m.t - start) / bucketMs)];
    if (!b) continue;
    b.count += m.count;
    b.positive += m.positive;
    b.negative += m.negative;
    b.neutral += m.neutral;
    b.unscored += m.unscored;
    b.scoreSum += m.scoreSum;
  }
  return markSpikes(acc.map(finish));
}

/**
 * A bucket is a spike when its volume exceeds the mean of the `lookback` buckets before it by more
 * than `sigmas` standard deviations. Needs `minHistory` buckets of history with some activity (the
 * first minutes of a new tracker are a start, not a spike), and a spike needs at least `minCount`
 * posts: one post after silence is not news.
 */
export function markSpikes<T extends { count: number; spike: boolean }>(
  series: T[],
  { lookback = 20, sigmas = 3, minHistory = 5, minCount = 5 } = {},
): T[] {
  return series.map((b, i) => {
    const history = series.slice(Math.max(0, i - lookback), i).map((h) => h.count);
    if (history.length < minHistory || b.count < minCount) return b;
    const mean = history.reduce((s, x) => s + x, 0) / history.length;
    if (mean === 0) return b;
    const sd = Math.sqrt(history.reduce((s, x) => s + (x - mean) ** 2, 0) / history.length);
    return { ...b, spike: b.count > mean + sigmas * sd };
  });
}

export function totals(minutes: Iterable<MinuteRow>, from: number, to: number): Totals {
  const t = { count: 0, positive: 0, negative: 0, neutral: 0, unscored: 0, scoreSum: 0 };
  for (const m of minutes) {
    if (m.t < from || m.t >= to) continue;
    t.count += m.count;
    t.positive += m.positive;
    t.negative += m.negative;
    t.neutral += m.neutral;
    t.unscored += m.unscored;
    t.scoreSum += m.scoreSum;
  }
  const scored = t.count - t.unscored;
  const { scoreSum, ...rest } = t;
  return { ...rest, meanScore: scored > 0 ? scoreSum / scored : null };
}

/** Percent change, or null when the previous period had nothing to compare with. */
export function change(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return ((current - previous) / previous) * 100;
}
