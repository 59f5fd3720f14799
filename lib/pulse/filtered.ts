import "server-only";
import { db } from "@/lib/db/client";
import { postWhere } from "./posts";
import type { PostQuery, RangeKey } from "./schemas";
import { window } from "./series";
import { TOP_TERMS } from "./aggregates";
import type { FilteredView, LanguageRow, MinuteRow, TermRow } from "./view-types";

export type { FilteredView };

// The dashboard with a hashtag, term or language filter: every widget from the posts that match,
// read from the raw posts the tracker still keeps (the per-minute aggregates are not split by
// term). Posts past the tracker's retention are gone, so the view says it covers kept posts only.
// Top lists come from at most SCAN_POSTS matching posts, newest first. Callers checked ownership.

export const SCAN_POSTS = 5_000;

export type PostFilterQuery = Pick<PostQuery, "hashtag" | "term" | "language">;

const LABELS = ["positive", "negative", "neutral", "unscored"] as const;
type Label = (typeof LABELS)[number];
const asLabel = (l: string): Label =>
  (LABELS as readonly string[]).includes(l) ? (l as Label) : "unscored";

function top(strings: string[]): TermRow[] {
  const counts = new Map<string, number>();
  for (const s of strings)
    for (const w of s.split(" ")) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, TOP_TERMS)
    .map(([term, count]) => ({ term, count }));
}

export async function filteredView(
  trackerId: string,
  range: RangeKey,
  filter: PostFilterQuery,
  now = Date.now(),
): Promise<FilteredView> {
  const { start, previousStart } = window(range, now);
  const where = postWhere(trackerId, filter);
  const [byMinute, byLanguage, recent, oldest] = await Promise.all([
    db.pulsePost.groupBy({
      by: ["minute", "label"],
      where: { ...where, minute: { gte: new Date(previousStart) } },
      _count: { _all: true },
      _sum: { score: true },
    }),
    db.pulsePost.groupBy({
      by: ["language", "label"],
      where: { ...where, minute: { gte: new Date(start) } },
      _count: { _all: true },
      _sum: { score: true, confidence: true },
    }),
    db.pulsePost.findMany({
      where: { ...where, minute: { gte: new Date(start) } },
      orderBy: { id: "desc" },
      take: SCAN_POSTS,
      select: { hashtags: true, terms: true },
    }),
    db.pulsePost.findFirst({
      where: { trackerId },
      orderBy: { minute: "asc" },
      select: { minute: true },
    }),
  ]);
  const minutes = new Map<number, MinuteRow>();
  for (const g of byMinute) {
    const t = g.minute.getTime();
    const row = minutes.get(t) ?? {
      t,
      count: 0,
      positive: 0,
      negative: 0,
      neutral: 0,
      unscored: 0,
      scoreSum: 0,
    };
    row.count += g._count._all;
    row[asLabel(g.label)] += g._count._all;
    row.scoreSum += g._sum.score ?? 0;
    minutes.set(t, row);
  }
  const languages = new Map<string, LanguageRow>();
  for (const g of byLanguage) {
    const row = languages.get(g.language) ?? {
      language: g.language,
      count: 0,
      positive: 0,
      negative: 0,
      neutral: 0,
      unscored: 0,
      scoreSum: 0,
      confidenceSum: 0,
    };
    row.count += g._count._all;
    row[asLabel(g.label)] += g._count._all;
    row.scoreSum += g._sum.score ?? 0;
    row.confidenceSum += g._sum.confidence ?? 0;
    languages.set(g.language, row);
  }
  return {
    at: now,
    minutes: [...minutes.values()].sort((a, b) => a.t - b.t),
    languages: [...languages.values()].sort((a, b) => b.count - a.count),
    hashtags: top(recent.map((r) => r.hashtags)),
    terms: top(recent.map((r) => r.terms)),
    keptSince: oldest?.minute.getTime() ?? null,
  };
}
