// Words as the index sees them. The MapReduce inverted index (lib/mapreduce/builtin) takes a
// word to be a run of ASCII letters and digits, lowercased; text is folded to ASCII first
// (accents dropped: "Café" is "cafe"), so queries and snippets fold the same way.

const MARKS = /[\u0300-\u036f]/g;

/** Text with accents removed (NFKD, combining marks dropped); other characters stay. */
export function foldText(text: string): string {
  return text.normalize("NFKD").replace(MARKS, "");
}

/** The index's words of a text, in order. */
export function words(text: string): string[] {
  return (
    foldText(text)
      .toLowerCase()
      .match(/[a-z0-9]+/g) ?? []
  );
}

export type ParsedQuery = {
  /** Every distinct word of the query: a file must hold them all (AND). */
  terms: string[];
  /** Quoted phrases, as word lists: a file must hold each one word after word. */
  phrases: string[][];
};

/** `budget "quarterly revenue"`: the words budget, quarterly, revenue, and one phrase. */
export function parseQuery(q: string): ParsedQuery {
  const phrases: string[][] = [];
  const rest = q.replace(/"([^"]*)"/g, (_, p: string) => {
    const w = words(p);
    if (w.length > 1) phrases.push(w);
    return ` ${p} `;
  });
  const terms = [...new Set(words(rest))].slice(0, 16);
  return { terms, phrases: phrases.slice(0, 4) };
}
