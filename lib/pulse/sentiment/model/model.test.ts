import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makePosts } from "@/bench/pulse/corpus";
import { BUCKETS, FEATURES_VERSION, MAX_FEATURES, featurize, tokenize } from "./features";
import { MODEL_DIR, readModel } from "./model";

describe("the committed sentiment model", () => {
  const model = readModel();

  it("is the weights model.json describes, trained on the eight languages with checksummed data", () => {
    const bytes = readFileSync(path.join(MODEL_DIR, "weights.bin"));
    expect(bytes.byteLength).toBe(BUCKETS * 3);
    expect(bytes.byteLength).toBeLessThan(3 * 2 ** 20);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(model.meta.weightsSha256);
    expect(model.meta.featuresVersion).toBe(FEATURES_VERSION);
    expect(model.meta.languages).toEqual(["ar", "de", "en", "es", "fr", "hi", "it", "pt"]);
    const data = model.meta.data as { file: string; split: string; sha256: string; rows: number }[];
    for (const d of data) expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The validation splits were not trained on.
    const validation = data.filter((d) => d.split === "validation");
    expect(validation.map((d) => d.file)).toContain("en_semeval2017-4a_2016devtest.tsv");
    expect(validation.filter((d) => d.file.endsWith("_val.tsv"))).toHaveLength(7);
    for (const d of validation) expect(d.rows).toBe(0);
  });

  it("tells positive, negative and neutral apart, with probabilities", () => {
    const pos = model.predict("I love this, best day ever! 😍", "en");
    expect(pos.label).toBe("positive");
    expect(pos.score).toBeGreaterThan(0);
    expect(pos.probabilities.reduce((a, b) => a + b)).toBeCloseTo(1, 6);
    expect(pos.confidence).toBe(Math.round(Math.max(...pos.probabilities) * 1e4) / 1e4);
    const neg = model.predict("This is awful, worst service, I'm so angry", "en");
    expect(neg.label).toBe("negative");
    expect(neg.score).toBeLessThan(0);
    expect(model.predict("The meeting is at 3pm in room 204", "en").label).toBe("neutral");
    expect(model.predict("Odio los lunes, qué asco de día", "es").label).toBe("negative");
    expect(Math.abs(pos.score)).toBeLessThanOrEqual(5);
  });

  it("scores with its per-word and per-feature memos exactly as the plain sum over every feature", () => {
    const weights = new Int8Array(readFileSync(path.join(MODEL_DIR, "weights.bin")));
    const out = new Int32Array(MAX_FEATURES);
    const plain = (text: string, lang: string) => {
      const n = featurize(text, lang, out);
      const z = [0, 0, 0];
      for (const j of out.subarray(0, n)) for (let c = 0; c < 3; c++) z[c]! += weights[j * 3 + c]!;
      return z.map((x) => (x * model.meta.scale) / Math.sqrt(n));
    };
    const texts = [
      "I love this, best day ever! 😍",
      "not good at all, not good at all =(",
      "Odio los lunes, qué asco de día",
      "x",
      // Collides in the memo (same words, other neighbours), and past the feature bound.
      "good good good bad good",
      "supercalifragilistic ".repeat(400),
      "word ".repeat(5_000),
      // Enough words and bigrams to fill and overwrite the memos' slots.
      ...makePosts(4_000, 23),
    ];
    const z = new Float64Array(3);
    for (const lang of ["en", "es"])
      for (const text of [...texts, ...texts]) {
        model.logits(text, lang, z);
        const expected = plain(text, lang);
        for (let c = 0; c < 3; c++) expect(z[c]).toBeCloseTo(expected[c]!, 12);
      }
  });

  it("knows its languages only", () => {
    expect(model.knows("en")).toBe(true);
    expect(model.knows("pt")).toBe(true);
    expect(model.knows("ja")).toBe(false);
    expect(model.knows("und")).toBe(false);
  });
});

describe("features", () => {
  it("are deterministic, bounded, and see negation and emoticons", () => {
    const out = new Int32Array(MAX_FEATURES);
    const n = featurize("not good at all =( https://x.co @bob", "en", out);
    const again = new Int32Array(MAX_FEATURES);
    expect(featurize("not good at all =( https://x.co @bob", "en", again)).toBe(n);
    expect([...out.slice(0, n)]).toEqual([...again.slice(0, n)]);
    for (const i of out.slice(0, n)) expect(i).toBeGreaterThanOrEqual(0);
    expect(tokenize("NOT good at all =( https://x.co @bob")).toEqual([
      "not",
      "good",
      "at",
      "all",
      "=(",
    ]);
    expect(tokenize("sooooo &amp; good\\u2019s")).toEqual(["sooo", "good's"]);
    const huge = "word ".repeat(5_000);
    expect(featurize(huge, "en", out)).toBeLessThanOrEqual(MAX_FEATURES);
  });
});
