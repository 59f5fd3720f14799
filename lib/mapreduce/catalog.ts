// What the job form and the job page show about each built-in job. Kept free of Node imports so
// that client components can use it.
import type { BuiltinKind } from "./schemas";

export interface BuiltinDoc {
  title: string;
  /** One or two sentences: what the job computes and what it expects as input. */
  summary: string;
  /** The exact format of the part files. */
  output: string;
  /** Whether the job has a combiner (the "combiner" option switches it off and on). */
  combiner: boolean;
  /** Set when the job always runs with this many reducers, whatever the options say. */
  fixedReducers?: number;
}

/** Words, for every job that counts words: maximal runs of ASCII letters and digits, lowercased. */
export const WORD_RULE =
  "A word is a maximal run of ASCII letters and digits (A–Z, a–z, 0–9), lowercased; every other byte separates words.";

export const BUILTIN_DOCS: Record<BuiltinKind, BuiltinDoc> = {
  "word-count": {
    title: "Word count",
    summary: `Counts how often each word occurs in the input lines. ${WORD_RULE}`,
    output:
      "One line per distinct word: word<TAB>count. Each part file is sorted by word in byte order.",
    combiner: true,
  },
  "inverted-index": {
    title: "Inverted index",
    summary: `Input lines are docid<TAB>text (lines without a tab are skipped). For every word of the text, lists the documents that contain it. ${WORD_RULE}`,
    output:
      "One line per distinct word: word<TAB>docid,docid,… with the document ids unique and sorted in byte order. Each part file is sorted by word.",
    combiner: true,
  },
  grep: {
    title: "Grep",
    summary:
      "Finds every match of a regular expression (JavaScript syntax, Unicode mode) in every input line and counts how often each distinct match occurs. Empty matches are ignored.",
    output:
      "One line per distinct matched text: match<TAB>count, sorted by match in byte order within each part file. Tabs inside a match are written as spaces.",
    combiner: true,
  },
  "top-n": {
    title: "Top N words",
    summary: `The N most frequent words of the input. ${WORD_RULE}`,
    output:
      "A single file part-00000 with up to N lines word<TAB>count, most frequent first; equal counts are ordered by word in byte order.",
    combiner: true,
    fixedReducers: 1,
  },
  distinct: {
    title: "Distinct values",
    summary:
      "The distinct values of one column (numbered from 1) of lines split by a separator, with the number of lines that have each value. Lines with fewer columns, and values that contain a tab, are skipped and counted; a carriage return ending a line (CRLF files) is ignored.",
    output:
      "One line per distinct value: value<TAB>count, sorted by value in byte order within each part file.",
    combiner: true,
  },
  join: {
    title: "Join",
    summary:
      "An inner join of two inputs (left and right files) on a key column of each, lines split by a separator. Every pair of a left and a right line with equal keys gives one output line.",
    output:
      "key<TAB>left line without its key column<TAB>right line without its key column (the remaining columns joined by the separator). Sorted by key in byte order within each part file; within one key, pairs are ordered by the right line, then by the left line (both in byte order).",
    combiner: false,
  },
};
