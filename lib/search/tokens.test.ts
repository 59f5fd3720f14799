import { describe, expect, it } from "vitest";
import { indexKeys, parseQuery, termKey, tokenize, words } from "./tokens";

describe("search tokens in every script", () => {
  it("folds case, accents and compatibility forms in Latin, Greek and Cyrillic", () => {
    expect(words("Café CRÈME brûlée, Straße ŁÓDŹ Æsir Øresund ﬁle ＡＢＣ")).toEqual([
      "cafe",
      "creme",
      "brulee",
      "strasse",
      "lodz",
      "aesir",
      "oresund",
      "file",
      "abc",
    ]);
    // Tonos and breathing marks go; final sigma is sigma.
    expect(words("Ἀθῆναι ΟΔΟΣ οδός")).toEqual(["αθηναι", "οδοσ", "οδοσ"]);
    expect(words("ПРИВЕТ, Мир! Ёлка")).toEqual(["привет", "мир", "елка"]);
  });

  it("cuts Chinese and Japanese into bigrams, keeping single characters for the index", () => {
    expect(words("東京都に住む")).toEqual(["東京", "京都", "都に", "に住", "住む"]);
    expect(words("北京大学")).toEqual(["北京", "京大", "大学"]);
    // Half-width katakana fold to full width; the long vowel mark belongs to the word.
    expect(words("ｺｰﾋｰ")).toEqual(words("コーヒー"));
    expect(words("ｶﾞｲﾄﾞ")).toEqual(words("ガイド"));
    expect(words("コーヒー")).toEqual(["コー", "ーヒ", "ヒー"]);
    // A lone CJK character is its own word; mixed runs split by script.
    expect(words("本 Tokyo東京")).toEqual(["本", "tokyo", "東京"]);
    const keys = indexKeys("東京");
    expect(keys).toEqual([termKey("東京"), termKey("東"), termKey("京")]);
  });

  it("keys non-ASCII terms as ASCII words the MapReduce built-in keeps whole", () => {
    expect(termKey("walrus")).toBe("walrus");
    for (const t of ["東京", "привет", "αθηναι", "ñ"]) {
      expect(termKey(t)).toMatch(/^zz[a-z0-9]+$/);
      expect(termKey(t).length).toBeLessThanOrEqual(64);
    }
    expect(termKey("東京")).not.toBe(termKey("京東"));
    // Very long words keep their first 15 code points (the postings column's width).
    const long = "достопримечательность";
    expect(termKey(long)).toBe(termKey(long + "ями"));
    expect(termKey(long).length).toBe(62);
  });

  it("gives positions in the original text, and bigrams that run on", () => {
    const text = "Hi 東京!";
    const t = tokenize(text);
    expect(t.map((x) => text.slice(x.start, x.end))).toEqual(["Hi", "東", "京"]);
    expect(t.map((x) => x.joinsNext)).toEqual([false, true, false]);
    expect(t[2]!.term).toBeNull();
  });

  it("reads a CJK run of three characters or more as a phrase of its bigrams", () => {
    expect(parseQuery("東京都 walrus")).toEqual({
      terms: ["東京", "京都", "walrus"],
      phrases: [["東京", "京都"]],
    });
    expect(parseQuery("東京")).toEqual({ terms: ["東京"], phrases: [] });
    expect(parseQuery('"Ёлка Мир"').phrases).toEqual([["елка", "мир"]]);
  });
});
