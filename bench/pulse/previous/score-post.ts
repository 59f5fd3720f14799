// Previous implementation (as of commit fdaa2e3), kept for bench:pulse's same-process baseline only.
import { UNDETERMINED } from "@/lib/pulse/language/detect";
import type { IncomingPost, ScoredPost, SentimentLabel } from "@/lib/pulse/types";
import { detectLanguage, languageHints } from "./detect";
import { readModel, type SentimentModel } from "./model";
import { extractTerms } from "./terms";

// The full default scoring path (language + model score + hashtags + terms) as it was before
// the single-pass rewrite (commit fdaa2e3), kept only so bench:pulse can print the new path's
// ratio against it in the same process, interleaved.

let model: SentimentModel | undefined;

export function previousScorePost(post: IncomingPost): ScoredPost {
  model ??= readModel();
  const language = detectLanguage(post.text, languageHints(post.langs ?? [post.lang]));
  const as = language === UNDETERMINED ? "en" : model.knows(language) ? language : null;
  let score: number | null = null;
  let label: SentimentLabel = "unscored";
  let confidence: number | null = null;
  if (as !== null) {
    const p = model.predict(post.text, as);
    score = p.score;
    label = p.label;
    confidence = p.confidence;
  }
  const { hashtags, terms } = extractTerms(post.text);
  return { ...post, language, score, label, confidence, hashtags, terms };
}
