// Previous implementation (as of commit fdaa2e3), kept for bench:pulse's same-process baseline only.
import afinnWords from "wink-sentiment/src/afinn-en-165.js";
import winkEmojis from "wink-sentiment/src/emojis.js";

// The sentiment model's features, shared by training (train/train.ts) and scoring (model.ts) so
// the two cannot drift apart. A post becomes a bag of hashed features (the "hashing trick": no
// vocabulary to ship, a fixed-size weight table):
// - word unigrams and bigrams, with words after a negator marked until the next punctuation
//   ("not good at all" → !good !at !all), which a bag of words otherwise cannot see;
// - character 3–5-grams inside each word (spelling variants, inflections, Arabic and Hindi
//   morphology, elongations);
// - lexicon features: the AFINN-165 sum of the post (negation-aware) and wink's emoji scores,
//   in buckets, so the lexicon's knowledge of rare words reaches the model;
// - each feature twice: once shared by all languages and once tied to the post's language, so
//   the seven small languages learn from English where words and emoji agree and still get
//   their own weights.
// Changing anything here changes what the weights mean: bump FEATURES_VERSION and retrain.

export const FEATURES_VERSION = 1;
export const HASH_BITS = 19;
export const BUCKETS = 1 << HASH_BITS;
export const MAX_FEATURES = 2048;

const AFINN: ReadonlyMap<string, number> = new Map(Object.entries(afinnWords));
const EMOJI: ReadonlyMap<string, number> = new Map(Object.entries(winkEmojis));

// Negators across the model's languages (en, es, pt, fr, it, de, ar, hi incl. romanised Hindi).
const NEGATORS: ReadonlySet<string> = new Set(
  `not no never nothing nobody none nor neither cannot cant dont doesnt didnt isnt arent wasnt
  werent wont wouldnt shouldnt couldnt aint havent hasnt hadnt without
  nunca nada nadie ningún ninguna ni sin não nao nem jamais pas ne personne rien aucun sans non
  mai niente nessuno senza nicht kein keine keinen keiner nie niemals nichts ohne
  لا لم لن ما ليس مش مو nahi nahin nai mat na नहीं न मत`.split(/\s+/),
);

const URL_RE = /\bhttps?:\/\/\S+|\bwww\.\S+|\bhttps?\b/giu;
const MENTION_RE = /(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.-]+/gu;
const ENTITY_RE = /&(amp|lt|gt|quot|#39);/g;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" };
// Words (letters, marks, digits, inner apostrophes), emoji, emoticons, and punctuation runs.
const TOKEN_RE =
  /[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}'_]*|\p{Extended_Pictographic}|<\/?3|[:;=8][-o^']?[)(\][dDpP/\\|*3@$oO]+|[)(\]\[dD][-o^']?[:;=]|[!?]+|[.,;:…]/gu;
const PUNCT_RE = /^[!?.,;:…]/u;
const ELONGATED_RE = /(.)\1{2,}/gu;

// Each replace only when its trigger is present: most posts have no URL, entity or escape, and
// these regexes cost more than the check.
export function normalize(text: string): string {
  let t = text.replace(/[’‘`´]/g, "'");
  if (t.includes("\\u")) t = t.replace(/\\u2019/g, "'").replace(/\\u002c/g, ",");
  if (t.includes("&")) t = t.replace(ENTITY_RE, (_, e: string) => ENTITIES[e] ?? "");
  if (/http|www\./i.test(t)) t = t.replace(URL_RE, " ");
  if (t.includes("@")) t = t.replace(MENTION_RE, " ");
  return t.toLowerCase().replace(ELONGATED_RE, "$1$1$1");
}

export function tokenize(text: string): string[] {
  return normalize(text).match(TOKEN_RE) ?? [];
}

// 32-bit FNV-1a over UTF-16 code units, finished with murmur3's mixer for good low bits.
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hashRange(s: string, start: number, end: number, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = start; i < end; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const hashString = (s: string) => hashRange(s, 0, s.length, 0x9);
const combine = (a: number, b: number) => fmix((Math.imul(a, 0x9e3779b1) ^ b) >>> 0);

export function languageSeed(lang: string): number {
  return hashRange(lang, 0, lang.length, 0x5bd1e995);
}

const WORD_START_RE = /[\p{L}\p{N}]/u;

/** Hashed features of a text: bucket indices into `out` (repeats allowed); returns the count. */
export function featurize(text: string, lang: string, out: Int32Array): number {
  const tokens = tokenize(text);
  const langSeed = languageSeed(lang);
  const mask = BUCKETS - 1;
  const limit = out.length - 2;
  let n = 0;
  // Word, phrase and lexicon features go in twice (shared and for this language); character
  // n-grams, the bulk, only once (shared): spelling carries across languages well enough.
  const add = (h: number) => {
    if (n > limit) return;
    out[n++] = fmix(h) & mask;
    out[n++] = combine(h, langSeed) & mask;
  };
  add(0x1234567); // bias

  let negated = false;
  let previous = 0x2bad; // start-of-post marker
  let lexicon = 0;
  let positives = 0;
  let negatives = 0;
  for (const token of tokens) {
    const punct = PUNCT_RE.test(token);
    if (punct) negated = false;
    const h = hashRange(token, 0, token.length, negated ? 0x2 : 0x1);
    add(h);
    add(combine(previous, h));
    previous = h;

    const isWord = !punct && WORD_START_RE.test(token[0]!);
    if (isWord && token.length >= 2) {
      // Character 3–5-grams of " token ", each start's three lengths hashed in one pass.
      const len = token.length + 2;
      for (let i = 0; i + 3 <= len && n + 3 <= limit; i++) {
        let g = 0x811c9dc5;
        for (let k = 0; k < 5 && i + k < len; k++) {
          const at = i + k;
          g ^= at === 0 || at === len - 1 ? 32 : token.charCodeAt(at - 1);
          g = Math.imul(g, 0x01000193);
          if (k >= 2) out[n++] = fmix((g ^ Math.imul(k, 0x27d4eb2d)) >>> 0) & mask;
        }
      }
    }
    const lex = AFINN.get(token) ?? EMOJI.get(token) ?? 0;
    if (lex !== 0) {
      const s = negated && isWord ? -lex : lex;
      lexicon += s;
      if (s > 0) positives += 1;
      else negatives += 1;
    }
    if (isWord && NEGATORS.has(token.endsWith("n't") ? "not" : token)) negated = true;
  }
  add(hashString(`lex${Math.max(-6, Math.min(6, Math.round(lexicon)))}`));
  if (positives) add(hashString(`pos${Math.min(positives, 3)}`));
  if (negatives) add(hashString(`neg${Math.min(negatives, 3)}`));
  if (positives === 0 && negatives === 0) add(0x7e11);
  return n;
}
