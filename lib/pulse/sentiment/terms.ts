import { STOP_WORDS } from "./stop-words";

// Hashtags and content words of a post, for the dashboard's "top hashtags" and "top terms".
// Both lists are lower-case and without repeats, so a post counts once per tag or term.

// A hashtag starts after a non-word character and holds at least one letter: "#2024" is not one
// (Twitter, Mastodon and Bluesky agree), "#café" and "#日本" are.
const HASHTAG = /(?<![\p{L}\p{N}_&/#])[#＃]([\p{L}\p{M}\p{N}_]*[\p{L}\p{M}_][\p{L}\p{M}\p{N}_]*)/gu;
const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/giu;
const MENTION = /(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.-]+(?:@[\p{L}\p{N}_.-]+)?/gu;
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}'_-]*/gu;

const ASCII = /^[\x00-\x7f]*$/;

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
  // ASCII text is lower-cased once here rather than word by word (the same result: ASCII case
  // has no context; other scripts' does, Greek's final sigma, so they keep the per-word call).
  const ascii = ASCII.test(rest);
  if (ascii) rest = rest.toLowerCase();
  const terms = new Set<string>();
  const words = rest.match(WORD);
  if (words)
    for (const w of words) {
      // "people's" counts as "people"; "don't" becomes "don", a stop word. (Each replace only
      // when its trigger is there: most words have no apostrophe, dash or underscore.)
      let word = ascii ? w : w.toLowerCase();
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
  return { hashtags, terms: [...terms] };
}
