// Words as the index sees them, for every script. One tokenizer serves the indexer (the input
// lines of the MapReduce inverted index), the query and the snippet, so the three always agree.
//   - Folding: compatibility forms and case are folded (NFKD, Unicode lowercase), accents and
//     other diacritics dropped ("Café" is "cafe", "Ἀθῆναι" is "αθηναι", "ПРИВЕТ" is "привет"),
//     and the letters no decomposition reaches are spelled out (ß→ss, æ→ae, ø→o, ł→l, final
//     ς→σ, …), as a search box user expects.
//   - Chinese, Japanese and Korean have no spaces between words: their runs are cut into
//     overlapping character bigrams ("東京都" → 東京, 京都), the usual recall-friendly choice
//     (Lucene's CJK bigram filter). The index also keeps each character alone, so a one-character
//     query ("本") still finds its files; a query's bigrams are checked in order, like a phrase.
//   - The MapReduce built-in takes a word to be a run of ASCII letters and digits, so a term that
//     is not plain ASCII goes to it as a key: "zz" and 4 base-36 digits per code point (the first
//     15 code points: a key fits the postings column). Queries look the same keys up.

const MARKS = /[\u0300-\u036f]/g;
const SPELLED: Record<string, string> = {
  ß: "ss",
  ς: "σ",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};
const SPELLED_RE = /[ßςæœøłđðþı]/g;
const CJK =
  "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u30fc\\u3005\\uff70\\uff9e\\uff9f";
// A run of CJK characters, or a run of other letters, digits and marks.
const RUN = new RegExp(`([${CJK}]+)|(?:(?![${CJK}])[\\p{L}\\p{N}\\p{M}])+`, "gu");
const ASCII_WORD = /^[a-z0-9]+$/;
const KEY_CODE_POINTS = 15;

/** Text with accents removed (NFKD, combining marks dropped, recomposed); case kept. */
export function foldText(text: string): string {
  return text.normalize("NFKD").replace(MARKS, "").normalize("NFC");
}

/** One word as it is compared: folded, lowercased, special letters spelled out. */
export function foldWord(word: string): string {
  return foldText(word.toLowerCase().replace(SPELLED_RE, (c) => SPELLED[c]!)).toLowerCase();
}

export type Token = {
  /** Where the token is in the original text (UTF-16 offsets). */
  start: number;
  end: number;
  /** The word (or CJK bigram starting here) a query compares in order; null for a CJK run's last character. */
  term: string | null;
  /** Further terms the index keeps for this place: a CJK character alone. */
  also: string[];
  /** A CJK bigram: the term runs on into the next token's character. */
  joinsNext: boolean;
};

/** The tokens of a text, in order, with their places in it. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(RUN)) {
    const at = m.index;
    if (m[1] === undefined) {
      const term = foldWord(m[0]);
      if (term) out.push({ start: at, end: at + m[0].length, term, also: [], joinsNext: false });
      continue;
    }
    const chars: { start: number; end: number; c: string }[] = [];
    let pos = at;
    for (const ch of m[1]) {
      const c = foldWord(ch);
      const prev = chars[chars.length - 1];
      // A half-width voicing mark folds to a combining one: it belongs to the kana before it.
      if (prev && /^\p{M}/u.test(c)) {
        prev.c = (prev.c + c).normalize("NFC");
        prev.end = pos + ch.length;
      } else if (c) chars.push({ start: pos, end: pos + ch.length, c });
      pos += ch.length;
    }
    if (chars.length === 1) {
      const only = chars[0]!;
      out.push({ start: only.start, end: only.end, term: only.c, also: [], joinsNext: false });
      continue;
    }
    chars.forEach((ch, i) => {
      const next = chars[i + 1];
      out.push({
        start: ch.start,
        end: ch.end,
        term: next ? ch.c + next.c : null,
        also: [ch.c],
        joinsNext: !!next,
      });
    });
  }
  return out;
}

/** The index's words of a text, in order (CJK as bigrams). */
export function words(text: string): string[] {
  return tokenize(text).flatMap((t) => (t.term ? [t.term] : []));
}

/** A term as the inverted index and the postings hold it: plain ASCII stays, the rest is keyed. */
export function termKey(term: string): string {
  if (ASCII_WORD.test(term)) return term;
  let key = "zz";
  let n = 0;
  for (const ch of term) {
    if (n++ === KEY_CODE_POINTS) break;
    key += ch.codePointAt(0)!.toString(36).padStart(4, "0");
  }
  return key;
}

/** Every term the index keeps for a text, as keys, in order (passages are cut from these). */
export function indexKeys(text: string): string[] {
  const out: string[] = [];
  for (const t of tokenize(text)) {
    if (t.term) out.push(termKey(t.term));
    for (const a of t.also) out.push(termKey(a));
  }
  return out;
}

export type ParsedQuery = {
  /** Every distinct word of the query: a file must hold them all (AND). */
  terms: string[];
  /** Quoted phrases, as word lists: a file must hold each one word after word. */
  phrases: string[][];
};

/**
 * `budget "quarterly revenue"`: the words budget, quarterly, revenue, and one phrase. A CJK run
 * of three characters or more ("東京都") is its bigrams, which must also stand in order.
 */
export function parseQuery(q: string): ParsedQuery {
  const phrases: string[][] = [];
  const rest = q.replace(/"([^"]*)"/g, (_, p: string) => {
    const w = words(p);
    if (w.length > 1) phrases.push(w);
    return ` ${p} `;
  });
  for (const m of rest.matchAll(RUN)) {
    if (m[1] === undefined) continue;
    const w = words(m[1]);
    if (w.length > 1) phrases.push(w);
  }
  const terms = [...new Set(words(rest))].slice(0, 16);
  return { terms, phrases: phrases.slice(0, 4) };
}
