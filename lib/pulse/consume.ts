import "server-only";
import { createHash } from "node:crypto";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { readStaged } from "./inbox";
import { scorePost } from "./sentiment";
import { sqlTime } from "./sql-time";
import { SCORERS, type IncomingPost, type ScoredPost, type ScorerName } from "./types";

// The consumer's work for one event: score the posts with the tracker's scorer, store the new ones
// and add exactly those to the per-minute aggregates and term counts, all in one transaction.
// Idempotent: (trackerId, source, sourcePostId) is unique, rows are inserted with INSERT IGNORE
// and only the rows its RETURNING lists (the ones this statement inserted) are counted — so a
// replayed batch, or two runs of it at once, change nothing the second time.

/** Per kind and minute, a batch adds its most frequent terms only (all of them in small batches). */
export const TERMS_PER_BATCH = 100;
const MINUTE = 60_000;
// Beyond this a "future" post time is a wrong clock, not news from the future.
const MAX_CLOCK_SKEW_MS = 60_000;

export type StoreResult = { stored: number; duplicates: number; trackerGone?: true };

/**
 * The minute a post is counted in. Live posts count when they were written (a resumed stream's
 * backlog lands in its own minutes). Replayed posts count when they arrive: a replay simulates a
 * live feed at the chosen speed, and a file of last year's posts should still fill "live 15 min".
 */
export function minuteOf(post: IncomingPost, now: number): number {
  const written = Date.parse(post.createdAt);
  const at =
    post.source === "replay" || !Number.isFinite(written) || written > now + MAX_CLOCK_SKEW_MS
      ? now
      : written;
  return Math.floor(at / MINUTE) * MINUTE;
}

// Ids longer than the column are hashed, so they stay unique and idempotent.
// Well-formed, as the stored key comes back (RETURNING) and must match.
function postKey(id: string): string {
  return id.length <= 255
    ? id.toWellFormed()
    : `sha256:${createHash("sha256").update(id).digest("hex")}`;
}

// Well-formed: a tag cut inside a surrogate pair would break the JSON the rows travel in.
const spaced = (items: string[]) =>
  items.length
    ? ` ${[...new Set(items.map((s) => s.slice(0, 100).toWellFormed()))].join(" ")} `
    : "";

type Counts = {
  count: number;
  positive: number;
  negative: number;
  neutral: number;
  unscored: number;
  scoreSum: number;
};

const emptyCounts = (): Counts => ({
  count: 0,
  positive: 0,
  negative: 0,
  neutral: 0,
  unscored: 0,
  scoreSum: 0,
});

function topTerms(counts: Map<string, number>): [string, number][] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TERMS_PER_BATCH);
}

const scorerOf = (name: string): ScorerName =>
  (SCORERS as readonly string[]).includes(name) ? (name as ScorerName) : "model";

/**
 * A batch the listener staged in PulseInbox (inbox.ts): read with its tracker's scorer in one
 * query, then stored by storeScored, whose transaction deletes the row first — so of two runs of
 * one event, the second finds it gone (or waits on the first's lock and then finds it gone) and
 * stores nothing.
 */
export async function storeStaged(
  inbox: string,
  count: number,
  now = Date.now(),
): Promise<StoreResult> {
  const staged = await readStaged(inbox);
  // Gone: stored by an earlier run, or its tracker was deleted (the row went with it).
  if (!staged) return { stored: 0, duplicates: count };
  return storeScored(staged.trackerId, scorerOf(staged.scorer), staged.posts, now, inbox);
}

export async function storeBatch(
  trackerId: string,
  posts: IncomingPost[],
  now = Date.now(),
): Promise<StoreResult> {
  const tracker = await db.pulseTracker.findUnique({
    where: { id: trackerId },
    select: { scorer: true },
  });
  // Deleted while its posts were queued: nothing to count them in.
  if (!tracker) return { stored: 0, duplicates: posts.length, trackerGone: true };
  return storeScored(trackerId, scorerOf(tracker.scorer), posts, now);
}

async function storeScored(
  trackerId: string,
  scorer: ScorerName,
  posts: IncomingPost[],
  now: number,
  inbox?: string,
): Promise<StoreResult> {
  const scored: { post: ScoredPost; key: string; minute: number }[] = posts.map((p) => ({
    post: scorePost(p, scorer),
    key: postKey(p.id),
    minute: minuteOf(p, now),
  }));

  const received = sqlTime(now);
  // The rows as one JSON parameter that MariaDB unpacks (JSON_TABLE): binding 17 parameters per
  // post cost the worker more CPU (Prisma's and the driver's per-value work) than scoring them.
  // Strings are made well-formed first (a lone surrogate, e.g. a text cut inside an emoji, would
  // be broken JSON; the driver used to write it as U+FFFD, which is what toWellFormed gives).
  // Short fields first, the text last: MariaDB's JSON_TABLE finds each column's '$[i]' by scanning
  // the row's array from its start, so every field is read again by each column after it. With
  // the text third it was scanned 11 times a row, and that scanning was ~40 % of MariaDB's CPU in
  // the bench (perf: json_find_path / json_skip_key under ha_json_table::fill_column_values).
  const rows = JSON.stringify(
    scored.map(({ post, key, minute }) => {
      const posted = Date.parse(post.createdAt);
      return [
        post.source,
        post.language.slice(0, 8),
        post.label,
        post.score,
        post.confidence,
        Number.isFinite(posted) ? sqlTime(posted) : received,
        sqlTime(minute),
        post.lang?.slice(0, 35).toWellFormed() ?? null,
        spaced(post.hashtags),
        post.author?.slice(0, 255).toWellFormed() ?? null,
        post.url && post.url.length <= 2048 ? post.url.toWellFormed() : null,
        key,
        spaced(post.terms),
        post.text.slice(0, 10_000).toWellFormed(),
      ];
    }),
  );

  return db.$transaction(
    async (tx) => {
      // The staged batch's claim: deleted (or found gone) before anything is stored.
      if (inbox !== undefined) {
        const claimed = await tx.$executeRaw`DELETE FROM PulseInbox WHERE id = ${inbox}`;
        if (claimed === 0) return { stored: 0, duplicates: posts.length };
      }
      // One statement stores the new posts and says which they were: INSERT IGNORE skips the
      // ones already stored (the unique key), RETURNING lists only the rows it inserted — so a
      // replayed batch, or a post twice in one batch, is counted once, with no read-back query.
      const inserted = await tx.$queryRaw<{ source: string; sourcePostId: string }[]>`
        INSERT IGNORE INTO PulsePost (trackerId, source, sourcePostId, text, author, lang, language,
          url, postedAt, minute, receivedAt, score, label, confidence, hashtags, terms)
        SELECT ${trackerId}, j.source, j.sourcePostId, j.text, j.author, j.lang, j.language, j.url,
          j.postedAt, j.minute, ${received}, j.score, j.label, j.confidence, j.hashtags, j.terms
        FROM JSON_TABLE(${rows}, '$[*]' COLUMNS (
          source VARCHAR(16) PATH '$[0]', language VARCHAR(8) PATH '$[1]',
          label VARCHAR(10) PATH '$[2]', score DOUBLE PATH '$[3]', confidence DOUBLE PATH '$[4]',
          postedAt DATETIME(3) PATH '$[5]', minute DATETIME(3) PATH '$[6]',
          lang VARCHAR(35) PATH '$[7]', hashtags LONGTEXT PATH '$[8]',
          author VARCHAR(255) PATH '$[9]', url VARCHAR(2048) PATH '$[10]',
          sourcePostId VARCHAR(255) PATH '$[11]', terms LONGTEXT PATH '$[12]',
          text LONGTEXT PATH '$[13]')) AS j
        RETURNING source, sourcePostId`;
      if (inserted.length === 0) return { stored: 0, duplicates: posts.length };
      const freshKeys = new Set(inserted.map((r) => `${r.source}\n${r.sourcePostId}`));
      // The first of a batch's copies is the one stored.
      const fresh: {
        label: string;
        score: number | null;
        confidence: number | null;
        language: string;
        minute: Date;
        hashtags: string;
        terms: string;
      }[] = [];
      for (const { post, key, minute } of scored) {
        if (!freshKeys.delete(`${post.source}\n${key}`)) continue;
        fresh.push({
          label: post.label,
          score: post.score,
          confidence: post.confidence,
          language: post.language.slice(0, 8),
          minute: new Date(minute),
          hashtags: spaced(post.hashtags),
          terms: spaced(post.terms),
        });
      }

      const perMinute = new Map<number, Counts>();
      const perLanguage = new Map<string, Counts & { confidenceSum: number }>(); // "minute|lang"
      const termCounts = new Map<string, Map<string, number>>(); // "minute|kind" → term → n
      for (const row of fresh) {
        const minute = row.minute.getTime();
        const c = perMinute.get(minute) ?? emptyCounts();
        perMinute.set(minute, c);
        c.count += 1;
        if (row.label === "positive") c.positive += 1;
        else if (row.label === "negative") c.negative += 1;
        else if (row.label === "neutral") c.neutral += 1;
        else c.unscored += 1;
        c.scoreSum += row.score ?? 0;
        const languageKey = `${minute}|${row.language}`;
        const l = perLanguage.get(languageKey) ?? { ...emptyCounts(), confidenceSum: 0 };
        perLanguage.set(languageKey, l);
        l.count += 1;
        l[
          row.label === "positive" || row.label === "negative" || row.label === "neutral"
            ? row.label
            : "unscored"
        ] += 1;
        l.scoreSum += row.score ?? 0;
        l.confidenceSum += row.confidence ?? 0;
        for (const [kind, text] of [
          ["hashtag", row.hashtags],
          ["term", row.terms],
        ] as const) {
          const bucket = `${minute}|${kind}`;
          const m = termCounts.get(bucket) ?? new Map<string, number>();
          termCounts.set(bucket, m);
          for (const t of text.split(" ")) if (t) m.set(t, (m.get(t) ?? 0) + 1);
        }
      }

      const updatedAt = sqlTime(now);
      const termRows = [...termCounts.entries()]
        .flatMap(([bucket, m]) => {
          const [minute, kind] = bucket.split("|") as [string, string];
          return topTerms(m).map(([term, n]) => ({ minute: Number(minute), kind, term, n }));
        })
        .sort((a, b) =>
          a.kind !== b.kind
            ? a.kind < b.kind
              ? -1
              : 1
            : a.minute - b.minute || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0),
        );
      if (termRows.length > 0) {
        await tx.$executeRaw`
          INSERT INTO PulseTermCount (trackerId, kind, minute, term, count)
          SELECT ${trackerId}, j.kind, j.minute, j.term, j.n
          FROM JSON_TABLE(${JSON.stringify(termRows.map((r) => [r.kind, sqlTime(r.minute), r.n, r.term]))},
            '$[*]' COLUMNS (kind VARCHAR(8) PATH '$[0]', minute DATETIME(3) PATH '$[1]',
              n INT PATH '$[2]', term VARCHAR(100) PATH '$[3]')) AS j
          ON DUPLICATE KEY UPDATE count = count + VALUES(count)`;
      }
      const languageRows = [...perLanguage.entries()]
        .map(([key, c]) => {
          const [minute, language] = key.split("|") as [string, string];
          return { minute: Number(minute), language, c };
        })
        .sort((a, b) => a.minute - b.minute || (a.language < b.language ? -1 : 1));
      await tx.$executeRaw`
        INSERT INTO PulseLanguageCount (trackerId, minute, language, count, positive, negative, neutral, unscored, scoreSum, confidenceSum)
        VALUES ${Prisma.join(
          languageRows.map(
            ({ minute, language, c }) =>
              Prisma.sql`(${trackerId}, ${sqlTime(minute)}, ${language}, ${c.count}, ${c.positive}, ${c.negative}, ${c.neutral}, ${c.unscored}, ${c.scoreSum}, ${c.confidenceSum})`,
          ),
        )}
        ON DUPLICATE KEY UPDATE count = count + VALUES(count), positive = positive + VALUES(positive),
          negative = negative + VALUES(negative), neutral = neutral + VALUES(neutral),
          unscored = unscored + VALUES(unscored), scoreSum = scoreSum + VALUES(scoreSum),
          confidenceSum = confidenceSum + VALUES(confidenceSum)`;
      // Sorted keys: concurrent batches of one tracker lock the same rows in the same order. The
      // minute's aggregate row is the one every batch of the minute updates, so it goes last: its
      // lock is held only until the commit. Its updatedAt is also what tells the live stream that
      // term and language counts changed (they have none of their own: one index less to move).
      const minutes = [...perMinute.entries()].sort((a, b) => a[0] - b[0]);
      await tx.$executeRaw`
        INSERT INTO PulseAggregate (trackerId, minute, count, positive, negative, neutral, unscored, scoreSum, updatedAt)
        VALUES ${Prisma.join(
          minutes.map(
            ([m, c]) =>
              Prisma.sql`(${trackerId}, ${sqlTime(m)}, ${c.count}, ${c.positive}, ${c.negative}, ${c.neutral}, ${c.unscored}, ${c.scoreSum}, ${updatedAt})`,
          ),
        )}
        ON DUPLICATE KEY UPDATE count = count + VALUES(count), positive = positive + VALUES(positive),
          negative = negative + VALUES(negative), neutral = neutral + VALUES(neutral),
          unscored = unscored + VALUES(unscored), scoreSum = scoreSum + VALUES(scoreSum),
          updatedAt = VALUES(updatedAt)`;

      return { stored: fresh.length, duplicates: posts.length - fresh.length };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}
