import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/db/client";
import { liveFiles } from "@/lib/drive/access";
import { chainPath, folderChains } from "@/lib/drive/tree";
import { getRange } from "@/lib/storage/objects";
import { parseQuery, termKey, tokenize, type Token } from "./tokens";
import type { SearchHit, SearchResults, SnippetPart } from "./types";

// Queries against the postings the MapReduce inverted index produced: every word of the query
// must occur in a file (AND), files are ranked by BM25 over the user's own indexed files, quoted
// phrases are checked word after word in the stored text, and each result gets a snippet around
// the passage that holds the most query words. Every read is scoped to the signed-in owner.

const K1 = 1.2;
const B = 0.75;
export const PAGE_SIZE = 20;
// Files whose text is read per query for phrases and snippets.
const MAX_TEXT_READS = 60;
const MAX_TEXT_READ_BYTES = 2 * 1024 * 1024;

export async function searchDrive(ownerId: string, q: string): Promise<SearchResults> {
  const { terms, phrases } = parseQuery(q);
  if (terms.length === 0) return { hits: [], total: 0, terms };
  // The postings hold keys (non-ASCII terms are keyed for the MapReduce built-in).
  const keys = [...new Set(terms.map(termKey))];
  const postings = await db.searchPosting.findMany({
    where: { ownerId, term: { in: keys } },
    select: { term: true, fileId: true, tf: true },
  });
  const byFile = new Map<string, Map<string, number>>();
  const df = new Map<string, number>();
  for (const p of postings) {
    df.set(p.term, (df.get(p.term) ?? 0) + 1);
    const m = byFile.get(p.fileId) ?? new Map<string, number>();
    m.set(p.term, p.tf);
    byFile.set(p.fileId, m);
  }
  let candidates = [...byFile].filter(([, m]) => m.size === keys.length).map(([id]) => id);
  if (candidates.length === 0) return { hits: [], total: 0, terms };
  // Trashed files keep their postings: only live ones are results.
  const live = await liveFiles(ownerId, candidates);
  candidates = candidates.filter((id) => live.has(id));
  const stats = await db.$queryRaw<{ n: bigint; avg: number | null }[]>(
    Prisma.sql`SELECT COUNT(*) AS n, AVG(words) AS avg FROM SearchDocument WHERE ownerId = ${ownerId} AND state = 'indexed'`,
  );
  const n = Number(stats[0]?.n ?? 0);
  const avg = Number(stats[0]?.avg ?? 1) || 1;
  const docs = await db.searchDocument.findMany({
    where: { ownerId, fileId: { in: candidates } },
    select: { fileId: true, words: true, textKey: true },
  });
  const docOf = new Map(docs.map((d) => [d.fileId, d]));
  const scored = candidates
    .map((id) => {
      const len = docOf.get(id)?.words ?? avg;
      let score = 0;
      for (const t of keys) {
        const f = byFile.get(id)!.get(t) ?? 0;
        const d = df.get(t) ?? 0;
        const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
        score += (idf * (f * (K1 + 1))) / (f + K1 * (1 - B + (B * len) / avg));
      }
      return { id, score };
    })
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));

  // Phrases and snippets need the text: read it for the best candidates only.
  const hits: SearchHit[] = [];
  let checked = 0;
  let total = phrases.length ? 0 : scored.length;
  for (const { id, score } of scored) {
    if (hits.length >= PAGE_SIZE || checked >= MAX_TEXT_READS) break;
    const key = docOf.get(id)?.textKey;
    const bytes = key ? await getRange(key, MAX_TEXT_READ_BYTES) : null;
    checked++;
    const text = Buffer.from(bytes ?? []).toString("utf8");
    const snippet = makeSnippet(text, terms, phrases);
    if (phrases.length && !snippet.phrases) continue;
    if (phrases.length) total++;
    const f = live.get(id)!;
    hits.push({
      fileId: id,
      name: f.name,
      folderId: f.folderId,
      folderPath: "/",
      size: f.size,
      contentType: f.contentType,
      updatedAt: f.updatedAt.toISOString(),
      score,
      snippet: snippet.parts,
    });
  }
  const folders = await folderChains(
    ownerId,
    hits.flatMap((h) => (h.folderId ? [h.folderId] : [])),
  );
  for (const h of hits) if (h.folderId) h.folderPath = chainPath(folders.get(h.folderId) ?? []);
  return { hits, total: Math.max(total, hits.length), terms };
}

const SNIPPET_WORDS = 28;

/**
 * A window of the text around the place with the most distinct query words (a phrase's place
 * when there is one), split into plain and highlighted parts; `phrases` says whether every
 * phrase was found.
 */
export function makeSnippet(
  text: string,
  terms: string[],
  phrases: string[][] = [],
): { parts: SnippetPart[]; phrases: boolean } {
  const tokens = tokenize(text);
  const want = new Set(terms);
  const termsAt = (t: Token) => (t.term ? [t.term, ...t.also] : t.also);
  // A hit: the token's own term, or the second character of a CJK bigram that is one.
  const hit = tokens.map((t, i) => {
    const prev = tokens[i - 1];
    return (
      termsAt(t).some((p) => want.has(p)) ||
      (!!prev?.joinsNext && prev.term !== null && want.has(prev.term))
    );
  });
  const flat: { word: string; token: number }[] = [];
  tokens.forEach((t, i) => {
    if (t.term) flat.push({ word: t.term, token: i });
  });
  let phraseAt = -1;
  let allPhrases = true;
  for (const phrase of phrases) {
    let found = -1;
    for (let i = 0; i + phrase.length <= flat.length && found < 0; i++) {
      if (phrase.every((w, k) => flat[i + k]!.word === w)) found = flat[i]!.token;
    }
    if (found < 0) allPhrases = false;
    else if (phraseAt < 0) phraseAt = found;
  }
  // The best window: most distinct query words in SNIPPET_WORDS tokens.
  let best = 0;
  if (phraseAt >= 0) best = Math.max(0, phraseAt - 6);
  else {
    let bestCount = -1;
    for (let i = 0; i < tokens.length; i++) {
      if (!hit[i]) continue;
      const seen = new Set<string>();
      for (let k = i; k < Math.min(tokens.length, i + SNIPPET_WORDS); k++)
        for (const p of termsAt(tokens[k]!)) if (want.has(p)) seen.add(p);
      if (seen.size > bestCount) {
        bestCount = seen.size;
        best = Math.max(0, i - 6);
      }
      if (seen.size === want.size) break;
    }
  }
  const window = tokens.slice(best, best + SNIPPET_WORDS);
  if (window.length === 0) return { parts: [], phrases: allPhrases && phrases.length > 0 };
  const parts: SnippetPart[] = [];
  const from = window[0]!.start;
  const to = window[window.length - 1]!.end;
  let at = from;
  window.forEach((t, k) => {
    if (!hit[best + k]) return;
    const last = parts[parts.length - 1];
    // CJK characters of one hit run together: one mark, not one per character.
    if (t.start === at && last?.hit) last.text += text.slice(t.start, t.end);
    else {
      if (t.start > at) parts.push({ text: text.slice(at, t.start), hit: false });
      parts.push({ text: text.slice(t.start, t.end), hit: true });
    }
    at = t.end;
  });
  if (to > at) parts.push({ text: text.slice(at, to), hit: false });
  if (best > 0) parts.unshift({ text: "… ", hit: false });
  if (best + SNIPPET_WORDS < tokens.length) parts.push({ text: " …", hit: false });
  return { parts, phrases: phrases.length === 0 || allPhrases };
}
