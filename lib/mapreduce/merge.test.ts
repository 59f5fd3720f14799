import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  MAX_MERGE_FILES,
  mergeDistinctValues,
  mergeMany,
  mergeSortedToFile,
  type MergeOrder,
  SortedWriter,
} from "./merge";
import { BufferedFile } from "./partition";

const dir = mkdtempSync(join(tmpdir(), "stratus-merge-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A seeded generator: the same cases every run.
let seed = 42;
const rand = (n: number) => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return (seed >>> 8) % n;
};

/** Bytes that order differently as bytes than as text: control bytes, UTF-8 bytes, a prefix. */
const ALPHABET = [1, 8, 32, 44, 48, 57, 65, 97, 98, 122, 0xc3, 0xa9, 0xff];
function field(maxLen: number): Buffer {
  const len = rand(maxLen + 1);
  return Buffer.from(Array.from({ length: len }, () => ALPHABET[rand(ALPHABET.length)]!));
}

/** GNU sort in byte order, nothing else inherited. */
const SORT_ENV = { LC_ALL: "C", PATH: "/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv;

const SORT_KEYS: Record<MergeOrder, string[]> = {
  key: ["-k1,1", "-s"],
  "key-value": ["-k1,1", "-k2,2"],
};

/** Sorted files of random lines, as GNU sort leaves them (the map outputs' order). */
function sortedFiles(n: number, lines: number, order: MergeOrder, name: string): string[] {
  return Array.from({ length: n }, (_, f) => {
    const rows: Buffer[] = [];
    for (let i = 0; i < lines; i++) {
      const key = field(4);
      // Some lines have no tab at all: the whole line is the key.
      if (order === "key" && rand(10) === 0) rows.push(Buffer.concat([key, Buffer.from("\n")]));
      else rows.push(Buffer.concat([key, Buffer.from("\t"), field(3), Buffer.from("\n")]));
    }
    const raw = join(dir, `${name}-${f}.raw`);
    writeFileSync(raw, Buffer.concat(rows));
    const path = join(dir, `${name}-${f}`);
    execFileSync("sort", ["-t", "\t", ...SORT_KEYS[order], "-o", path, raw], {
      env: SORT_ENV,
    });
    return path;
  });
}

const sortMerge = (files: string[], order: MergeOrder) =>
  execFileSync("sort", ["-m", "-t", "\t", ...SORT_KEYS[order], ...files], {
    env: SORT_ENV,
    maxBuffer: 1 << 28,
  });

function merged(files: string[], order: MergeOrder, name: string): Buffer {
  const path = join(dir, `${name}.out`);
  const out = new BufferedFile(path);
  out.touch();
  const w = new SortedWriter(out, false);
  mergeMany(files, order, dir, w.record);
  out.close();
  return readFileSync(path);
}

describe("mergeMany (the built-ins' in-process sort -m)", () => {
  it("gives sort -m -k1,1 -s's bytes: byte order, prefixes first, ties in file order", () => {
    const files = sortedFiles(5, 400, "key", "k");
    expect(merged(files, "key", "k").equals(sortMerge(files, "key"))).toBe(true);
  });

  it("gives sort -m -k1,1 -k2,2's bytes", () => {
    const files = sortedFiles(5, 400, "key-value", "kv");
    expect(merged(files, "key-value", "kv").equals(sortMerge(files, "key-value"))).toBe(true);
  });

  it("merges more files than it opens at once in passes, with the same result", () => {
    const files = sortedFiles(MAX_MERGE_FILES + 7, 20, "key", "many");
    expect(merged(files, "key", "many").equals(sortMerge(files, "key"))).toBe(true);
    // Its temporary pass files are gone.
    expect(readdirSync(dir).filter((f) => f.startsWith("merge-"))).toEqual([]);
  });

  it("reads key<TAB>v1<TAB>v2… as one record per value and writes keys once per line", () => {
    const a = join(dir, "lists-a");
    const b = join(dir, "lists-b");
    writeFileSync(a, "apple\td1\td3\nbanana\td2\n");
    writeFileSync(b, "apple\td2\td3\nbanana\td1\td9\ncherry\td4\n");
    const path = join(dir, "lists.out");
    const out = new BufferedFile(path);
    const w = new SortedWriter(out, true);
    const records: string[] = [];
    mergeMany([a, b], "key-value", dir, (buf, ks, ke, vs, ve) => {
      records.push(`${buf.toString("latin1", ks, ke)}=${buf.toString("latin1", vs, ve)}`);
      w.record(buf, ks, ke, vs, ve);
    });
    w.end();
    out.close();
    expect(records).toEqual([
      "apple=d1",
      "apple=d2",
      "apple=d3",
      "apple=d3",
      "banana=d1",
      "banana=d2",
      "banana=d9",
      "cherry=d4",
    ]);
    expect(readFileSync(path, "latin1")).toBe(
      "apple\td1\td2\td3\td3\nbanana\td1\td2\td9\ncherry\td4\n",
    );
    expect(out.records).toBe(8);
  });

  it("mergeDistinctValues hands over each key with its distinct values in byte order", () => {
    // One record per line, keys repeated over lines (GNU sort's output), and files of
    // key<TAB>v1<TAB>v2… lines (a map task's merged runs, repeats within a line); empty keys and
    // values, prefixes; more files than one pass opens.
    const single = sortedFiles(MAX_MERGE_FILES + 3, 60, "key-value", "dv");
    const lists = Array.from({ length: 6 }, (_, i) => {
      const path = join(dir, `dv-lists-${i}`);
      const out = new BufferedFile(path);
      out.touch();
      mergeSortedToFile(sortedFiles(3, 150, "key-value", `dv-${i}`), "key-value", out);
      out.close();
      return path;
    });
    const files = [...lists, ...single];
    // Expected: every (key, value) record of every file, sorted by key then value, repeats dropped.
    const records: [Buffer, Buffer][] = [];
    for (const f of files) {
      const data = readFileSync(f);
      for (let s = 0; s < data.length;) {
        const nl = data.indexOf(10, s);
        const line = data.subarray(s, nl);
        s = nl + 1;
        const parts: Buffer[] = [];
        for (let p = 0; ;) {
          const t = line.indexOf(9, p);
          parts.push(line.subarray(p, t < 0 ? line.length : t));
          if (t < 0) break;
          p = t + 1;
        }
        for (const v of parts.slice(1)) records.push([parts[0]!, v]);
      }
    }
    records.sort((a, b) => Buffer.compare(a[0], b[0]) || Buffer.compare(a[1], b[1]));
    const expected: string[] = [];
    for (const [k, v] of records) {
      const key = k.toString("latin1");
      const value = v.toString("latin1");
      const lastGroup = expected.at(-1);
      if (lastGroup?.startsWith(`${key}\t`) && lastGroup.split("\t")[0] === key) {
        if (lastGroup.split("\t").at(-1) !== value) expected[expected.length - 1] += `\t${value}`;
      } else expected.push(`${key}\t${value}`);
    }
    const got: string[] = [];
    let line = "";
    const groups = mergeDistinctValues(files, dir, {
      key: (buf, ks, ke) => (line = buf.toString("latin1", ks, ke)),
      value: (buf, vs, ve) => (line += `\t${buf.toString("latin1", vs, ve)}`),
      endKey: () => got.push(line),
      end: () => got.push("(end)"),
    });
    expect(got.at(-1)).toBe("(end)");
    got.pop();
    expect(records.length).toBeGreaterThan(5000);
    expect(got.length).toBeLessThan(records.length);
    expect(got).toEqual(expected);
    expect(groups).toBe(expected.length);
    expect(readdirSync(dir).filter((f) => f.startsWith("merge-"))).toEqual([]);
  });

  it("mergeDistinctValues drops a repeat of a line's last value after the reader refilled", () => {
    // File a: long lines, so its reader refills its buffer (moving its bytes) several times;
    // file b repeats the last value of each of a's lines, which comes right after it.
    const aLines: string[] = [];
    const bLines: string[] = [];
    for (let k = 0; k < 3000; k++) {
      const key = `key${String(k).padStart(5, "0")}`;
      // Values unlike from line to line (lengths too), so moved bytes do not match by chance.
      const values = [
        ...new Set(Array.from({ length: 20 + rand(40) }, () => `doc-${rand(10 ** (2 + rand(6)))}`)),
      ].sort();
      aLines.push(`${key}\t${values.join("\t")}\n`);
      bLines.push(`${key}\t${values.at(-1)!}\n`);
    }
    const a = join(dir, "refill-a");
    const b = join(dir, "refill-b");
    writeFileSync(a, aLines.join(""));
    writeFileSync(b, bLines.join(""));
    expect(readFileSync(a).length).toBeGreaterThan(4 * 256 * 1024);
    const got: string[] = [];
    let line = "";
    mergeDistinctValues([a, b], dir, {
      key: (buf, ks, ke) => (line = buf.toString("latin1", ks, ke)),
      value: (buf, vs, ve) => (line += `\t${buf.toString("latin1", vs, ve)}`),
      endKey: () => got.push(`${line}\n`),
      end: () => {},
    });
    expect(got).toEqual(aLines);
  });
});
