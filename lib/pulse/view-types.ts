import type { SentimentLabel, SourceKind } from "./types";

// What the dashboard receives: plain JSON (times as epoch ms, post ids as strings).

export type MinuteRow = {
  t: number;
  count: number;
  positive: number;
  negative: number;
  neutral: number;
  unscored: number;
  scoreSum: number;
};

export type TermRow = { term: string; count: number };

/** One language over the dashboard's range (PulseLanguageCount summed). */
export type LanguageRow = {
  language: string;
  count: number;
  positive: number;
  negative: number;
  neutral: number;
  unscored: number;
  scoreSum: number;
  confidenceSum: number;
};

export type PostView = {
  id: string;
  source: SourceKind;
  text: string;
  author: string | null;
  url: string | null;
  lang: string | null; // the platform's tag, as received
  language: string; // read from the text (ISO 639-1), "und" when nothing tells
  postedAt: number;
  score: number | null;
  label: SentimentLabel;
  confidence: number | null; // the model's probability of its label
  hashtags: string[];
  terms: string[];
};

export type Snapshot = {
  at: number;
  minutes: MinuteRow[];
  hashtags: TermRow[];
  terms: TermRow[];
  languages: LanguageRow[];
  posts: PostView[];
};

/** One message of the live stream: rows are absolute values, so applying one twice is harmless. */
export type LiveDelta = {
  cursor: number;
  minutes: MinuteRow[];
  hashtags?: TermRow[];
  terms?: TermRow[];
  languages?: LanguageRow[];
  posts: PostView[];
};

/** The dashboard's widgets under a hashtag, term or language filter (lib/pulse/filtered.ts). */
export type FilteredView = {
  at: number;
  minutes: MinuteRow[];
  languages: LanguageRow[];
  hashtags: TermRow[];
  terms: TermRow[];
  /** The oldest post still kept, or null: the view cannot reach before it. */
  keptSince: number | null;
};
