// npm run build:language-data — packs ELD's "small" n-gram database (the eld package, Apache-2.0,
// © Nito T.M.) into lib/pulse/language/eld-small.bin.gz, the compact form lib/pulse/language/eld.ts
// scores with. Re-run after upgrading eld; eld.test.ts checks the result still detects exactly
// as eld.detect() does.
//
// Format (then gzip): "ELD1"; u32 length + UTF-8 of ELD's word-separator regex source;
// 256 bytes: ELD's byte → character table; u8 L; L × (2 ASCII bytes language code, f64 average
// score); u32 N; N × (u8 key length, key as
// Latin-1 bytes, u8 count, count × (u8 language index, u16 score incl. ELD's base of 53)).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

// The data modules are not in eld's package exports: import them by file path.
const root = path.join(process.cwd(), "node_modules/eld/src");
const load = (file: string) => import(pathToFileURL(path.join(root, file)).href);
const { ngramsData } = (await load("ngrams/small.js")) as {
  ngramsData: { languages: Record<string, string>; ngrams: Record<string, Record<string, number>> };
};
const { avgScore } = (await load("avgScore.js")) as { avgScore: Record<string, number> };
const { separators } = (await load("regexPatterns.js")) as { separators: RegExp };
const { dictionary } = (await load("dictionary.js")) as { dictionary: string[] };

const chunks: Buffer[] = [Buffer.from("ELD1", "latin1")];
const u8 = (n: number) => chunks.push(Buffer.from([n]));
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  chunks.push(b);
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  chunks.push(b);
};
const source = Buffer.from(separators.source, "utf8");
u32(source.length);
chunks.push(source);
const table = Buffer.from(dictionary.join(""), "latin1");
if (dictionary.length !== 256 || table.length !== 256) throw new Error("unexpected ELD dictionary");
chunks.push(table);
const codes = Object.keys(ngramsData.languages)
  .map(Number)
  .sort((a, b) => a - b)
  .map((i) => ngramsData.languages[i]!);
u8(codes.length);
for (const code of codes) {
  chunks.push(Buffer.from(code, "ascii"));
  const f = Buffer.alloc(8);
  f.writeDoubleLE(avgScore[code] ?? 0);
  chunks.push(f);
}
const keys = Object.keys(ngramsData.ngrams);
u32(keys.length);
for (const key of keys) {
  const bytes = Buffer.from(key, "latin1");
  if (bytes.toString("latin1") !== key) throw new Error(`n-gram ${key} is not Latin-1`);
  u8(bytes.length);
  chunks.push(bytes);
  const entries = Object.entries(ngramsData.ngrams[key]!);
  u8(entries.length);
  for (const [lang, score] of entries) {
    u8(Number(lang));
    u16(score + 53);
  }
}
const out = path.join(process.cwd(), "lib/pulse/language/eld-small.bin.gz");
const packed = gzipSync(Buffer.concat(chunks), { level: 9 });
writeFileSync(out, packed);
console.log(
  `wrote ${out}: ${keys.length} n-grams, ${codes.length} languages, ${packed.length} bytes`,
);
