// Previous implementation (as of commit fdaa2e3), kept for bench:pulse's same-process baseline only.
import { STOP_WORDS } from "@/lib/pulse/sentiment/stop-words";

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
  const found = new Set<string>();
  if (!text.includes("#") && !text.includes("＃")) return [];
  for (const m of withoutUrls(text).matchAll(HASHTAG)) {
    const tag = m[1]!.toLowerCase();
    if (tag.length <= MAX_TAG) found.add(tag);
    if (found.size >= MAX_PER_POST) break;
  }
  return [...found];
}

export function extractTerms(text: string): { hashtags: string[]; terms: string[] } {
  const hashtags = extractHashtags(text);
  let rest = withoutUrls(text);
  if (rest.includes("@")) rest = rest.replace(MENTION, " ");
  if (rest.includes("#") || rest.includes("＃")) rest = rest.replace(HASHTAG, " ");
  rest = rest.replace(/[’‘`]/g, "'");
  const terms = new Set<string>();
  for (const m of rest.matchAll(WORD)) {
    // "people's" counts as "people"; "don't" becomes "don", a stop word.
    const word = m[0]
      .toLowerCase()
      .replace(/'(s|t|re|ve|ll|d|m)?$/u, "")
      .replace(/[-_']+$/u, "");
    if (word.length < 3 || word.length > MAX_TERM) continue;
    if (/^[\p{N}_-]+$/u.test(word)) continue; // numbers and years say little on their own
    if (STOP_WORDS.has(word)) continue;
    terms.add(word);
    if (terms.size >= MAX_PER_POST) break;
  }
  return { hashtags, terms: [...terms] };
}
