import { describe, expect, it } from "vitest";
import { makePosts } from "@/bench/pulse/corpus";
import { dataDir, listFiles, readExamples } from "./train/data";
import { asciiTerms, extractTerms, isPlainSymbol, plainWords, wordTerms } from "./terms";

// extractTerms cuts lower-cased ASCII text's words by index (asciiTerms) instead of the general
// regex loop (wordTerms) every other script takes, for speed. The two must agree word for word,
// so a post's terms never depend on which path it took: checked on the labelled tweets' ASCII
// texts (where ../shared/data is present), synthetic posts, and the edge cases of the trimming.
function labelledTexts(): string[] {
  let dir: string | undefined;
  try {
    dir = dataDir();
  } catch {
    return []; // a fresh clone without ../shared/data: synthetic posts only
  }
  const out: string[] = [];
  for (const f of listFiles(dir))
    for (const e of readExamples(dir, f).slice(0, 400)) out.push(e.text);
  return out;
}

function asciiSamples(): string[] {
  const out = makePosts(3_000, 13).map((t) => t.toLowerCase());
  out.push(
    "don't won't people's we're i've you'll he'd i'm it'' rock'n'roll",
    "a-b c_d --- ___ '''x''' x' 'x 2024 1-2 _1 9a a9 3d-print under_score- trail_",
    "  ",
    "",
  );
  for (const text of labelledTexts()) if (/^[\x00-\x7f]*$/.test(text)) out.push(text.toLowerCase());
  return out;
}

describe("asciiTerms (the fast path of extractTerms)", () => {
  it("finds exactly the terms of the general path, in the same order", () => {
    const samples = asciiSamples();
    expect(samples.length).toBeGreaterThan(3_000);
    const differ = samples.filter((t) => asciiTerms(t).join(" ") !== wordTerms(t).join(" "));
    expect(differ).toEqual([]);
  });
});

describe("plainWords (ASCII with emoji and other symbols takes the fast path too)", () => {
  it("admits only code points that are never in a word and have no case", () => {
    const wordy = /[\p{L}\p{M}\p{N}]/u;
    let admitted = 0;
    for (let c = 0; c <= 0x10ffff; c++) {
      if (!isPlainSymbol(c)) continue;
      admitted += 1;
      expect(c < 0xd800 || c >= 0xe000, `U+${c.toString(16)}`).toBe(true);
      const ch = String.fromCodePoint(c);
      expect(wordy.test(ch), `U+${c.toString(16)}`).toBe(false);
      expect(ch.toLowerCase(), `U+${c.toString(16)}`).toBe(ch);
    }
    expect(admitted).toBeGreaterThan(3_000);
  });

  it("takes emoji posts, and leaves other scripts and marks inside words to the general path", () => {
    expect(plainWords("love it 😍🔥 ❤️ ⭐ — “quoted” → 👍🏽 👨‍👩‍👧")).toBe(true);
    expect(plainWords("café")).toBe(false);
    expect(plainWords("1\uFE0F\u20E3 keycap")).toBe(false); // U+FE0F after a digit: in a word
    expect(plainWords("❶ dingbat digit")).toBe(false);
    expect(plainWords("lone \ud83d surrogate")).toBe(false);
  });

  it("gives the general path's terms on those posts", () => {
    const samples = [
      ...makePosts(3_000, 17),
      "Love it😍so much🔥🔥 ❤️❤️best—day “ever” → 👍🏽 go-team_ 👨‍👩‍👧 it's",
      "x😀y 😀abc😀 abc😀def don't😀 ’tis 2024😀 ⭐⭐⭐rating",
      ...labelledTexts(),
    ];
    const plain = samples.filter((t) => plainWords(t) && /[^\x00-\x7f]/.test(t));
    expect(plain.length).toBeGreaterThan(1_000);
    const differ = plain.filter(
      (t) => asciiTerms(t.toLowerCase()).join(" ") !== wordTerms(t).join(" "),
    );
    expect(differ).toEqual([]);
    expect(extractTerms("Love it 😍 #sun @bob https://x.co").terms).toEqual(["love"]);
  });
});
