// The contract between Pulse's two halves: the listener side (sources, matching, scoring) and the
// app side (trackers, consumer, aggregates, dashboard). Keep it small; both sides import it.

export const SOURCE_KINDS = ["jetstream", "mastodon", "x", "replay"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
/** What users call each source ("jetstream" is how Bluesky's firehose reaches us). */
export const SOURCE_NAMES: Record<SourceKind, string> = {
  jetstream: "Bluesky",
  mastodon: "Mastodon",
  x: "X",
  replay: "Replay",
};

// "model": the trained classifier (lib/pulse/sentiment/model), the default; the two lexicons stay
// for trackers that want a transparent word list.
export const SCORERS = ["model", "wink", "afinn"] as const;
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
  // The platform's language tag(s), a hint only: the language is read from the text (language.ts).
  lang?: string;
  langs?: string[]; // every tag, when the platform gives several (Bluesky: ["ja", "en"])
  url?: string;
};

export type SentimentLabel = "positive" | "negative" | "neutral" | "unscored";

export type ScoredPost = IncomingPost & {
  language: string; // ISO 639-1 from the text (tags as a hint), "und" when nothing tells
  score: number | null; // null when unscored (a language the scorer does not know)
  label: SentimentLabel;
  confidence: number | null; // the model's probability of its label; null for lexicons
  hashtags: string[]; // lower-case, without '#'
  terms: string[]; // lower-case, stop words removed
};
