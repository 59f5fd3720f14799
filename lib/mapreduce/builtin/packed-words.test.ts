import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BufferedFile, fnv1a } from "../partition";
import { longKey, PACKED_MAX, PackedWords } from "./packed-words";
import { LOWER } from "./word-table";

/** Interns every word of `text` as the word-count scanner does; returns the table. */
function intern(text: string): PackedWords {
  const buf = Buffer.from(text, "latin1");
  const t = new PackedWords(4); // tiny: grows many times
  let len = 0;
  let k0 = 0;
  let k1 = 0;
  const word = (end: number) => {
    const o =
      len <= PACKED_MAX
        ? t.short(k0, k1, len)
        : t.long(buf, end - len, len, longKey(buf, end - len, k0, k1));
    t.slots[o + 3]!++;
  };
  for (let i = 0; i < buf.length; i++) {
    const l = LOWER[buf[i]!]!;
    if (l !== 0) {
      k1 = (k1 << 8) | (k0 >>> 24);
      k0 = (k0 << 8) | l;
      len++;
    } else if (len !== 0) {
      word(i);
      len = k0 = k1 = 0;
    }
  }
  if (len !== 0) word(buf.length);
  return t;
}

describe("PackedWords", () => {
  it("counts words of every length and lists them in byte order with their FNV-1a hashes", () => {
    const words = [
      "a",
      "ab",
      "abcd",
      "abcde",
      "abcdefgh", // exactly 8: the last packed length
      "abcdefghi", // 9: the arena
      "abcdefghij",
      "abcdefghia",
      "abcdezzzzzzzzzz",
      "abcdf",
      "z9",
      "0",
      "internationalization",
      "internationally",
      "international",
      "x".repeat(1000),
    ];
    const text = words.flatMap((w, i) => Array(i + 1).fill(w.toUpperCase())).join(" ... ");
    const t = intern(`${text}\n`);
    expect(t.size).toBe(words.length);
    const s = t.sorted();
    const got = Array.from(s.order, (w) => ({
      word: Buffer.from(s.bytes.subarray(s.starts[w]!, s.starts[w + 1]!)).toString("latin1"),
      count: t.slots[s.slot[w]! + 3],
      hash: s.hashes[w],
    }));
    const sorted = [...words].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(got.map((g) => g.word)).toEqual(sorted);
    for (const g of got) {
      expect(g.count).toBe(words.indexOf(g.word) + 1);
      expect(g.hash).toBe(fnv1a(Buffer.from(g.word, "latin1")));
    }
  });

  it("sorts tens of thousands of words like Buffer.compare does", () => {
    const words = new Set<string>();
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    while (words.size < 30_000) {
      const len = 1 + Math.floor(rnd() * 14);
      let w = "";
      for (let i = 0; i < len; i++) w += "abcde0"[Math.floor(rnd() * 6)];
      words.add(w);
    }
    const t = intern([...words].join(" "));
    const s = t.sorted();
    const got = Array.from(s.order, (w) =>
      Buffer.from(s.bytes.subarray(s.starts[w]!, s.starts[w + 1]!)).toString("latin1"),
    );
    expect(got).toEqual([...words].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });

  it("orders runs of words sharing their first five bytes, short and long, and gathers values", () => {
    // "inter…": one run of 200 words (sorted by comparison); "count…"/"abcde…": runs of 2–32
    // (insertion-sorted), with words that are prefixes of each other and differ only at the end.
    const words: string[] = [];
    for (let i = 0; i < 200; i++) words.push(`inter${(i * 7919) % 1000}x${"q".repeat(i % 5)}`);
    for (let n = 2; n <= 32; n++) {
      const stem = `c${String(n).padStart(2, "0")}ab`;
      for (let i = 0; i < n; i++) words.push(`${stem}${"zyx".slice(0, i % 4)}${(n * 31 + i) % 97}`);
    }
    words.push("abcde", "abcdea", "abcdez", "abcde0", "abcdeaa", "abcdeaaaaaaaaa", "abcdeab");
    const unique = [...new Set(words)];
    // Word i occurs i + 1 times: the gathered values are the counts.
    const t = intern(unique.flatMap((w, i) => Array<string>(i + 1).fill(w)).join(" "));
    const s = t.sorted();
    const got = Array.from(s.order, (w) => ({
      word: Buffer.from(s.bytes.subarray(s.starts[w]!, s.starts[w + 1]!)).toString("latin1"),
      value: s.values[w],
      slotValue: t.slots[s.slot[w]! + 3],
    }));
    expect(got.map((g) => g.word)).toEqual(
      [...unique].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    );
    for (const g of got) {
      expect(g.value).toBe(unique.indexOf(g.word) + 1);
      expect(g.value).toBe(g.slotValue);
    }
  });
});

describe("PackedWords long words", () => {
  it("tells apart long words whose keys are equal (same first 4 and last 8 bytes and length)", () => {
    // 13 bytes: "abcd" + one byte + "efghijkl"; the key sees only the first 4 and last 8.
    const middles = ["x", "y", "z", "0", "9", "q"];
    const words = middles.map((m) => `abcd${m}efghijkl`);
    const key = (w: string) => {
      const b = Buffer.from(w, "latin1");
      let k0 = 0;
      let k1 = 0;
      for (const c of b) {
        k1 = (k1 << 8) | (k0 >>> 24);
        k0 = (k0 << 8) | LOWER[c]!;
      }
      return longKey(b, 0, k0, k1);
    };
    expect(new Set(words.map(key)).size).toBe(1);
    // Word i occurs i + 1 times, in mixed case, interleaved with the others.
    const text: string[] = [];
    for (let round = 0; round < words.length; round++) {
      for (const [i, w] of words.entries()) {
        if (round <= i) text.push(round % 2 ? w.toUpperCase() : w);
      }
    }
    const t = intern(`${text.join(" ")}\n`);
    expect(t.size).toBe(words.length);
    const s = t.sorted();
    const got = Object.fromEntries(
      Array.from(s.order, (w) => [
        Buffer.from(s.bytes.subarray(s.starts[w]!, s.starts[w + 1]!)).toString("latin1"),
        s.values[w],
      ]),
    );
    expect(got).toEqual(Object.fromEntries(words.map((w, i) => [w, i + 1])));
  });
});

describe("BufferedFile.writeUint", () => {
  it("writes integers as decimal text and counts their bytes", () => {
    const dir = mkdtempSync(join(tmpdir(), "stratus-writeuint-"));
    try {
      const f = new BufferedFile(join(dir, "out"));
      const values = [0, 7, 9, 10, 99, 100, 65535, 2 ** 31 - 1, 2 ** 32 + 5, 123456789012345, 1e15];
      for (const v of values) {
        f.writeUint(v);
        f.writeByte(10);
      }
      f.close();
      const expected = values.map((v) => `${v}\n`).join("");
      expect(readFileSync(join(dir, "out"), "latin1")).toBe(expected);
      expect(f.bytes).toBe(expected.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
