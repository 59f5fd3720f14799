import "server-only";
import {
  countsChangedSince,
  languagesFrom,
  minutesChangedSince,
  minutesFrom,
  topTerms,
} from "./aggregates";
import { listPosts, postsStoredSince } from "./posts";
import type { RangeKey } from "./schemas";
import { window } from "./series";
import type { LiveDelta, Snapshot } from "./view-types";

// What the dashboard starts from and what the live stream adds. The cursor is a time: a poll asks
// for rows changed since the cursor minus OVERLAP_MS, which covers batches that committed late and
// clocks of different app servers that disagree a little. Rows are absolute values and posts carry
// ids, so what overlaps is merged, not double-counted — no server needs to remember a client.

export const OVERLAP_MS = 10_000;

/** The start of the dashboard's range (the first bucket the charts draw). */
export function rangeStart(range: RangeKey, now: number): number {
  return window(range, now).start;
}

export async function snapshot(trackerId: string, range: RangeKey): Promise<Snapshot> {
  const at = Date.now();
  const { start: from, previousStart: previousFrom } = window(range, at);
  const [minutes, hashtags, terms, languages, posts] = await Promise.all([
    minutesFrom(trackerId, previousFrom),
    topTerms(trackerId, "hashtag", from),
    topTerms(trackerId, "term", from),
    languagesFrom(trackerId, from),
    listPosts(trackerId, { limit: 50 }),
  ]);
  return { at, minutes, hashtags, terms, languages, posts };
}

// Top lists sum term counts over the whole range, which is heavy for long ranges: they are
// refreshed at most this often (and only when counts changed).
export const TERMS_REFRESH_MS: Record<RangeKey, number> = {
  "15m": 2_000,
  "1h": 3_000,
  "24h": 15_000,
  "7d": 60_000,
};

export async function delta(
  trackerId: string,
  range: RangeKey,
  cursor: number,
  /** Recompute the top lists if term counts changed since then; null: not this time. */
  termsSince: number | null = cursor,
): Promise<LiveDelta> {
  const now = Date.now();
  const since = cursor - OVERLAP_MS;
  const [minutes, posts, termsChanged] = await Promise.all([
    minutesChangedSince(trackerId, since),
    postsStoredSince(trackerId, since),
    termsSince === null ? false : countsChangedSince(trackerId, termsSince - OVERLAP_MS),
  ]);
  const out: LiveDelta = { cursor: now, minutes, posts };
  if (termsChanged) {
    const from = rangeStart(range, now);
    // Refreshed when any batch was stored since (countsChangedSince): the language counts change
    // with every batch, the term counts with nearly every one.
    [out.hashtags, out.terms, out.languages] = await Promise.all([
      topTerms(trackerId, "hashtag", from),
      topTerms(trackerId, "term", from),
      languagesFrom(trackerId, from),
    ]);
  }
  return out;
}
