import Sentiment from "sentiment";
import wink from "wink-sentiment";
import type { ScorerName } from "../types";

// The two scorers a tracker can pick (see docs/sentiment.md for how they compare):
// - "wink": wink-sentiment (AFINN-165 + emoji, emoticons, negation, two-word phrases), plus
//   intensifiers ("very good" > "good", "slightly good" < "good"), which AFINN has no notion of.
// - "afinn": the textbook's plain AFINN-165 word scores (the `sentiment` package), the baseline.
// Both return a score on AFINN's scale (about -5…+5, the mean of the scored words), so trackers
// with different scorers can share a chart.

// Words that strengthen or weaken the sentiment word right after them (VADER's booster list, cut
// down to the common ones). AFINN words score ±1…±5; one step up or down keeps the sign.
const BOOSTERS: ReadonlySet<string> = new Set(
  `absolutely amazingly awfully completely deeply enormously entirely especially exceptionally
  extremely fully greatly highly hugely incredibly intensely majorly most particularly purely quite
  really remarkably so soo sooo substantially super thoroughly totally tremendously truly
  unbelievably utterly very`.split(/\s+/),
);
const DAMPENERS: ReadonlySet<string> = new Set(
  `almost barely hardly kinda kindof marginally partly scarcely slightly somewhat sorta`.split(
    /\s+/,
  ),
);

// wink's tokenizer splits on the typographic apostrophe (phones type it): "don’t" would lose
// its negation.
const normalizeQuotes = (text: string) => text.replace(/[’‘`]/g, "'");

export function winkScore(text: string): number {
  const result = wink(normalizeQuotes(text));
  const tokens = result.tokenizedPhrase ?? [];
  // wink's own normalisation (mean of hashtag scores and of word scores, the latter damped for
  // texts longer than 15 words), redone over the intensified token scores.
  let hss = 0;
  let hashtags = 0;
  let wss = 0;
  let scored = 0;
  let words = 0;
  let previous = "";
  for (const token of tokens) {
    const tag = token.tag;
    if (tag === "word" || tag === "emoji" || tag === "emoticon") words += token.grouped ? 2 : 1;
    let s = token.score ?? 0;
    if (s !== 0) {
      if (tag === "hashtag") {
        hss += s;
        hashtags += 1;
      } else {
        // "not very good" is milder than "not good", not stronger: leave negated words alone.
        if (tag === "word" && !token.negation) {
          if (BOOSTERS.has(previous)) s += Math.sign(s);
          else if (DAMPENERS.has(previous) && Math.abs(s) > 1) s -= Math.sign(s);
        }
        wss += s;
        scored += 1;
      }
    }
    if (tag === "word") previous = token.value.toLowerCase();
    else if (tag !== "punctuation") previous = "";
  }
  const nhss = hashtags ? hss / hashtags : 0;
  const nwss = scored ? wss / scored / Math.sqrt(words > 15 ? words / 15 : 1) : 0;
  const score = nhss && nwss ? (nhss + nwss) / 2 : nhss || nwss;
  return round(score);
}

const afinn = new Sentiment();
const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/giu;
const MENTION = /(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.-]+/gu;

export function afinnScore(text: string): number {
  // `sentiment` strips punctuation before looking words up, so "@happyuser" would read as
  // "happyuser" and a URL as one long word: drop both first, as wink's tokenizer does.
  const result = afinn.analyze(normalizeQuotes(text).replace(URL, " ").replace(MENTION, " "));
  const scored = result.calculation.length;
  return scored ? round(result.score / scored) : 0;
}

const round = (n: number) => Math.round(n * 10_000) / 10_000 || 0;

export const SCORER_FUNCTIONS: Record<ScorerName, (text: string) => number> = {
  wink: winkScore,
  afinn: afinnScore,
};
