import "server-only";
import { db } from "@/lib/db/client";
import { minutesFrom } from "./aggregates";
import { csvLine } from "./csv";
import { postSelect, toPostView } from "./posts";

// CSV exports, streamed a page at a time so a tracker's 100,000 posts never sit in memory whole.
// Callers have checked ownership.

const PAGE = 1_000;

export const AGGREGATE_HEADER = [
  "minute_utc",
  "posts",
  "positive",
  "negative",
  "neutral",
  "unscored",
  "mean_score",
];
// `id` is the platform's own post id (Bluesky's at:// URI, Mastodon's status id, the replay
// file's id), so rows can be matched back to the source; `lang` is the platform's tag as received
// and `language` what Stratus read from the text.
export const POST_HEADER = [
  "id",
  "source",
  "posted_at_utc",
  "author",
  "lang",
  "language",
  "label",
  "score",
  "confidence",
  "hashtags",
  "text",
  "url",
];

export async function* aggregatesCsv(trackerId: string, fromMs: number): AsyncGenerator<string> {
  yield csvLine(AGGREGATE_HEADER);
  for (const m of await minutesFrom(trackerId, fromMs)) {
    const scored = m.count - m.unscored;
    yield csvLine([
      new Date(m.t).toISOString(),
      m.count,
      m.positive,
      m.negative,
      m.neutral,
      m.unscored,
      scored > 0 ? Math.round((m.scoreSum / scored) * 1000) / 1000 : null,
    ]);
  }
}

export async function* postsCsv(trackerId: string, fromMs: number): AsyncGenerator<string> {
  yield csvLine(POST_HEADER);
  let before: bigint | undefined;
  for (;;) {
    const rows = await db.pulsePost.findMany({
      where: {
        trackerId,
        receivedAt: { gte: new Date(fromMs) },
        ...(before ? { id: { lt: before } } : {}),
      },
      orderBy: { id: "desc" },
      take: PAGE,
      select: { ...postSelect, sourcePostId: true },
    });
    for (const row of rows) {
      const p = toPostView(row);
      yield csvLine([
        row.sourcePostId,
        p.source,
        new Date(p.postedAt).toISOString(),
        p.author,
        p.lang,
        p.language,
        p.label,
        p.score,
        p.confidence,
        p.hashtags.map((h) => `#${h}`).join(" "),
        p.text,
        p.url,
      ]);
    }
    if (rows.length < PAGE) return;
    before = rows.at(-1)!.id;
  }
}
