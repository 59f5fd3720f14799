import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { PostQuery } from "./schemas";
import type { SentimentLabel, SourceKind } from "./types";
import type { PostView } from "./view-types";

// The raw posts a tracker still keeps (see prune.ts), newest first. Callers have checked ownership.

const select = {
  id: true,
  source: true,
  text: true,
  author: true,
  url: true,
  lang: true,
  language: true,
  postedAt: true,
  score: true,
  label: true,
  confidence: true,
  hashtags: true,
  terms: true,
} as const;

type Row = Prisma.PulsePostGetPayload<{ select: typeof select }>;

const words = (s: string) => s.split(" ").filter(Boolean);

export function toPostView(row: Row): PostView {
  return {
    id: row.id.toString(),
    source: row.source as SourceKind,
    text: row.text,
    author: row.author,
    url: row.url,
    lang: row.lang,
    language: row.language,
    postedAt: row.postedAt.getTime(),
    score: row.score,
    label: row.label as SentimentLabel,
    confidence: row.confidence,
    hashtags: words(row.hashtags),
    terms: words(row.terms),
  };
}

export function postWhere(trackerId: string, q: Partial<PostQuery>): Prisma.PulsePostWhereInput {
  return {
    trackerId,
    ...(q.label ? { label: q.label } : {}),
    // Stored space-delimited with spaces around, so " tag " matches whole tags only.
    ...(q.hashtag ? { hashtags: { contains: ` ${q.hashtag} ` } } : {}),
    ...(q.term ? { terms: { contains: ` ${q.term} ` } } : {}),
    ...(q.language ? { language: q.language } : {}),
    ...(q.before ? { id: { lt: BigInt(q.before) } } : {}),
  };
}

export async function listPosts(trackerId: string, q: PostQuery): Promise<PostView[]> {
  const rows = await db.pulsePost.findMany({
    where: postWhere(trackerId, q),
    orderBy: { id: "desc" },
    take: q.limit,
    select,
  });
  return rows.map(toPostView);
}

/** Posts stored at or after `sinceMs`, newest first (the live stream's delta). */
export async function postsStoredSince(
  trackerId: string,
  sinceMs: number,
  limit = 100,
): Promise<PostView[]> {
  const rows = await db.pulsePost.findMany({
    where: { trackerId, receivedAt: { gte: new Date(sinceMs) } },
    orderBy: { id: "desc" },
    take: limit,
    select,
  });
  return rows.map(toPostView);
}

export { select as postSelect };
