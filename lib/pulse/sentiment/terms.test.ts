import { describe, expect, it } from "vitest";
import { makePosts } from "@/bench/pulse/corpus";
import { dataDir, listFiles, readExamples } from "./train/data";
import { asciiTerms, wordTerms } from "./terms";

// extractTerms cuts lower-cased ASCII text's words by index (asciiTerms) instead of the general
// regex loop (wordTerms) every other script takes, for speed. The two must agree word for word,
// so a post's terms never depend on which path it took: checked on the labelled tweets' ASCII
// texts (where ../shared/data is present), synthetic posts, and the edge cases of the trimming.
function asciiSamples(): string[] {
  const out = makePosts(3_000, 13).map((t) => t.toLowerCase());
  out.push(
    "don't won't people's we're i've you'll he'd i'm it'' rock'n'roll",
    "a-b c_d --- ___ '''x''' x' 'x 2024 1-2 _1 9a a9 3d-print under_score- trail_",
    "  ",
    "",
  );
  let dir: string | undefined;
  try {
    dir = dataDir();
  } catch {
    dir = undefined; // a fresh clone without ../shared/data: synthetic posts only
  }
  if (dir)
    for (const f of listFiles(dir))
      for (const e of readExamples(dir, f).slice(0, 400))
        if (/^[\x00-\x7f]*$/.test(e.text)) out.push(e.text.toLowerCase());
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
