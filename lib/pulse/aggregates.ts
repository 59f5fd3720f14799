import "server-only";
import { db } from "@/lib/db/client";
import { sqlTime } from "./sql-time";
import type { LanguageRow, MinuteRow, TermRow } from "./view-types";

// Reads of the per-minute aggregates and term counts. Callers have checked ownership
// (trackers.ownsTracker); these take a tracker id that is known to be the user's.

export const TOP_TERMS = 15;

const minuteSelect = {
  minute: true,
  count: true,
  positive: true,
  negative: true,
  neutral: true,
  unscored: true,
  scoreSum: true,
} as const;

type AggRow = {
  minute: Date;
  count: number;
  positive: number;
  negative: number;
  neutral: number;
  unscored: number;
  scoreSum: number;
};

const toMinute = ({ minute, ...rest }: AggRow): MinuteRow => ({ t: minute.getTime(), ...rest });

/** Minutes from `fromMs` on (the dashboard asks for two ranges: this one and the one before). */
export async function minutesFrom(trackerId: string, fromMs: number): Promise<MinuteRow[]> {
  const rows = await db.pulseAggregate.findMany({
    where: { trackerId, minute: { gte: new Date(fromMs) } },
    orderBy: { minute: "asc" },
    select: minuteSelect,
  });
  return rows.map(toMinute);
}

/** Minutes a batch changed at or after `sinceMs` (the live stream's delta). */
export async function minutesChangedSince(
  trackerId: string,
  sinceMs: number,
): Promise<MinuteRow[]> {
  const rows = await db.pulseAggregate.findMany({
    where: { trackerId, updatedAt: { gte: new Date(sinceMs) } },
    orderBy: { minute: "asc" },
    select: minuteSelect,
  });
  return rows.map(toMinute);
}

export async function topTerms(
  trackerId: string,
  kind: "hashtag" | "term",
  fromMs: number,
  limit = TOP_TERMS,
): Promise<TermRow[]> {
  const rows = await db.$queryRaw<{ term: string; n: number | bigint | string }[]>`
    SELECT term, SUM(count) AS n FROM PulseTermCount
    WHERE trackerId = ${trackerId} AND kind = ${kind} AND minute >= ${sqlTime(fromMs)}
    GROUP BY term ORDER BY n DESC, term ASC LIMIT ${limit}`;
  return rows.map((r) => ({ term: r.term, count: Number(r.n) }));
}

/** Per language over the range, most posts first. */
export async function languagesFrom(trackerId: string, fromMs: number): Promise<LanguageRow[]> {
  const rows = await db.pulseLanguageCount.groupBy({
    by: ["language"],
    where: { trackerId, minute: { gte: new Date(fromMs) } },
    _sum: {
      count: true,
      positive: true,
      negative: true,
      neutral: true,
      unscored: true,
      scoreSum: true,
      confidenceSum: true,
    },
  });
  return rows
    .map(({ language, _sum: s }) => ({
      language,
      count: s.count ?? 0,
      positive: s.positive ?? 0,
      negative: s.negative ?? 0,
      neutral: s.neutral ?? 0,
      unscored: s.unscored ?? 0,
      scoreSum: s.scoreSum ?? 0,
      confidenceSum: s.confidenceSum ?? 0,
    }))
    .sort((a, b) => b.count - a.count || (a.language < b.language ? -1 : 1));
}

/**
 * Whether a batch added to the term or language counts at or after `sinceMs`. Those rows keep no
 * updatedAt (its index cost every batch's upsert): a batch that adds to them sets its minutes'
 * PulseAggregate.updatedAt in the same transaction, so that is what is asked.
 */
export async function countsChangedSince(trackerId: string, sinceMs: number): Promise<boolean> {
  const row = await db.pulseAggregate.findFirst({
    where: { trackerId, updatedAt: { gte: new Date(sinceMs) } },
    select: { minute: true },
  });
  return row !== null;
}

/** Posts per tracker over the last 24 hours, for the tracker list. */
export async function lastDayCounts(trackerIds: string[]): Promise<Map<string, number>> {
  if (trackerIds.length === 0) return new Map();
  const rows = await db.pulseAggregate.groupBy({
    by: ["trackerId"],
    where: { trackerId: { in: trackerIds }, minute: { gte: new Date(Date.now() - 86_400_000) } },
    _sum: { count: true },
  });
  return new Map(rows.map((r) => [r.trackerId, r._sum.count ?? 0]));
}
