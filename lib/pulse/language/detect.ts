import { eld } from "./eld";

// A post's language, from its text, with the platform's tags as a hint. Platform tags are often
// wrong (Bluesky clients tag posts with the app's UI language, a post may carry several tags,
// many carry none), so the text decides when the detector is sure, and the tags when it is not
// ("great!" is too short to tell English from anything). Every post gets a language: a bare
// ISO 639-1 code, or "und" when neither the text nor the tags say (emoji only, a bare link).
//
// Detector: ELD ("Efficient Language Detector", npm eld 2.1.0, its "small" database: 60
// languages, pure JS, no install scripts, no downloads), run by ./eld.ts. On this project's
// multilingual validation tweets it was the most accurate of the npm candidates (eld, cld3-asm,
// tinyld, franc-min) and the fastest; figures in lib/pulse/sentiment/model/README.md.

export const UNDETERMINED = "und";

/** Platform tags → bare lower-case language codes ("en-GB" → "en"), without "und", in order. */
export function languageHints(
  tags: readonly (string | undefined)[] | string | undefined,
): string[] {
  const list = typeof tags === "string" ? tags.split(/[\s,]+/) : (tags ?? []);
  const out: string[] = [];
  for (const tag of list) {
    const code = tag?.trim().toLowerCase().split(/[-_]/)[0];
    if (code && code !== UNDETERMINED && /^[a-z]{2,3}$/.test(code) && !out.includes(code))
      out.push(code);
  }
  return out;
}

// Most posts carry one tag (or none) from a handful: their hints are worked out once per tag.
const HINTS = new Map<string, readonly string[]>();
const NO_HINTS: readonly string[] = Object.freeze([]);

/** languageHints(langs ?? [lang]) — a post's tags as hints — cached for the one-tag case. */
export function postHints(
  lang: string | undefined,
  langs: readonly (string | undefined)[] | undefined,
): readonly string[] {
  if (langs && langs.length !== 1) return languageHints(langs);
  const tag = langs ? langs[0] : lang;
  if (tag === undefined) return NO_HINTS;
  let hints = HINTS.get(tag);
  if (!hints) {
    if (HINTS.size >= 256) HINTS.clear(); // tags come from the feed: bound what is kept
    hints = Object.freeze(languageHints([tag]));
    HINTS.set(tag, hints);
  }
  return hints;
}

// Links and @handles are not language; they only mislead the detector ("https://x.co" → "sk").
const NOISE = /\bhttps?:\/\/\S+|\bwww\.\S+|(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.-]+/giu;
const LETTER = /\p{L}/u;
const MIN_WORDS_TO_GUESS = 3;
const WORDS = (text: string) => text.split(/\s+/).filter((w) => LETTER.test(w)).length;

export function detectLanguage(text: string, hints: readonly string[] = []): string {
  const clean = text.includes("@") || /http|www\./i.test(text) ? text.replace(NOISE, " ") : text;
  if (!LETTER.test(clean)) return hints[0] ?? UNDETERMINED;
  const result = eld().detect(clean);
  const detected = result.language;
  if (detected && result.reliable) return detected;
  // Unsure: a tag the detector agrees with, else the first tag, else the detector's guess when
  // the text has a few words (right more often than not on the validation tweets), else "und":
  // a guess from a word or two ("😍 #solar" → Catalan) would mislabel the post.
  if (detected && hints.includes(detected)) return detected;
  if (hints[0]) return hints[0];
  return detected && WORDS(clean) >= MIN_WORDS_TO_GUESS ? detected : UNDETERMINED;
}
