import { readFileSync } from "node:fs";
import path from "node:path";

// ELD (Efficient Language Detector, npm `eld` 2.1.0, Apache-2.0, © Nito T.M.), its detect() and
// isReliable() re-done over its own "small" n-gram database (packed by
// scripts/build-language-data.ts, ./eld-pack.ts, into eld-small.bin). Why not call eld.detect(): it
// builds its n-gram set in a plain object and walks each n-gram's scores with for…in, ~50 µs a
// post — more than the whole scoring budget. This version gives the same answers (detect.test.ts
// compares both on every validation tweet) about 10× faster: it writes a post's ELD bytes into
// one reused buffer and finds each n-gram by an integer hash in flat typed arrays (one
// open-addressing table, the keys' bytes to confirm a hit, the scores packed), so a post
// allocates no strings, sets or maps, and the ~80k n-grams sit in ~2 MB of contiguous memory
// instead of a Map of strings scattered over the heap (which the other scoring steps evicted
// from the cache). The file holds those arrays ready-made: loading is one read and views over it.

type Data = {
  separators: RegExp;
  /** UTF-16 code unit → 1 when ELD counts it a letter; 2 when it is a kept apostrophe. */
  classes: Uint8Array;
  dictionary: Uint8Array; // ELD's UTF-8 byte → byte table (eld/src/dictionary.js)
  codes: string[];
  avgScore: Float64Array;
  /** Open addressing, linear probing: the hash's high bits | (id + 1) in the low idBits; 0 = empty. */
  table: Int32Array;
  idBits: number;
  keyStart: Int32Array; // id → its key's bytes in keyBytes: [keyStart[id], keyStart[id + 1])
  keyBytes: Uint8Array;
  entryStart: Int32Array; // id → its scores in entries: [entryStart[id], entryStart[id + 1])
  entries: Int32Array; // language index << 16 | score
};

/** The packed file's header (see eld-pack.ts for the layout). */
export type EldHeader = {
  source: string;
  separators: string;
  codes: string[];
  idBits: number;
  /** Section name → [byte offset, byte length], offsets 8-byte aligned. */
  sections: Record<string, [number, number]>;
};

export const ELD_MAGIC = "ELD2";
export const DATA_FILE = path.join(process.cwd(), "lib/pulse/language/eld-small.bin");

// 32-bit FNV-1a over bytes, finished with murmur3's mixer for good low bits (the packed table's
// slots are placed by it: eld-pack.ts uses these same functions).
export const FNV_SEED = 0x811c9dc5;
export const fnvByte = (h: number, b: number) => Math.imul(h ^ b, 0x01000193);
export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export function readData(file = DATA_FILE): Data {
  // The file is listed for tracing in next.config.js; a dynamic path here would otherwise make
  // Next copy the whole project into the standalone server (the container image).
  let buf: Uint8Array = readFileSync(/*turbopackIgnore: true*/ file);
  if (Buffer.from(buf.buffer, buf.byteOffset, 4).toString("latin1") !== ELD_MAGIC)
    throw new Error(`${file}: not an ${ELD_MAGIC} file (run npm run build:language-data)`);
  // Typed-array views need aligned offsets; a file this size gets a buffer of its own (offset 0),
  // but copy rather than assume.
  if (buf.byteOffset % 8 !== 0) buf = Uint8Array.prototype.slice.call(buf);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLength = view.getUint32(4, true);
  const header = JSON.parse(
    Buffer.from(buf.buffer, buf.byteOffset + 8, headerLength).toString("utf8"),
  ) as EldHeader;
  const section = <T>(
    name: string,
    make: (b: ArrayBuffer, at: number, n: number) => T,
    size = 1,
  ) => {
    const s = header.sections[name];
    if (!s || s[0] + s[1] > buf.byteLength || s[0] % 8 !== 0)
      throw new Error(`${file}: bad section ${name}`);
    return make(buf.buffer as ArrayBuffer, buf.byteOffset + s[0], s[1] / size);
  };
  const u8 = (b: ArrayBuffer, at: number, n: number) => new Uint8Array(b, at, n);
  const i32 = (b: ArrayBuffer, at: number, n: number) => new Int32Array(b, at, n);
  const data: Data = {
    separators: new RegExp(header.separators, "gu"),
    classes: section("classes", u8),
    dictionary: section("dictionary", u8),
    codes: header.codes,
    avgScore: section("avgScore", (b, at, n) => new Float64Array(b, at, n), 8),
    table: section("table", i32, 4),
    idBits: header.idBits,
    keyStart: section("keyStart", i32, 4),
    keyBytes: section("keyBytes", u8),
    entryStart: section("entryStart", i32, 4),
    entries: section("entries", i32, 4),
  };
  const n = data.keyStart.length - 1;
  if (
    data.classes.length !== 0x10000 ||
    data.dictionary.length !== 256 ||
    data.avgScore.length !== data.codes.length ||
    (data.table.length & (data.table.length - 1)) !== 0 ||
    data.entryStart.length !== n + 1 ||
    data.keyStart[n] !== data.keyBytes.length ||
    data.entryStart[n] !== data.entries.length
  )
    throw new Error(`${file}: inconsistent ELD tables`);
  return data;
}

const LETTER = 1;
const APOSTROPHE = 2;

// The separator rule, shared by separate() and the ASCII path of detect(): a run of non-letters
// [i, runEnd) becomes one space, except the apostrophes that end it ([apostrophesFrom, runEnd)
// stay); a lone space, or a run of apostrophes only, stays as it is.
function runEnd(text: string, classes: Uint8Array, i: number, n: number): number {
  let j = i + 1;
  while (j < n && classes[text.charCodeAt(j)] !== LETTER) j++;
  return j;
}
function apostrophesFrom(text: string, classes: Uint8Array, i: number, j: number): number {
  let k = j;
  while (k > i && classes[text.charCodeAt(k - 1)] === APOSTROPHE) k--;
  return k;
}
function becomesSpace(text: string, i: number, k: number): boolean {
  return k > i && !(k === i + 1 && text.charCodeAt(i) === 32);
}

/**
 * `text.replace(separators, " ")` without the regex: each run of non-letters becomes one space,
 * except the apostrophes that end it (the look-behind backtracks before them), and a run of
 * apostrophes only stays as it is.
 */
export function separate(text: string, classes: Uint8Array): string {
  let out = "";
  let last = 0;
  const n = text.length;
  for (let i = 0; i < n;) {
    if (classes[text.charCodeAt(i)] === LETTER) {
      i++;
      continue;
    }
    const j = runEnd(text, classes, i, n);
    const k = apostrophesFrom(text, classes, i, j);
    // A lone space stays a space: nothing to copy.
    if (becomesSpace(text, i, k)) {
      out += text.slice(last, i) + " ";
      last = k;
    }
    i = j;
  }
  return last === 0 ? text : out + text.slice(last);
}

export type Detection = { language: string; reliable: boolean };

// A post is cut at ~384 ELD bytes; each character adds at most 4.
const TEXT_BYTES = 512;
// N-grams of one post: at most one per 3 bytes plus one per word (< 512); the set has twice as
// many slots so probes stay short.
const MAX_NGRAMS = 512;
const SET_SLOTS = 1024;
// A word's n-grams and their database ids depend on its bytes only, and words repeat (Zipf), so
// they are memoised per word: direct-mapped on the word's hash, words of up to WORD_BYTES bytes
// (at most 8 n-grams each). A hit replays the word's n-grams into the post's set — still deduped
// there by their bytes, so a post's n-grams and scores are exactly those without the memo — and
// skips their lookups in the ~2 MB n-gram table (the cache misses that dominated detection when
// the model's weights and the terms code share the core). The record keeps each n-gram's range
// of packed scores, not its id: scoring then reads the scores without the id → range table.
const WORD_BYTES = 24;
const WORD_GRAMS = 8;
const WORD_SLOTS = 1 << 12;
// [length + 1 (0: empty), n-gram count, (shape, hash, scores from, scores to)…]
const WORD_STRIDE = 2 + 4 * WORD_GRAMS;

export class Eld {
  private readonly scores: Float64Array;
  private readonly bytes = new Uint8Array(TEXT_BYTES);
  // The post's distinct n-grams: a space before? bytes [start, end) of `bytes`; a space after?
  private readonly ngStart = new Int32Array(MAX_NGRAMS);
  private readonly ngEnd = new Int32Array(MAX_NGRAMS);
  private readonly ngEdges = new Uint8Array(MAX_NGRAMS); // 1: leading space, 2: trailing space
  private readonly ngHash = new Int32Array(MAX_NGRAMS);
  // Its scores: entries[from, to) (empty when the database lacks it).
  private readonly ngFrom = new Int32Array(MAX_NGRAMS);
  private readonly ngTo = new Int32Array(MAX_NGRAMS);
  private ngCount = 0;
  // The word memo: each slot's word bytes, and its record (WORD_STRIDE ints).
  private readonly memoKey = new Uint8Array(WORD_SLOTS * WORD_BYTES);
  private readonly memo = new Int32Array(WORD_SLOTS * WORD_STRIDE);
  // A set of n-gram indices by hash, cleared by bumping the stamp instead of refilling.
  private readonly setStamp = new Int32Array(SET_SLOTS);
  private readonly setIndex = new Int32Array(SET_SLOTS);
  private stamp = 0;

  constructor(private readonly data: Data) {
    this.scores = new Float64Array(data.codes.length);
  }

  /** The hash of the n-gram (leading space?) + bytes[start, end) + (trailing space?). */
  private hash(lead: number, start: number, end: number, trail: number): number {
    const bytes = this.bytes;
    let h = 0x811c9dc5;
    if (lead) h = Math.imul(h ^ 32, 0x01000193);
    for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
    if (trail) h = Math.imul(h ^ 32, 0x01000193);
    return mix(h);
  }

  /**
   * Adds the n-gram (leading space?) + bytes[start, end) + (trailing space?), hash h, once; its
   * scores are entries[from, to), or looked up in the database when `from` is −2. Returns its
   * index in the post's set.
   */
  private add(
    lead: number,
    start: number,
    end: number,
    trail: number,
    h: number,
    from: number,
    to: number,
  ): number {
    const edges = lead | (trail << 1);
    let slot = h & (SET_SLOTS - 1);
    while (this.setStamp[slot] === this.stamp) {
      const j = this.setIndex[slot]!;
      if (this.ngHash[j] === h && this.same(j, edges, start, end)) return j;
      slot = (slot + 1) & (SET_SLOTS - 1);
    }
    const j = this.ngCount++;
    this.ngStart[j] = start;
    this.ngEnd[j] = end;
    this.ngEdges[j] = edges;
    this.ngHash[j] = h;
    this.setStamp[slot] = this.stamp;
    this.setIndex[slot] = j;
    if (from === -2) {
      const id = this.find(j);
      const { entryStart } = this.data;
      from = id < 0 ? 0 : entryStart[id]!;
      to = id < 0 ? 0 : entryStart[id + 1]!;
    }
    this.ngFrom[j] = from;
    this.ngTo[j] = to;
    return j;
  }

  /** Adds n-gram g of the word at bytes[start…) and records it in the word's memo slot `at`. */
  private record(
    at: number,
    g: number,
    start: number,
    lead: number,
    from: number,
    to: number,
    trail: number,
  ): void {
    const h = this.hash(lead, from, to, trail);
    const j = this.add(lead, from, to, trail, h, -2, 0);
    const memo = this.memo;
    const r = at + 2 + 4 * g;
    memo[r] = lead | (trail << 1) | ((from - start) << 8) | ((to - start) << 16);
    memo[r + 1] = h;
    memo[r + 2] = this.ngFrom[j]!;
    memo[r + 3] = this.ngTo[j]!;
  }

  /** Byte k of n-gram j (its edges' spaces included). */
  private byteOf(j: number, k: number): number {
    const lead = this.ngEdges[j]! & 1;
    if (lead && k === 0) return 32;
    const i = this.ngStart[j]! + k - lead;
    return i < this.ngEnd[j]! ? this.bytes[i]! : 32;
  }

  private lengthOf(j: number): number {
    const e = this.ngEdges[j]!;
    return this.ngEnd[j]! - this.ngStart[j]! + (e & 1) + (e >> 1);
  }

  private same(j: number, edges: number, start: number, end: number): boolean {
    if (this.ngEdges[j] === edges && this.ngEnd[j]! - this.ngStart[j]! === end - start) {
      const s = this.ngStart[j]!;
      for (let i = 0; i < end - start; i++)
        if (this.bytes[s + i] !== this.bytes[start + i]) return false;
      return true;
    }
    // Different edges can still spell the same bytes when a word byte is a space (ELD's
    // dictionary maps some UTF-8 bytes to " "): compare byte by byte.
    const length = end - start + (edges & 1) + (edges >> 1);
    if (this.lengthOf(j) !== length) return false;
    const lead = edges & 1;
    for (let k = 0; k < length; k++) {
      const i = start + k - lead;
      const b = lead && k === 0 ? 32 : i < end ? this.bytes[i]! : 32;
      if (this.byteOf(j, k) !== b) return false;
    }
    return true;
  }

  /** The database's id of n-gram j, or −1. */
  private find(j: number): number {
    const { table, idBits, keyStart, keyBytes } = this.data;
    const mask = table.length - 1;
    const idMask = (1 << idBits) - 1;
    const h = this.ngHash[j]!;
    const length = this.lengthOf(j);
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const packed = table[slot]!;
      if (packed === 0) return -1;
      if (((packed ^ h) & ~idMask) !== 0) continue;
      const id = (packed & idMask) - 1;
      const from = keyStart[id]!;
      if (keyStart[id + 1]! - from !== length) continue;
      let k = 0;
      while (k < length && keyBytes[from + k] === this.byteOf(j, k)) k++;
      if (k === length) return id;
    }
  }

  /** ELD's n-grams of the word in bytes[start, end): 4 bytes with a stride of 3, edges marked. */
  private word(start: number, end: number): void {
    const length = end - start;
    if (length === 0) return;
    if (length > WORD_BYTES) {
      const len = Math.min(length, 70);
      let j = 0;
      for (; j + 4 < len; j += 3) {
        const lead = j === 0 ? 1 : 0;
        this.add(
          lead,
          start + j,
          start + j + 4,
          0,
          this.hash(lead, start + j, start + j + 4, 0),
          -2,
          0,
        );
      }
      // ELD: (j === 0 ? " " : "") + word.substring(len !== 3 ? len - 4 : 0) + " " — to the end
      // of the whole word, even past 70 bytes.
      const lead = j === 0 ? 1 : 0;
      const from = start + Math.max(0, len - 4);
      this.add(lead, from, end, 1, this.hash(lead, from, end, 1), -2, 0);
      return;
    }
    const bytes = this.bytes;
    let wh = 0x811c9dc5;
    for (let i = start; i < end; i++) wh = Math.imul(wh ^ bytes[i]!, 0x01000193);
    const slot = mix(wh) & (WORD_SLOTS - 1);
    const memo = this.memo;
    const at = slot * WORD_STRIDE;
    const keyAt = slot * WORD_BYTES;
    let hit = memo[at] === length + 1;
    for (let i = 0; hit && i < length; i++) hit = this.memoKey[keyAt + i] === bytes[start + i];
    if (hit) {
      for (let g = 0, n = memo[at + 1]!, r = at + 2; g < n; g++, r += 4) {
        const shape = memo[r]!;
        this.add(
          shape & 1,
          start + ((shape >> 8) & 0xff),
          start + ((shape >> 16) & 0xff),
          (shape >> 1) & 1,
          memo[r + 1]!,
          memo[r + 2]!,
          memo[r + 3]!,
        );
      }
      return;
    }
    // A miss: the word's n-grams as above (no word here reaches 70 bytes), recorded in the slot.
    let n = 0;
    let j = 0;
    for (; j + 4 < length; j += 3)
      this.record(at, n++, start, j === 0 ? 1 : 0, start + j, start + j + 4, 0);
    this.record(at, n++, start, j === 0 ? 1 : 0, start + Math.max(0, length - 4), end, 1);
    memo[at] = length + 1;
    memo[at + 1] = n;
    for (let i = 0; i < length; i++) this.memoKey[keyAt + i] = bytes[start + i]!;
  }

  // separate(text).trim().toLowerCase() of a post whose letters and kept apostrophes are all
  // ASCII (emoji and other non-letters allowed: they become spaces), written as bytes into
  // `chars` without making those three strings; [charsStart, charsEnd) is the result.
  private readonly chars = new Uint8Array(1000);
  private charsStart = 0;
  private charsEnd = 0;

  /** Whether the post took this path (false: a letter or kept apostrophe is not ASCII). */
  private asciiSeparated(text: string): boolean {
    const classes = this.data.classes;
    const out = this.chars;
    const n = Math.min(text.length, 1000);
    let m = 0;
    for (let i = 0; i < n;) {
      const c = text.charCodeAt(i);
      if (classes[c] === LETTER) {
        if (c >= 0x80) return false;
        out[m++] = c >= 65 && c <= 90 ? c | 32 : c;
        i++;
        continue;
      }
      // A run of non-letters [i, j), as separate() treats it: one space and the apostrophes that
      // end it, or (a lone space, apostrophes only) kept as it is.
      const j = runEnd(text, classes, i, n);
      const k = apostrophesFrom(text, classes, i, j);
      let from = i;
      if (becomesSpace(text, i, k)) {
        out[m++] = 32;
        from = k;
      }
      for (let p = from; p < j; p++) {
        const d = text.charCodeAt(p);
        if (d >= 0x80) return false;
        out[m++] = d >= 65 && d <= 90 ? d | 32 : d;
      }
      i = j;
    }
    // trim(): the only whitespace left is the space (any other is a non-letter run, now " ").
    let start = 0;
    while (start < m && out[start] === 32) start++;
    while (m > start && out[m - 1] === 32) m--;
    this.charsStart = start;
    this.charsEnd = m;
    return true;
  }

  detect(input: string): Detection {
    const ascii = this.asciiSeparated(input);
    const out = this.bytes;
    this.ngCount = 0;
    this.stamp = (this.stamp + 1) | 0;
    if (this.stamp === 0) {
      this.setStamp.fill(0);
      this.stamp = 1;
    }
    let pos = 0;
    let wordStart = 0;
    let bytes = 0;
    if (ascii) {
      // The loop below for ASCII text (a byte a character, no dictionary).
      const chars = this.chars;
      for (let i = this.charsStart; i < this.charsEnd; i++) {
        const c = chars[i]!;
        if (c === 32) {
          this.word(wordStart, pos);
          wordStart = pos;
          if (bytes > 350) break;
        } else out[pos++] = c;
        bytes += 1;
        if (bytes > 380) break;
      }
      this.word(wordStart, pos);
      return this.result();
    }
    const text = separate(input.substring(0, 1000), this.data.classes).trim().toLowerCase();
    const D = this.data.dictionary;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) {
        if (c === 32) {
          this.word(wordStart, pos);
          wordStart = pos;
          if (bytes > 350) break;
        } else out[pos++] = c;
        bytes += 1;
      } else if (c < 0x800) {
        out[pos++] = D[0xc0 | (c >> 6)]!;
        out[pos++] = D[0x80 | (c & 0x3f)]!;
        bytes += 2;
      } else if (c < 0xd800 || c >= 0xe000) {
        out[pos++] = D[0xe0 | (c >> 12)]!;
        out[pos++] = D[0x80 | ((c >> 6) & 0x3f)]!;
        out[pos++] = D[0x80 | (c & 0x3f)]!;
        bytes += 3;
      } else {
        i += 1;
        c = 0x10000 + (((c & 0x3ff) << 10) | (text.charCodeAt(i) & 0x3ff));
        out[pos++] = D[0xf0 | (c >> 18)]!;
        out[pos++] = D[0x80 | ((c >> 12) & 0x3f)]!;
        out[pos++] = D[0x80 | ((c >> 6) & 0x3f)]!;
        out[pos++] = D[0x80 | (c & 0x3f)]!;
        bytes += 4;
      }
      if (bytes > 380) break;
    }
    this.word(wordStart, pos);
    return this.result();
  }

  /** The detection from the post's n-grams (this.ngCount of them, their scores' ranges). */
  private result(): Detection {
    const scores = this.scores;
    scores.fill(0);
    const { entries } = this.data;
    for (let j = 0; j < this.ngCount; j++) {
      for (let e = this.ngFrom[j]!, to = this.ngTo[j]!; e < to; e++) {
        const packed = entries[e]!;
        scores[packed >>> 16]! += packed & 0xffff;
      }
    }
    let best = -1;
    for (let l = 0; l < scores.length; l++)
      if (scores[l]! > 0 && (best < 0 || scores[l]! > scores[best]!)) best = l;
    if (best < 0) return { language: "", reliable: false };
    const language = this.data.codes[best]!;
    const n = this.ngCount;
    if (n < 3) return { language, reliable: false };
    // ELD's isReliable(): the top score (scaled 0–1: v / n / (v / n + 25)) must reach 3/4 of the
    // language's average, and differ by ≥ 0.01 from "the next result", which ELD reads as the
    // runner-up's language index (results[1][0]), not its score; kept as is so both agree.
    let second = -1;
    let secondScaled = 0;
    for (let l = 0; l < scores.length; l++) {
      if (l === best || !(scores[l]! > 0)) continue;
      const s = scores[l]! / n / (scores[l]! / n + 25);
      if (second < 0 || s > secondScaled) {
        second = l;
        secondScaled = s;
      }
    }
    const top = scores[best]! / n / (scores[best]! / n + 25);
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
