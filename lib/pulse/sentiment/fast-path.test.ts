import { describe, expect, it } from "vitest";
import { differences, sampleTexts } from "@/bench/pulse/equivalence";

// The scoring path was rewritten for speed (ELD over packed tables, no per-token regexes or
// closures, one lexicon table, no spread of the post): it must give exactly what the previous
// implementation (kept in bench/pulse/previous for the bench's baseline) gave — language,
// features, prediction, hashtags, terms and the whole scored post. Over every labelled tweet it
// was checked once with `node --import tsx bench/pulse/equivalence.ts` (194,319 texts, 0
// differences); here a sample of each data file, where present, and synthetic posts.
describe("the fast scoring path", () => {
  it("scores exactly as the previous implementation did", () => {
    const samples = sampleTexts(150, 2_000);
    expect(samples.length).toBeGreaterThanOrEqual(2_000);
    expect(differences(samples)).toEqual([]);
  }, 120_000);
});
