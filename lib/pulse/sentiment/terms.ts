import { STOP_WORDS } from "./stop-words";

// Hashtags and content words of a post, for the dashboard's "top hashtags" and "top terms".
// Both lists are lower-case and without repeats, so a post counts once per tag or term.

// A hashtag starts after a non-word character and holds at least one letter: "#2024" is not one
// (Twitter, Mastodon and Bluesky agree), "#café" and "#日本" are.
const HASHTAG = /(?<![\p{L}\p{N}_&/#])[#＃]([\p{L}\p{M}\p{N}_]*[\p{L}\p{M}_][\p{L}\p{M}\p{N}_]*)/gu;
const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/giu;
const MENTION = /(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.-]+(?:@[\p{L}\p{N}_.-]+)?/gu;
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}'_-]*/gu;

const MAX_TAG = 64;
const MAX_TERM = 40;
const MAX_PER_POST = 50;

// Most posts have no link: skip the URL regex, the costliest step, for them.
const withoutUrls = (text: string) => (/http|www\./i.test(text) ? text.replace(URL, " ") : text);

export function extractHashtags(text: string): string[] {
  if (!text.includes("#") && !text.includes("＃")) return [];
  return hashtagsOf(withoutUrls(text));
}

function hashtagsOf(noUrls: string): string[] {
  const found = new Set<string>();
  for (const m of noUrls.matchAll(HASHTAG)) {
    const tag = m[1]!.toLowerCase();
    if (tag.length <= MAX_TAG) found.add(tag);
    if (found.size >= MAX_PER_POST) break;
  }
  return [...found];
}

export function extractTerms(text: string): { hashtags: string[]; terms: string[] } {
  // Links out once, for both hashtags and terms.
  let rest = withoutUrls(text);
  const tagged = rest.includes("#") || rest.includes("＃");
  const hashtags = tagged ? hashtagsOf(rest) : [];
  if (rest.includes("@")) rest = rest.replace(MENTION, " ");
  if (tagged) rest = rest.replace(HASHTAG, " ");
  rest = rest.replace(/[’‘`]/g, "'");
  // ASCII text (emoji and other symbols allowed) is lower-cased once here rather than word by
  // word (the same result: ASCII case has no context; other scripts' does, Greek's final sigma,
  // so they keep the per-word call).
  if (!plainWords(rest)) return { hashtags, terms: wordTerms(rest) };
  return { hashtags, terms: asciiTerms(rest.toLowerCase()) };
}

/**
 * Whether a code point is a symbol asciiTerms may treat as a space: never a letter, mark or
 * number (so never part of a word), and without case. The blocks where posts' emoji, arrows,
 * dingbats and typographic punctuation live, less the numbers among them (dingbat digits
 * U+2776–2793); terms.test.ts checks every code point here against the Unicode classes.
 */
export function isPlainSymbol(c: number): boolean {
  if (c >= 0x1f300) return c <= 0x1faff;
  return (
    (c >= 0x2010 && c <= 0x2027) || // dashes, quotes, bullets, ellipsis
    c === 0x200d || // zero-width joiner (emoji sequences)
    (c >= 0x2190 && c <= 0x21ff) || // arrows
    (c >= 0x2300 && c <= 0x23ff) || // technical (⌚ ⏰)
    (c >= 0x25a0 && c <= 0x27bf && !(c >= 0x2776 && c <= 0x2793)) || // shapes, symbols, dingbats
    (c >= 0x2b00 && c <= 0x2bff) // arrows and stars (⭐)
  );
}

/**
 * Whether asciiTerms gives this text's terms: every code unit ASCII, or part of a plain symbol
 * (above), or an emoji variation selector (U+FE0F, a mark) right after one — where it cannot be
 * inside a word, since a word starts with a letter or digit.
 */
export function plainWords(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c >= 0xd800 && c < 0xdc00) {
      const d = text.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d < 0xe000)) return false;
      if (!isPlainSymbol(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00))) return false;
      i++;
    } else if (c === 0xfe0f) {
      if (text.charCodeAt(i - 1) < 0x80) return false;
    } else if (!isPlainSymbol(c)) return false;
  }
  return true;
}

/**
 * The content words of text already without links, mentions and hashtags (the general path, for
 * any script; ASCII text takes asciiTerms, which must give the same — terms.test.ts checks).
 */
export function wordTerms(rest: string): string[] {
  const terms = new Set<string>();
  const words = rest.match(WORD);
  if (words)
    for (const w of words) {
      // "people's" counts as "people"; "don't" becomes "don", a stop word. (Each replace only
      // when its trigger is there: most words have no apostrophe, dash or underscore.)
      let word = w.toLowerCase();
      if (word.includes("'")) word = word.replace(/'(s|t|re|ve|ll|d|m)?$/u, "");
      const last = word.charCodeAt(word.length - 1);
      if (last === 45 || last === 95 || last === 39) word = word.replace(/[-_']+$/u, "");
      if (word.length < 3 || word.length > MAX_TERM) continue;
      // Numbers and years say little on their own. A word starting with a letter is not one.
      const first = word.charCodeAt(0);
      if (!(first >= 97 && first <= 122) && /^[\p{N}_-]+$/u.test(word)) continue;
      if (STOP_WORDS.has(word)) continue;
      terms.add(word);
      if (terms.size >= MAX_PER_POST) break;
    }
  return [...terms];
}

const isLower = (c: number) => c >= 97 && c <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;
// Inside an ASCII word: a-z 0-9 ' _ - (the text is lower-cased already).
const isWordChar = (c: number) => isLower(c) || isDigit(c) || c === 39 || c === 95 || c === 45;

// A range of a string hashed (FNV-1a over its code units).
function hashOf(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function sameRange(word: string, text: string, start: number, end: number): boolean {
  if (word.length !== end - start) return false;
  for (let i = 0; i < word.length; i++)
    if (word.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}

// Open-addressed tables searched with a range of the text, so a word is sliced into a string only
// when it becomes a term: the stop words (built once) and the post's terms so far (reset per post
// by a stamp). A Set would need each candidate as a fresh string, hashed again on every lookup.
const STOP_LIST = [...STOP_WORDS];
const STOP_SLOTS = new Int32Array(1024);
for (const [i, w] of STOP_LIST.entries()) {
  let slot = hashOf(w, 0, w.length) & 1023;
  while (STOP_SLOTS[slot] !== 0) slot = (slot + 1) & 1023;
  STOP_SLOTS[slot] = i + 1;
}

function isStopWord(text: string, start: number, end: number, h: number): boolean {
  for (let slot = h & 1023; ; slot = (slot + 1) & 1023) {
    const i = STOP_SLOTS[slot]! - 1;
    if (i < 0) return false;
    if (sameRange(STOP_LIST[i]!, text, start, end)) return true;
  }
}

const SEEN_SLOTS = 128; // > 2 × MAX_PER_POST
const seenStamp = new Int32Array(SEEN_SLOTS);
const seenTerm = new Int32Array(SEEN_SLOTS);
let stamp = 0;

// extractTerms' word loop for lower-cased ASCII text (plain symbols allowed: any other code unit
// ends a word, as they do for WORD), by hand: the same words as WORD and the same trimming as the
// replaces in the general loop, on indices.
export function asciiTerms(text: string): string[] {
  const terms: string[] = [];
  if (++stamp === 0x40000000) {
    stamp = 1;
    seenStamp.fill(0);
  }
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (!isLower(c) && !isDigit(c)) {
      i++;
      continue;
    }
    const start = i;
    while (++i < length && isWordChar(text.charCodeAt(i)));
    let end = i;
    // '(s|t|re|ve|ll|d|m)?$
    const l1 = text.charCodeAt(end - 1);
    if (l1 === 39) end -= 1;
    else if (end - start >= 2 && text.charCodeAt(end - 2) === 39) {
      if (l1 === 115 || l1 === 116 || l1 === 100 || l1 === 109) end -= 2; // s t d m
    } else if (end - start >= 3 && text.charCodeAt(end - 3) === 39) {
      const l2 = text.charCodeAt(end - 2);
      // re ve ll
      if ((l1 === 101 && (l2 === 114 || l2 === 118)) || (l1 === 108 && l2 === 108)) end -= 3;
    }
    // [-_']+$
    for (let last = text.charCodeAt(end - 1); last === 45 || last === 95 || last === 39;)
      last = text.charCodeAt(--end - 1);
    if (end - start < 3 || end - start > MAX_TERM) continue;
    if (!isLower(text.charCodeAt(start))) {
      let k = start;
      for (let c = text.charCodeAt(k); k < end && (isDigit(c) || c === 95 || c === 45);)
        c = text.charCodeAt(++k);
      if (k === end) continue; // digits, _ and - only: a number, a year
    }
    const h = hashOf(text, start, end);
    if (isStopWord(text, start, end, h)) continue;
    let slot = h & (SEEN_SLOTS - 1);
    let seen = false;
    for (; seenStamp[slot] === stamp; slot = (slot + 1) & (SEEN_SLOTS - 1))
      if (sameRange(terms[seenTerm[slot]!]!, text, start, end)) {
        seen = true;
        break;
      }
    if (seen) continue;
    seenStamp[slot] = stamp;
    seenTerm[slot] = terms.length;
    terms.push(text.slice(start, end));
    if (terms.length >= MAX_PER_POST) break;
  }
  return terms;
}
