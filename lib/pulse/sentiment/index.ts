import type { IncomingPost, ScoredPost, ScorerName, SentimentLabel } from "../types";
import { SCORER_FUNCTIONS } from "./scorers";
import { extractTerms } from "./terms";

export { extractTerms, extractHashtags } from "./terms";
export { afinnScore, winkScore } from "./scorers";

// No installable scorer does better than chance on non-English posts (docs/sentiment.md): those
// are counted as "unscored". Posts that carry no language are assumed English.
export function isScorable(lang: string | undefined): boolean {
  return !lang || /^en(?:$|[-_])/i.test(lang.trim());
}

export function labelOf(score: number | null): SentimentLabel {
  if (score === null) return "unscored";
  return score > 0 ? "positive" : score < 0 ? "negative" : "neutral";
}

export function scorePost(post: IncomingPost, scorer: ScorerName): ScoredPost {
  const score = isScorable(post.lang) ? SCORER_FUNCTIONS[scorer](post.text) : null;
  return { ...post, score, label: labelOf(score), ...extractTerms(post.text) };
}
