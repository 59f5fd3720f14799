// The contract between Pulse's two halves: the listener side (sources, matching, scoring) and the
// app side (trackers, consumer, aggregates, dashboard). Keep it small; both sides import it.

export const SOURCE_KINDS = ["jetstream", "mastodon", "x", "replay"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const SCORERS = ["wink", "afinn"] as const;
export type ScorerName = (typeof SCORERS)[number];

// What a tracker looks for. Keywords match on word boundaries, case-insensitively; hashtags match
// the post's #tags (stored without '#', lower-case); an empty language list means any language.
export type TrackerQuery = {
  keywords: string[];
  hashtags: string[];
  languages: string[];
};

// One post as a source delivers it, before scoring. `id` is the source's own post id and is the
// idempotency key together with the tracker (Jetstream: at-URI; Mastodon: status URI; X: tweet id;
// replay: the file's id column, or a hash of the row when it has none).
export type IncomingPost = {
  source: SourceKind;
  id: string;
  text: string;
  createdAt: string; // ISO 8601
  author?: string;
  lang?: string;
  url?: string;
};

export type SentimentLabel = "positive" | "negative" | "neutral" | "unscored";

export type ScoredPost = IncomingPost & {
  score: number | null; // null when unscored (non-English)
  label: SentimentLabel;
  hashtags: string[]; // lower-case, without '#'
  terms: string[]; // lower-case, stop words removed
};
