// Previous implementation (as of commit fdaa2e3), kept for bench:pulse's same-process baseline only.
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

// ELD (Efficient Language Detector, npm `eld` 2.1.0, Apache-2.0, © Nito T.M.), its detect() and
// isReliable() re-done over its own "small" n-gram database (packed by
// scripts/build-language-data.ts into eld-small.bin.gz). Why not call eld.detect(): it builds its
// n-gram set in a plain object and walks each n-gram's scores with for…in, ~50 µs a post — more
// than the whole scoring budget. This version (Set, Map of typed arrays) gives the same answers
// (eld.test.ts compares both on every validation tweet) about 5× faster.

type Data = {
  separators: RegExp;
  dictionary: string; // ELD's UTF-8 byte → character table (eld/src/dictionary.js)
  codes: string[];
  avgScore: Float64Array;
  ngrams: Map<string, Int32Array>; // n-gram → [language, score, language, score, …]
};

export const DATA_FILE = path.join(process.cwd(), "lib/pulse/language/eld-small.bin.gz");

export function readData(file = DATA_FILE): Data {
  const buf = gunzipSync(readFileSync(file));
  if (buf.toString("latin1", 0, 4) !== "ELD1") throw new Error(`${file}: not an ELD1 file`);
  let at = 4;
  const sourceLength = buf.readUInt32LE(at);
  at += 4;
  const separators = new RegExp(buf.toString("utf8", at, at + sourceLength), "gu");
  at += sourceLength;
  const dictionary = buf.toString("latin1", at, at + 256);
  at += 256;
  const count = buf[at++]!;
  const codes: string[] = [];
  const avgScore = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    codes.push(buf.toString("ascii", at, at + 2));
    avgScore[i] = buf.readDoubleLE(at + 2);
    at += 10;
  }
  const n = buf.readUInt32LE(at);
  at += 4;
  const ngrams = new Map<string, Int32Array>();
  for (let i = 0; i < n; i++) {
    const keyLength = buf[at++]!;
    const key = buf.toString("latin1", at, at + keyLength);
    at += keyLength;
    const entries = buf[at++]!;
    const scores = new Int32Array(entries * 2);
    for (let j = 0; j < entries; j++) {
      scores[2 * j] = buf[at]!;
      scores[2 * j + 1] = buf.readUInt16LE(at + 1);
      at += 3;
    }
    ngrams.set(key, scores);
  }
  return { separators, dictionary, codes, avgScore, ngrams };
}

export type Detection = { language: string; reliable: boolean };

export class Eld {
  private readonly scores: Float64Array;
  private readonly seen = new Set<string>();

  constructor(private readonly data: Data) {
    this.scores = new Float64Array(data.codes.length);
  }

  detect(input: string): Detection {
    const text = input.substring(0, 1000).replace(this.data.separators, " ").trim().toLowerCase();
    const seen = this.seen;
    seen.clear();
    let word = "";
    const flush = () => {
      if (!word) return;
      const len = Math.min(word.length, 70);
      let j = 0;
      // 4-byte n-grams with a stride of 3, the word's start and end marked with a space.
      for (; j + 4 < len; j += 3) seen.add((j === 0 ? " " : "") + word.substring(j, j + 4));
      seen.add((j === 0 ? " " : "") + word.substring(len !== 3 ? len - 4 : 0) + " ");
      word = "";
    };
    const DICTIONARY = this.data.dictionary;
    let bytes = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) {
        if (c === 32) {
          flush();
          if (bytes > 350) break;
        } else word += text[i];
        bytes += 1;
      } else if (c < 0x800) {
        word += DICTIONARY[0xc0 | (c >> 6)]! + DICTIONARY[0x80 | (c & 0x3f)]!;
        bytes += 2;
      } else if (c < 0xd800 || c >= 0xe000) {
        word +=
          DICTIONARY[0xe0 | (c >> 12)]! +
          DICTIONARY[0x80 | ((c >> 6) & 0x3f)]! +
          DICTIONARY[0x80 | (c & 0x3f)]!;
        bytes += 3;
      } else {
        i += 1;
        c = 0x10000 + (((c & 0x3ff) << 10) | (text.charCodeAt(i) & 0x3ff));
        word +=
          DICTIONARY[0xf0 | (c >> 18)]! +
          DICTIONARY[0x80 | ((c >> 12) & 0x3f)]! +
          DICTIONARY[0x80 | ((c >> 6) & 0x3f)]! +
          DICTIONARY[0x80 | (c & 0x3f)]!;
        bytes += 4;
      }
      if (bytes > 380) break;
    }
    flush();

    const scores = this.scores;
    scores.fill(0);
    for (const ngram of seen) {
      const s = this.data.ngrams.get(ngram);
      if (s) for (let i = 0; i < s.length; i += 2) scores[s[i]!]! += s[i + 1]!;
    }
    let best = -1;
    for (let l = 0; l < scores.length; l++)
      if (scores[l]! > 0 && (best < 0 || scores[l]! > scores[best]!)) best = l;
    if (best < 0) return { language: "", reliable: false };
    const language = this.data.codes[best]!;
    const n = seen.size;
    if (n < 3) return { language, reliable: false };
    // ELD's isReliable(): the top score (scaled 0–1) must reach 3/4 of the language's average,
    // and differ by ≥ 0.01 from "the next result", which ELD reads as the runner-up's language
    // index (results[1][0]), not its score; kept as is so both give the same answer.
    const scaled = (v: number) => v / n / (v / n + 25);
    let second = -1;
    for (let l = 0; l < scores.length; l++) {
      if (l === best || !(scores[l]! > 0)) continue;
      if (second < 0 || scaled(scores[l]!) > scaled(scores[second]!)) second = l;
    }
    const top = scaled(scores[best]!);
    const next = second < 0 ? 0 : second;
    const reliable = !(this.data.avgScore[best]! * 0.75 > top || 0.01 > Math.abs(top - next));
    return { language, reliable };
  }
}

let loaded: Eld | undefined;

/** The detector over the committed database, built once on first use. */
export function eld(): Eld {
  loaded ??= new Eld(readData());
  return loaded;
}
