import path from "node:path";
import { pathToFileURL } from "node:url";
import { ELD_MAGIC, type EldHeader, fnvByte, FNV_SEED, mix } from "./eld";

// Packs ELD's "small" n-gram database (npm eld 2.1.0, Apache-2.0, © Nito T.M.) into the form
// lib/pulse/language/eld.ts scores with, every table already built: the open-addressing hash
// table, the keys' bytes, the packed scores and the BMP character classes. Loading it is then a
// file read and typed-array views over it (~1 ms), where building the tables from the n-grams at
// start-up took 25–40 ms of CPU (the character classes alone: 65,536 tests of a 960-character
// regex class) and 150–400 ms of wall time on the loaded machine. Run by
// `npm run build:language-data` (scripts/build-language-data.ts); detect.test.ts checks the
// committed file is what this gives for the installed eld.
//
// File layout (little-endian): "ELD2"; u32 header length; the header (JSON: ELD's separator
// regex source, language codes, the table's id bits, each section's [byte offset, length]);
// then the sections, each 8-byte aligned so they are viewed in place:
//   classes    Uint8Array(65536)  UTF-16 code unit → 1 letter, 2 kept apostrophe, 0 separator
//   dictionary Uint8Array(256)    ELD's UTF-8 byte → byte table (eld/src/dictionary.js)
//   avgScore   Float64Array(L)    per language
//   table      Int32Array(2^k)    hash's high bits | (id + 1); 0 = empty; linear probing
//   keyStart   Int32Array(N + 1)  id → its key's bytes in keyBytes
//   keyBytes   Uint8Array         the n-grams' Latin-1 bytes
//   entryStart Int32Array(N + 1)  id → its scores in entries
//   entries    Int32Array         language index << 16 | score (incl. ELD's base of 53)

type Upstream = {
  ngrams: Record<string, Record<string, number>>;
  languages: Record<string, string>;
  avgScore: Record<string, number>;
  separators: RegExp;
  dictionary: string[];
};

async function upstream(): Promise<Upstream> {
  // The data modules are not in eld's package exports: import them by file path.
  const root = path.join(process.cwd(), "node_modules/eld/src");
  const load = (file: string) => import(pathToFileURL(path.join(root, file)).href);
  const { ngramsData } = (await load("ngrams/small.js")) as {
    ngramsData: {
      languages: Record<string, string>;
      ngrams: Record<string, Record<string, number>>;
    };
  };
  const { avgScore } = (await load("avgScore.js")) as { avgScore: Record<string, number> };
  const { separators } = (await load("regexPatterns.js")) as { separators: RegExp };
  const { dictionary } = (await load("dictionary.js")) as { dictionary: string[] };
  return { ...ngramsData, avgScore, separators, dictionary };
}

const LETTER = 1;
const APOSTROPHE = 2;

// ELD's separators are `[^<letters>]+(?<![<apostrophes>])` (without the look-behind where a
// runtime lacks it): a table of both classes over the BMP lets eld.ts's separate() do that
// replace without the regex. Letters are BMP only, so surrogates (astral characters) are
// separators, as in the regex.
export function characterClasses(source: string): Uint8Array {
  const m = /^\[\^(.*)\]\+(?:\(\?<!\[(.*)\]\))?$/su.exec(source);
  if (!m) throw new Error("ELD's separator pattern has an unexpected form");
  const letter = new RegExp(`^[${m[1]}]$`, "u");
  const apostrophe = m[2] ? new RegExp(`^[${m[2]}]$`, "u") : /^(?!)$/u;
  const classes = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c < 0xe000) continue;
    const ch = String.fromCharCode(c);
    classes[c] = letter.test(ch) ? LETTER : apostrophe.test(ch) ? APOSTROPHE : 0;
  }
  return classes;
}

export async function packEld(): Promise<Buffer> {
  const { ngrams, languages, avgScore, separators, dictionary } = await upstream();
  const codes = Object.keys(languages)
    .map(Number)
    .sort((a, b) => a - b)
    .map((i) => languages[i]!);
  if (codes.length > 255) throw new Error("too many ELD languages");
  const dict = Buffer.from(dictionary.join(""), "latin1");
  if (dictionary.length !== 256 || dict.length !== 256)
    throw new Error("unexpected ELD dictionary");

  const keys = Object.keys(ngrams);
  const n = keys.length;
  let keyTotal = 0;
  let entryTotal = 0;
  for (const key of keys) {
    const bytes = Buffer.from(key, "latin1");
    if (bytes.toString("latin1") !== key || bytes.length > 255)
      throw new Error(`n-gram ${key} is not short Latin-1`);
    keyTotal += bytes.length;
    entryTotal += Object.keys(ngrams[key]!).length;
  }
  let size = 1;
  while (size < n * 1.6) size <<= 1;
  // One int per slot: the id in the low bits, the rest of the hash above to skip most misses.
  const idBits = Math.ceil(Math.log2(n + 2));
  if (idBits > 24) throw new Error("ELD database too large for the packed table");
  const idMask = (1 << idBits) - 1;
  const table = new Int32Array(size);
  const keyStart = new Int32Array(n + 1);
  const keyBytes = new Uint8Array(keyTotal);
  const entryStart = new Int32Array(n + 1);
  const entries = new Int32Array(entryTotal);
  let k = 0;
  let e = 0;
  for (let id = 0; id < n; id++) {
    const bytes = Buffer.from(keys[id]!, "latin1");
    keyStart[id] = k;
    let h = FNV_SEED;
    for (const b of bytes) {
      keyBytes[k++] = b;
      h = fnvByte(h, b);
    }
    h = mix(h);
    let slot = h & (size - 1);
    while (table[slot] !== 0) slot = (slot + 1) & (size - 1);
    table[slot] = (h & ~idMask) | (id + 1);
    entryStart[id] = e;
    for (const [lang, score] of Object.entries(ngrams[keys[id]!]!)) {
      const index = Number(lang);
      if (index > 255 || score + 53 < 0 || score + 53 > 0xffff)
        throw new Error(`n-gram ${keys[id]}: score out of range`);
      entries[e++] = (index << 16) | (score + 53);
    }
  }
  keyStart[n] = k;
  entryStart[n] = e;

  const sections: [string, ArrayBufferView][] = [
    ["classes", characterClasses(separators.source)],
    ["dictionary", Uint8Array.from(dict)],
    ["avgScore", Float64Array.from(codes, (c) => avgScore[c] ?? 0)],
    ["table", table],
    ["keyStart", keyStart],
    ["keyBytes", keyBytes],
    ["entryStart", entryStart],
    ["entries", entries],
  ];
  // The header's offsets depend on its own length: lay out with a fixed-width placeholder size,
  // then pad the header to that size.
  const align = (x: number) => (x + 7) & ~7;
  const layout = (headerLength: number) => {
    let at = align(8 + headerLength);
    const offsets: Record<string, [number, number]> = {};
    for (const [name, view] of sections) {
      offsets[name] = [at, view.byteLength];
      at = align(at + view.byteLength);
    }
    return { offsets, end: at };
  };
  let headerLength = 512;
  for (;;) {
    const { offsets, end } = layout(headerLength);
    const header: EldHeader = {
      source: "npm eld 2.1.0, small database (Apache-2.0, © Nito T.M.)",
      separators: separators.source,
      codes,
      idBits,
      sections: offsets,
    };
    const json = Buffer.from(JSON.stringify(header), "utf8");
    if (json.length > headerLength) {
      headerLength = align(json.length);
      continue;
    }
    const out = Buffer.alloc(end);
    out.write(ELD_MAGIC, 0, "latin1");
    out.writeUInt32LE(headerLength, 4);
    json.copy(out, 8);
    out.fill(0x20, 8 + json.length, 8 + headerLength); // JSON tolerates trailing spaces
    for (const [name, view] of sections)
      Buffer.from(view.buffer, view.byteOffset, view.byteLength).copy(out, offsets[name]![0]);
    return out;
  }
}
