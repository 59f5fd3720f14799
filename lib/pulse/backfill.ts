import "server-only";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { safeGet } from "@/lib/net/safe-dial";
import { compileMatcher } from "./match";
import { parseQuery, searchTerms } from "./query";
import { decryptSecret } from "./secrets";
import { mastodonDialPolicy, parseMastodonStatus } from "./sources/mastodon";
import { isoTime } from "./sources/ids";
import type { IncomingPost, SourceKind, TrackerQuery } from "./types";

// Historical backfill where the source offers search: Bluesky's public post search
// (app.bsky.feed.searchPosts on the public AppView, no key) and, on Mastodon, the tracker's
// hashtag timelines paged back (public) plus the instance's status search (with the token; only
// where the instance enables full-text search). Every post found is matched with the tracker's
// own matcher (the search only narrows; query.ts searchTerms) and handed to the consumer like a
// live batch, whose (tracker, source, post id) key makes it idempotent: a post already stored live
// — Bluesky's at-URI and Mastodon's status URI are the ids both paths use — is not stored twice.
// Bounded: MAX_BACKFILL_POSTS matched posts and MAX_PAGES requests per search per run.

export { BACKFILL_HOURS } from "./backfill-options";
export const MAX_BACKFILL_POSTS = 5_000;
const MAX_PAGES = 20;
const MAX_SEARCHES = 20;
const FLUSH_POSTS = 1_000;
const BACKFILL_SOURCES: SourceKind[] = ["jetstream", "mastodon"];

export function blueskySearchUrl(env: NodeJS.ProcessEnv = process.env): string {
  return z
    .url()
    .default("https://public.api.bsky.app")
    .parse(env.PULSE_BSKY_SEARCH_URL || undefined);
}

export type BackfillWindow = { from: Date; to: Date };
export type BackfillSummary = {
  searched: number;
  fetched: number;
  matched: number;
  errors: string[];
  truncated: boolean;
};
export type SendPosts = (trackerId: string, posts: IncomingPost[]) => Promise<void>;

/** Whether a tracker has a source that can search its past. */
export const canBackfill = (sources: readonly SourceKind[]) =>
  sources.some((s) => BACKFILL_SOURCES.includes(s));

/** The plain searches for a query: one per alternative of each line, and each hashtag. */
export function searchesFor(query: TrackerQuery): string[] {
  const out = new Set<string>();
  for (const line of query.keywords) {
    if (!line.trim()) continue;
    try {
      for (const t of searchTerms(parseQuery(line))) out.add(t);
    } catch {
      out.add(line.trim());
    }
  }
  for (const h of query.hashtags) out.add(`#${h.replace(/^#+/, "")}`);
  return [...out].slice(0, MAX_SEARCHES);
}

type BskyPost = {
  uri?: unknown;
  author?: { did?: unknown; handle?: unknown };
  record?: { text?: unknown; createdAt?: unknown; langs?: unknown };
};

export function parseBlueskySearchPost(p: BskyPost): IncomingPost | null {
  const uri = typeof p.uri === "string" ? p.uri : null;
  const text = p.record?.text;
  const m = uri ? /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/.exec(uri) : null;
  if (!uri || !m || typeof text !== "string") return null;
  const langs = Array.isArray(p.record?.langs)
    ? p.record.langs.filter((l): l is string => typeof l === "string").slice(0, 8)
    : [];
  const did = m[1]!;
  return {
    source: "jetstream",
    id: uri,
    text: text.slice(0, 10_000),
    createdAt: isoTime(p.record?.createdAt, new Date()),
    // The live path names the author by DID too.
    author: typeof p.author?.did === "string" ? p.author.did : did,
    ...(langs[0] ? { lang: langs[0] } : {}),
    ...(langs.length > 1 ? { langs } : {}),
    url: `https://bsky.app/profile/${did}/post/${m[2]!}`,
  };
}

async function getJson(url: URL, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await safeGet(url, {
    ...mastodonDialPolicy(),
    headers,
    maxBytes: 4 * 1024 * 1024,
    timeoutMs: 20_000,
  });
  if (res.status !== 200) throw new Error(`${url.origin}${url.pathname} answered ${res.status}`);
  return JSON.parse(res.text);
}

async function* searchBluesky(base: string, q: string, w: BackfillWindow) {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL("/xrpc/app.bsky.feed.searchPosts", base);
    url.searchParams.set("q", q);
    url.searchParams.set("sort", "latest");
    url.searchParams.set("since", w.from.toISOString());
    url.searchParams.set("until", w.to.toISOString());
    url.searchParams.set("limit", "100");
    if (cursor) url.searchParams.set("cursor", cursor);
    const body = (await getJson(url)) as { posts?: BskyPost[]; cursor?: unknown };
    const posts = Array.isArray(body.posts) ? body.posts : [];
    yield posts.map(parseBlueskySearchPost);
    cursor = typeof body.cursor === "string" && body.cursor ? body.cursor : undefined;
    if (!cursor || posts.length === 0) return;
  }
}

type Status = Parameters<typeof parseMastodonStatus>[0];

async function* mastodonTag(instance: string, token: string, tag: string, w: BackfillWindow) {
  let maxId: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL(`/api/v1/timelines/tag/${encodeURIComponent(tag)}`, instance);
    url.searchParams.set("limit", "40");
    if (maxId) url.searchParams.set("max_id", maxId);
    const list = (await getJson(url, { Authorization: `Bearer ${token}` })) as Status[];
    if (!Array.isArray(list) || list.length === 0) return;
    yield list.map(parseMastodonStatus);
    // Newest first: once a page reaches before the window, the rest is older still.
    const last = list.at(-1);
    const oldest = Date.parse(String(last?.created_at ?? ""));
    if (!Number.isFinite(oldest) || oldest < w.from.getTime() || list.length < 40) return;
    maxId = String(last?.id);
  }
}

async function* mastodonSearch(instance: string, token: string, q: string) {
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL("/api/v2/search", instance);
    url.searchParams.set("q", q);
    url.searchParams.set("type", "statuses");
    url.searchParams.set("resolve", "false");
    url.searchParams.set("limit", "40");
    url.searchParams.set("offset", String(page * 40));
    const body = (await getJson(url, { Authorization: `Bearer ${token}` })) as {
      statuses?: Status[];
    };
    const list = Array.isArray(body.statuses) ? body.statuses : [];
    if (list.length === 0) return;
    yield list.map(parseMastodonStatus);
    if (list.length < 40) return;
  }
}

/**
 * Searches the tracker's sources over the window and sends the matching posts on, deduplicated
 * within the run (and against live posts by the consumer). Errors of one search are collected,
 * not thrown, so one failing source leaves the others' posts.
 */
export async function backfillTracker(
  trackerId: string,
  window: BackfillWindow,
  send: SendPosts,
  options: { blueskyUrl?: string; maxPosts?: number } = {},
): Promise<BackfillSummary> {
  const t = await db.pulseTracker.findUnique({
    where: { id: trackerId },
    select: {
      keywords: true,
      hashtags: true,
      languages: true,
      sources: true,
      mastodonInstance: true,
      mastodonTokenEnc: true,
    },
  });
  const summary: BackfillSummary = {
    searched: 0,
    fetched: 0,
    matched: 0,
    errors: [],
    truncated: false,
  };
  if (!t) return summary;
  const strings = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  const query: TrackerQuery = {
    keywords: strings(t.keywords),
    hashtags: strings(t.hashtags),
    languages: strings(t.languages),
  };
  const sources = strings(t.sources);
  const match = compileMatcher(query);
  const maxPosts = options.maxPosts ?? MAX_BACKFILL_POSTS;
  const seen = new Set<string>();
  let pending: IncomingPost[] = [];
  // Sent oldest first: the dashboard lists posts in the order they were stored, and searches
  // answer newest first, so a backfill's posts listed oldest on top. Up to FLUSH_POSTS at a time
  // (memory stays bounded), which orders every backfill of that many posts or fewer.
  const flush = async () => {
    if (pending.length)
      await send(
        trackerId,
        pending.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt)),
      );
    pending = [];
  };

  async function take(pages: AsyncGenerator<(IncomingPost | null)[]>) {
    summary.searched++;
    for await (const posts of pages) {
      for (const p of posts) {
        if (!p) continue;
        summary.fetched++;
        const at = Date.parse(p.createdAt);
        if (at < window.from.getTime() || at > window.to.getTime()) continue;
        if (seen.has(p.id) || !match(p)) continue;
        seen.add(p.id);
        pending.push(p);
        summary.matched++;
        if (pending.length >= FLUSH_POSTS) await flush();
        if (summary.matched >= maxPosts) {
          summary.truncated = true;
          return;
        }
      }
    }
  }

  const searches: [label: string, run: () => AsyncGenerator<(IncomingPost | null)[]>][] = [];
  if (sources.includes("jetstream")) {
    const base = options.blueskyUrl ?? blueskySearchUrl();
    for (const q of searchesFor(query))
      searches.push([`Bluesky search “${q}”`, () => searchBluesky(base, q, window)]);
  }
  if (sources.includes("mastodon") && t.mastodonInstance && t.mastodonTokenEnc) {
    const token = decryptSecret(t.mastodonTokenEnc);
    const instance = t.mastodonInstance;
    const tags = new Set(query.hashtags.map((h) => h.replace(/^#+/, "").toLowerCase()));
    for (const q of searchesFor(query)) {
      if (q.startsWith("#")) tags.add(q.slice(1).toLowerCase());
      else searches.push([`Mastodon search “${q}”`, () => mastodonSearch(instance, token, q)]);
    }
    for (const tag of tags)
      searches.unshift([`Mastodon #${tag}`, () => mastodonTag(instance, token, tag, window)]);
  }
  for (const [label, run] of searches) {
    if (summary.truncated) break;
    try {
      await take(run());
    } catch (error) {
      summary.errors.push(`${label}: ${(error as Error).message}`);
    }
  }
  await flush();
  return summary;
}
