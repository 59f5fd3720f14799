import { detectLanguage, languageHints } from "./language/detect";
import { extractHashtags } from "./sentiment/terms";
import type { IncomingPost, TrackerQuery } from "./types";

// Local matching, for sources without a server-side filter (Jetstream) and to hold every source
// to the same rule: a post matches when it contains any keyword (whole words, any case; a phrase
// matches across any whitespace) or any of the hashtags, and is in one of the languages.
// "#tag" in the keywords means the hashtag. A keyword also matches inside a hashtag written the
// same way ("climate" matches "#climate" but not "#climatechange").
// With a language list, the post's language is read from its text (platform tags only as a
// hint, see language/detect.ts), after the cheaper keyword test; "en" matches "en-GB".
// A query with neither keywords nor hashtags matches nothing rather than the whole firehose.

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function keywordPattern(keyword: string): string {
  const parts = keyword.trim().split(/\s+/).map(escape);
  // Word boundaries that know letters beyond ASCII; a keyword ending in a symbol ("c++") only
  // needs the side that is a word character.
  const left = /^[\p{L}\p{N}_]/u.test(keyword.trim()) ? "(?<![\\p{L}\\p{M}\\p{N}_])" : "";
  const right = /[\p{L}\p{N}_]$/u.test(keyword.trim()) ? "(?![\\p{L}\\p{M}\\p{N}_])" : "";
  return `${left}${parts.join("\\s+")}${right}`;
}

export function normalizeHashtag(tag: string): string {
  return tag
    .trim()
    .replace(/^[#＃]+/, "")
    .toLowerCase();
}

export function compileMatcher(query: TrackerQuery): (post: IncomingPost) => boolean {
  const tags = new Set(query.hashtags.map(normalizeHashtag).filter(Boolean));
  const words: string[] = [];
  for (const k of query.keywords) {
    const trimmed = k.trim();
    if (!trimmed) continue;
    if (/^[#＃][^\s#]+$/u.test(trimmed)) tags.add(normalizeHashtag(trimmed));
    else words.push(keywordPattern(trimmed));
  }
  const keywordRe = words.length ? new RegExp(words.join("|"), "iu") : null;
  const langs = query.languages
    .map((l) => l.trim().toLowerCase().replace("_", "-"))
    .filter(Boolean);
  if (!keywordRe && tags.size === 0) return () => false;

  const langOk = (post: IncomingPost) => {
    if (langs.length === 0) return true;
    const l = detectLanguage(post.text, languageHints(post.langs ?? [post.lang]));
    return langs.some((want) => l === want || want.startsWith(`${l}-`));
  };
  const contentOk = (post: IncomingPost) => {
    if (keywordRe?.test(post.text)) return true;
    if (tags.size === 0 || (!post.text.includes("#") && !post.text.includes("＃"))) return false;
    return extractHashtags(post.text).some((t) => tags.has(t));
  };
  return (post) => contentOk(post) && langOk(post);
}
