import { detectLanguage, postHints } from "./language/detect";
import { extractHashtags } from "./sentiment/terms";
import { parseQuery, type QueryNode } from "./query";
import type { IncomingPost, TrackerQuery } from "./types";

// Local matching, for sources without a server-side filter (Jetstream) and to hold every source
// to the same rule: a post matches when it contains any keyword (whole words, any case; a phrase
// matches across any whitespace) or any of the hashtags, and is in one of the languages.
// "#tag" in the keywords means the hashtag. A keyword also matches inside a hashtag written the
// same way ("climate" matches "#climate" but not "#climatechange").
// With a language list, the post's language is read from its text (platform tags only as a
// hint, see language/detect.ts), after the cheaper keyword test; "en" matches "en-GB".
// A query with neither keywords nor hashtags matches nothing rather than the whole firehose.
// A keyword line may be a boolean expression (query.ts): plain lines stay on the one combined
// regex (the firehose's hot path); expressions are evaluated as a tree after it.

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

type PostView = { text: string; tags: () => Set<string> };

function compileNode(node: QueryNode): (post: PostView) => boolean {
  switch (node.kind) {
    case "phrase": {
      const re = new RegExp(keywordPattern(node.words.join(" ")), "iu");
      return (p) => re.test(p.text);
    }
    case "hashtag":
      return (p) => p.tags().has(node.tag);
    case "not": {
      const inner = compileNode(node.node);
      return (p) => !inner(p);
    }
    case "and": {
      const parts = node.nodes.map(compileNode);
      return (p) => parts.every((f) => f(p));
    }
    case "or": {
      const parts = node.nodes.map(compileNode);
      return (p) => parts.some((f) => f(p));
    }
  }
}

function parsed(line: string): QueryNode | null {
  try {
    return parseQuery(line);
  } catch {
    // Saved before boolean queries (the form refuses these now): the line as a plain keyword.
    return null;
  }
}

export function compileMatcher(query: TrackerQuery): (post: IncomingPost) => boolean {
  const tags = new Set(query.hashtags.map(normalizeHashtag).filter(Boolean));
  const words: string[] = [];
  const expressions: ((post: PostView) => boolean)[] = [];
  for (const k of query.keywords) {
    const trimmed = k.trim();
    if (!trimmed) continue;
    if (/^[#＃][^\s#]+$/u.test(trimmed)) {
      tags.add(normalizeHashtag(trimmed));
      continue;
    }
    const node = parsed(trimmed);
    if (node === null) words.push(keywordPattern(trimmed));
    else if (node.kind === "phrase") words.push(keywordPattern(node.words.join(" ")));
    else if (node.kind === "hashtag") tags.add(node.tag);
    else expressions.push(compileNode(node));
  }
  const keywordRe = words.length ? new RegExp(words.join("|"), "iu") : null;
  const langs = query.languages
    .map((l) => l.trim().toLowerCase().replace("_", "-"))
    .filter(Boolean);
  if (!keywordRe && tags.size === 0 && expressions.length === 0) return () => false;

  const langOk = (post: IncomingPost) => {
    if (langs.length === 0) return true;
    const l = detectLanguage(post.text, postHints(post.lang, post.langs));
    return langs.some((want) => l === want || want.startsWith(`${l}-`));
  };
  const hasHash = (text: string) => text.includes("#") || text.includes("＃");
  const contentOk = (post: IncomingPost) => {
    if (keywordRe?.test(post.text)) return true;
    let postTags: Set<string> | undefined;
    const view: PostView = {
      text: post.text,
      tags: () => (postTags ??= new Set(hasHash(post.text) ? extractHashtags(post.text) : [])),
    };
    if (tags.size > 0 && hasHash(post.text) && [...view.tags()].some((t) => tags.has(t)))
      return true;
    return expressions.some((f) => f(view));
  };
  return (post) => contentOk(post) && langOk(post);
}
