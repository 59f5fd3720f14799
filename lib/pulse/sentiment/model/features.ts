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

// One lookup per token: AFINN first, then wink's emoji (as `AFINN.get(t) ?? EMOJI.get(t)`).
const LEXICON: ReadonlyMap<string, number> = new Map([
  ...Object.entries(winkEmojis),
  ...Object.entries(afinnWords),
]);

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
const ELONGATED_RE = /(.)\1{2,}/gu;

// Each replace only when its trigger is present: most posts have no URL, entity or escape, and
// these regexes cost more than the check.
export function normalize(text: string): string {
  let t = text.replace(/[’‘`´]/g, "'");
  if (t.includes("\\u")) t = t.replace(/\\u2019/g, "'").replace(/\\u002c/g, ",");
  if (t.includes("&")) t = t.replace(ENTITY_RE, (_, e: string) => ENTITIES[e] ?? "");
  if (/http|www\./i.test(t)) t = t.replace(URL_RE, " ");
  if (t.includes("@")) t = t.replace(MENTION_RE, " ");
  t = t.toLowerCase();
  return mayRepeat(t) ? t.replace(ELONGATED_RE, "$1$1$1") : t;
}

// Whether a character may repeat 3+ times: three equal code units in a row, or a surrogate pair
// three times ("😂😂😂"). Cheaper than the back-reference regex, which then only confirms.
function mayRepeat(t: string): boolean {
  for (let i = 0; i + 2 < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c !== t.charCodeAt(i + 2)) continue;
    if (c === t.charCodeAt(i + 1)) return true;
    const d = t.charCodeAt(i + 1);
    if (c === t.charCodeAt(i + 4) && d === t.charCodeAt(i + 3) && d === t.charCodeAt(i + 5))
      return true;
  }
  return false;
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

const WORD_START_RE = /^[\p{L}\p{N}]/u;

// The lexicon and the negators in one compact table searched by the token's own hash: a Map of
// ~3,600 strings looked up with a fresh token string was a third of featurize's time, most of it
// cache misses over the Map's scattered entries. Keys are kept in one string to confirm a hit.
class WordTable {
  readonly lexicon: Float64Array;
  readonly negator: Uint8Array;
  private readonly keys: string;
  private readonly start: Int32Array;
  private readonly slots: Int32Array;

  constructor(lexicon: ReadonlyMap<string, number>, negators: ReadonlySet<string>) {
    const words = [...new Set([...lexicon.keys(), ...negators])];
    this.lexicon = Float64Array.from(words, (w) => lexicon.get(w) ?? 0);
    this.negator = Uint8Array.from(words, (w) => (negators.has(w) ? 1 : 0));
    this.keys = words.join("");
    this.start = new Int32Array(words.length + 1);
    for (let i = 0; i < words.length; i++) this.start[i + 1] = this.start[i]! + words[i]!.length;
    let size = 1;
    while (size < words.length * 2) size <<= 1;
    this.slots = new Int32Array(size);
    for (let i = 0; i < words.length; i++) {
      let slot = hashRange(words[i]!, 0, words[i]!.length, 0x3) & (size - 1);
      while (this.slots[slot] !== 0) slot = (slot + 1) & (size - 1);
      this.slots[slot] = i + 1;
    }
  }

  /** The word's entry, or −1. */
  find(word: string): number {
    const mask = this.slots.length - 1;
    for (let slot = hashRange(word, 0, word.length, 0x3) & mask; ; slot = (slot + 1) & mask) {
      const i = this.slots[slot]! - 1;
      if (i < 0) return -1;
      const from = this.start[i]!;
      if (this.start[i + 1]! - from !== word.length) continue;
      let k = 0;
      while (k < word.length && this.keys.charCodeAt(from + k) === word.charCodeAt(k)) k++;
      if (k === word.length) return i;
    }
  }
}

const WORDS = new WordTable(LEXICON, NEGATORS);

/** The token's entry in the lexicon-and-negators table, or −1 (for a sink's memo). */
export const lexiconEntry = (token: string) => WORDS.find(token);

// PUNCT: the token starts with one of !?.,;:… (a punctuation run: ends a negation's scope).
function isPunct(c: number): boolean {
  return c === 33 || c === 63 || c === 46 || c === 44 || c === 59 || c === 58 || c === 0x2026;
}

// A word starts with a letter or digit; ASCII decided here, the rest by the Unicode classes.
function isWordStart(token: string): boolean {
  const c = token.charCodeAt(0);
  if (c < 0x80) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
  return WORD_START_RE.test(token[0]!);
}

/**
 * Takes over a word's character n-grams (see featurize): the scorer memoises their weight sum per
 * word, the bulk of a post's features (three per character) and of its weight reads.
 */
export interface WordGramSink {
  /** Features taken so far (each call below adds its count). */
  readonly count: number;
  /**
   * The word's 3L − 3 character n-grams (wordGrams) count as features; `h` is its token hash.
   * Returns lexiconEntry(token) (which a per-word memo can keep too).
   */
  word(token: string, h: number): number;
  /** Feature h twice, shared and tied to the language (twiceBuckets), counts as two features. */
  twice(h: number, langSeed: number): void;
}

/** The two buckets addTwice writes for feature hash h: [shared, tied to the language]. */
export const sharedBucket = (h: number) => fmix(h) & (BUCKETS - 1);
export const languageBucket = (h: number, langSeed: number) => combine(h, langSeed) & (BUCKETS - 1);

/** How many character n-grams a word of `length` ≥ 2 code units has (wordGrams writes them). */
export const gramCount = (length: number) => 3 * length - 3;

/** The character 3–5-grams of " token " into `out` from `at` (gramCount of them); returns the end. */
export function wordGrams(token: string, out: Int32Array, at: number): number {
  const len = token.length + 2;
  let n = at;
  for (let i = 0; i + 3 <= len; i++) n = gramsAt(token, len, i, out, n);
  return n;
}

// The n-grams starting at i of " token " (len = token.length + 2), its three lengths hashed in
// one pass.
function gramsAt(token: string, len: number, i: number, out: Int32Array, n: number): number {
  const mask = BUCKETS - 1;
  let g = 0x811c9dc5;
  for (let k = 0; k < 5 && i + k < len; k++) {
    const at = i + k;
    g ^= at === 0 || at === len - 1 ? 32 : token.charCodeAt(at - 1);
    g = Math.imul(g, 0x01000193);
    if (k >= 2) out[n++] = fmix((g ^ Math.imul(k, 0x27d4eb2d)) >>> 0) & mask;
  }
  return n;
}

/**
 * Hashed features of a text: bucket indices into `out` (repeats allowed); returns the count.
 * With a `sink`, a word's character n-grams go to the sink instead of `out` whenever they all
 * fit (they always do but in posts of thousands of characters): then the count returned is of
 * the features written, and the sink's grams (gramCount per word) make up the rest. Training
 * passes no sink; the features are the same either way.
 */
export function featurize(
  text: string,
  lang: string,
  out: Int32Array,
  sink?: WordGramSink,
): number {
  const tokens = tokenize(text);
  const langSeed = languageSeed(lang);
  const limit = out.length - 2;
  // n: features so far (written + sunk), which the bound counts; written: those in `out`, so
  // n − sunk, where sunk is what the sink has counted since this call began (sunkOf).
  let n = 0;
  const base = sink ? sink.count : 0;
  // Word, phrase and lexicon features go in twice (shared and for this language); character
  // n-grams, the bulk, only once (shared): spelling carries across languages well enough.
  // (A module function, not a closure made per call: that cost more than its work.)
  n = addTwice(out, n, limit, 0x1234567, langSeed, sink); // bias

  let negated = false;
  let previous = 0x2bad; // start-of-post marker
  let lexicon = 0;
  let positives = 0;
  let negatives = 0;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    const first = token.charCodeAt(0);
    const punct = isPunct(first);
    if (punct) negated = false;
    const h = hashRange(token, 0, token.length, negated ? 0x2 : 0x1);
    n = addTwice(out, n, limit, h, langSeed, sink);
    n = addTwice(out, n, limit, combine(previous, h), langSeed, sink);
    previous = h;

    const isWord = !punct && isWordStart(token);
    let entry = -2; // not looked up yet
    if (isWord && token.length >= 2) {
      // Character 3–5-grams of " token ", while there is room (checked before each start; the
      // last start's check is the strictest, so a sink takes the word when that one passes).
      const count = gramCount(token.length);
      if (sink && n + count + 2 <= limit) {
        entry = sink.word(token, h);
        n += count;
      } else {
        const len = token.length + 2;
        const sunk = sunkOf(sink, base);
        for (let i = 0; i + 3 <= len && n + 3 <= limit; i++) {
          const end = gramsAt(token, len, i, out, n - sunk);
          n = end + sunk;
        }
      }
    }
    if (entry === -2) entry = WORDS.find(token);
    const lex = entry < 0 ? 0 : WORDS.lexicon[entry]!;
    if (lex !== 0) {
      const s = negated && isWord ? -lex : lex;
      lexicon += s;
      if (s > 0) positives += 1;
      else negatives += 1;
    }
    // As NEGATORS.has(token.endsWith("n't") ? "not" : token).
    if (isWord && (token.endsWith("n't") || (entry >= 0 && WORDS.negator[entry] === 1)))
      negated = true;
  }
  const lex = LEX_HASH[Math.max(-6, Math.min(6, Math.round(lexicon))) + 6]!;
  n = addTwice(out, n, limit, lex, langSeed, sink);
  if (positives) n = addTwice(out, n, limit, POS_HASH[Math.min(positives, 3)]!, langSeed, sink);
  if (negatives) n = addTwice(out, n, limit, NEG_HASH[Math.min(negatives, 3)]!, langSeed, sink);
  if (positives === 0 && negatives === 0) n = addTwice(out, n, limit, 0x7e11, langSeed, sink);
  return n - sunkOf(sink, base);
}

/** Features the sink has taken since featurize began (its count was `base` then). */
const sunkOf = (sink: WordGramSink | undefined, base: number) => (sink ? sink.count - base : 0);

/**
 * Feature h twice, shared and tied to the language, while there is room: to the sink if there is
 * one (it memoises their weight sums), else into `out`. Returns the count.
 */
function addTwice(
  out: Int32Array,
  n: number,
  limit: number,
  h: number,
  langSeed: number,
  sink: WordGramSink | undefined,
): number {
  if (n > limit) return n;
  if (sink) {
    sink.twice(h, langSeed);
    return n + 2;
  }
  out[n] = sharedBucket(h);
  out[n + 1] = languageBucket(h, langSeed);
  return n + 2;
}

// The lexicon bucket features' hashes, computed once.
const LEX_HASH = Array.from({ length: 13 }, (_, i) => hashString(`lex${i - 6}`));
const POS_HASH = Array.from({ length: 4 }, (_, i) => hashString(`pos${i}`));
const NEG_HASH = Array.from({ length: 4 }, (_, i) => hashString(`neg${i}`));
