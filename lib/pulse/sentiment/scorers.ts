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

// Emoticons wink's list has but its tokenizer splits ("=(" → "=", "("), or lacks ("=)", "xD",
// "</3"): rewritten to ones it reads. Emoji variation selectors go too ("❤️" is "❤" + U+FE0F).
const EMOTICONS: Record<string, string> = {
  "=)": ":)",
  "=]": ":)",
  "=(": ":(",
  "=[": ":(",
  ":'(": ":(",
  ":,(": ":(",
  "='(": ":(",
  ":'‑(": ":(",
  ";(": ":(",
  "=d": ":D",
  xd: ":D",
  "x-d": ":D",
  "d:": ":(",
  "</3": ":(",
  ":'‑)": ":)",
  ":')": ":)",
};
const EMOTICON_RE =
  /(?<![\p{L}\p{N}=:;'<])(=[)\]([]|[:=][',]‑?[()]|;\(|=[dD]|[xX]-?D|D:|<\/3)(?![\p{L}\p{N}])/gu;
const fixEmoticons = (text: string) =>
  text.replace(EMOTICON_RE, (m) => ` ${EMOTICONS[m.toLowerCase()] ?? m} `).replace(/\uFE0F/g, "");

// Negation reaches past the next word: "not at all good", "I don't think it's good", "never been
// so happy" are negative. A negator flips the scored words in the rest of its clause (up to
// NEGATION_WINDOW words, until punctuation or "but"); wink only flips the word right after it.
const NEGATORS: ReadonlySet<string> = new Set(
  `not no never none nobody nothing neither nor cannot cant dont doesnt didnt isnt arent wasnt
  werent wont wouldnt shouldnt couldnt aint havent hasnt hadnt without`.split(/\s+/),
);
const NEGATION_WINDOW = 4;
const CLAUSE_END: ReadonlySet<string> = new Set(["but", "however", "although", "though"]);
const isNegator = (word: string) => NEGATORS.has(word.replace(/'/g, "")) || /n't$/.test(word);

export function winkScore(text: string): number {
  const result = wink(fixEmoticons(normalizeQuotes(text)));
  const tokens = result.tokenizedPhrase ?? [];
  // wink's own normalisation (mean of hashtag scores and of word scores, the latter damped for
  // texts longer than 15 words), redone over the intensified token scores.
  let hss = 0;
  let hashtags = 0;
  let wss = 0;
  let scored = 0;
  let words = 0;
  let previous = "";
  let negationLeft = 0; // words of the current clause still under a negator
  for (const [i, token] of tokens.entries()) {
    const tag = token.tag;
    const value = token.value.toLowerCase();
    if (tag === "word" || tag === "emoji" || tag === "emoticon") words += token.grouped ? 2 : 1;
    let s = token.score ?? 0;
    // A booster or dampener that modifies the next word is not a sentiment of its own: "super
    // sad" is very sad, not "super" (+3) against "sad" (−2), which flipped the post positive.
    const next = tokens[i + 1];
    const modifier =
      tag === "word" &&
      (BOOSTERS.has(value) || DAMPENERS.has(value)) &&
      next?.tag === "word" &&
      (next.score ?? 0) !== 0;
    if (modifier) s = 0;
    if (s !== 0) {
      if (tag === "hashtag") {
        hss += s;
        hashtags += 1;
      } else {
        // wink already flipped the word right after a negator (token.negation); flip the rest of
        // the clause here.
        const negated = token.negation || negationLeft > 0;
        if (tag === "word" && !token.negation && negationLeft > 0) s = -s;
        // "not very good" is milder than "not good", not stronger: leave negated words alone.
        if (tag === "word" && !negated) {
          if (BOOSTERS.has(previous)) s += Math.sign(s);
          // Halving weakens without ever crossing zero ("slightly good" stays positive).
          else if (DAMPENERS.has(previous)) s /= 2;
        }
        wss += s;
        scored += 1;
      }
    }
    if (tag === "punctuation" || CLAUSE_END.has(value)) negationLeft = 0;
    else if (tag === "word" && isNegator(value)) negationLeft = NEGATION_WINDOW;
    else if (tag === "word" && negationLeft > 0) negationLeft -= 1;
    if (tag === "word") previous = value;
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
// `sentiment` 5 scores some emoji (😀 +2, 😂 +1); the AFINN option is the plain word list.
const EMOJI = /\p{Extended_Pictographic}/gu;
const CLAUSE_SPLIT = /[.,;:!?]+(?:\s|$)|\b(?:but|however|although|though)\b/iu;

export function afinnScore(text: string): number {
  // `sentiment` strips punctuation before looking words up, so "@happyuser" would read as
  // "happyuser" and a URL as one long word: drop both first, as wink's tokenizer does.
  const clean = normalizeQuotes(text).replace(URL, " ").replace(MENTION, " ").replace(EMOJI, " ");
  // `sentiment` flips only the word right after a negator and forgets punctuation: score clause
  // by clause and flip the rest of each clause after a negator, as winkScore does.
  let sum = 0;
  let scored = 0;
  for (const clause of clean.split(CLAUSE_SPLIT)) {
    if (!clause.trim()) continue;
    const result = afinn.analyze(clause);
    const calculation = result.calculation.map((c) => Object.entries(c)[0]!).reverse();
    let next = 0; // calculation is in token order after the reverse
    let negationLeft = 0;
    let previousNegator = false;
    for (const token of result.tokens) {
      const entry = calculation[next];
      if (entry && entry[0] === token) {
        next += 1;
        // Right after a negator `sentiment` has flipped it already.
        sum += negationLeft > 0 && !previousNegator ? -entry[1] : entry[1];
        scored += 1;
      }
      previousNegator = isNegator(token);
      if (previousNegator) negationLeft = NEGATION_WINDOW;
      else if (negationLeft > 0) negationLeft -= 1;
    }
  }
  return scored ? round(sum / scored) : 0;
}

const round = (n: number) => Math.round(n * 10_000) / 10_000 || 0;

export const SCORER_FUNCTIONS: Record<Exclude<ScorerName, "model">, (text: string) => number> = {
  wink: winkScore,
  afinn: afinnScore,
};
