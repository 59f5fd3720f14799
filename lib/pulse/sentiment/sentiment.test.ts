import wink from "wink-sentiment";
import { describe, expect, it } from "vitest";
import type { IncomingPost } from "../types";
import { afinnScore, extractTerms, scorePost, winkScore } from "./index";

const post = (text: string, lang?: string): IncomingPost => ({
  source: "replay",
  id: "1",
  text,
  createdAt: "2026-11-26T12:00:00.000Z",
  ...(lang ? { lang } : {}),
});

describe("winkScore", () => {
  it("agrees with wink-sentiment's own normalised score when no intensifier is involved", () => {
    for (const text of [
      "I love this product, it is great",
      "not a good product #fail",
      "terrible service :( never again 😡",
      "Great #win @bob https://x.co/abc",
      "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen good bad awful",
    ]) {
      expect(winkScore(text)).toBeCloseTo(wink(text).normalizedScore, 4);
    }
  });

  it("turns the sign on negation, also with typographic apostrophes", () => {
    expect(winkScore("good")).toBe(3);
    expect(winkScore("not good")).toBe(-3);
    expect(winkScore("I don't like it")).toBeLessThan(0);
    expect(winkScore("I don’t like it")).toBeLessThan(0);
    expect(winkScore("never happy")).toBeLessThan(0);
  });

  it("strengthens after intensifiers and weakens after dampeners, never flipping the sign", () => {
    expect(winkScore("very good")).toBeGreaterThan(winkScore("good"));
    expect(winkScore("EXTREMELY bad")).toBeLessThan(winkScore("bad"));
    expect(winkScore("slightly good")).toBeLessThan(winkScore("good"));
    expect(winkScore("slightly good")).toBeGreaterThan(0);
    expect(winkScore("hardly bad")).toBeLessThan(0);
    // "not very good" is milder than "very good" is strong: negation wins, no boost on top.
    expect(winkScore("not very good")).toBe(winkScore("not good"));
  });

  it("scores emoji and emoticons", () => {
    expect(winkScore("😀")).toBeGreaterThan(0);
    expect(winkScore("😡")).toBeLessThan(0);
    expect(winkScore("see you tomorrow :)")).toBeGreaterThan(0);
    expect(winkScore("see you tomorrow :(")).toBeLessThan(0);
    expect(winkScore("see you tomorrow")).toBe(0);
  });

  it("scores hashtags, ignores mentions and URLs, and does not care about case", () => {
    expect(winkScore("monday #fail")).toBeLessThan(0);
    expect(winkScore("thanks @happy for https://good.example/great")).toBe(winkScore("thanks"));
    expect(winkScore("@awful_bot posted")).toBe(0);
    expect(winkScore("GREAT")).toBe(winkScore("great"));
    expect(winkScore("GrEaT")).toBe(winkScore("great"));
  });
});

describe("lexicon faults fixed", () => {
  it("negation reaches the rest of the clause, not just the next word", () => {
    for (const score of [winkScore, afinnScore]) {
      expect(score("not at all good")).toBeLessThan(0);
      expect(score("I do not think this is good")).toBeLessThan(0);
      expect(score("never been so happy")).toBeLessThan(0);
      // …and stops at the clause's end.
      expect(score("not today. great day")).toBe(score("great day"));
      expect(score("I don't know, but it is great")).toBeGreaterThan(0);
    }
  });

  it("intensifiers and dampeners change strength, never the sign", () => {
    // "super" (+3 in AFINN) used to count as a word of its own and turn "super sad" positive.
    expect(winkScore("super sad")).toBeLessThan(winkScore("sad"));
    expect(winkScore("super sad")).toBeLessThan(0);
    expect(winkScore("super good")).toBeGreaterThan(winkScore("good"));
    for (const w of ["slightly", "barely", "hardly", "kinda"]) {
      expect(winkScore(`${w} good`)).toBeGreaterThan(0);
      expect(winkScore(`${w} good`)).toBeLessThan(winkScore("good"));
      expect(winkScore(`${w} bad`)).toBeLessThan(0);
      expect(winkScore(`${w} bad`)).toBeGreaterThan(winkScore("bad"));
    }
    // One-point words used to be left alone by dampeners; now they are weakened too.
    expect(winkScore("slightly interested")).toBeLessThan(winkScore("interested"));
    expect(winkScore("slightly interested")).toBeGreaterThan(0);
  });

  it("reads the emoticons wink's tokenizer used to split or miss", () => {
    for (const sad of ["=(", ":'(", "=[", "</3", "D:", ";("])
      expect(winkScore(`see you tomorrow ${sad}`), sad).toBeLessThan(0);
    for (const happy of ["=)", "=]", "=D", "xD", "XD", ":')"])
      expect(winkScore(`see you tomorrow ${happy}`), happy).toBeGreaterThan(0);
    expect(winkScore("a=(b+c)")).toBe(0);
  });

  it("keeps emoji out of the AFINN option, as documented", () => {
    for (const e of ["😀", "😂", "😍", "😡", "😢"]) expect(afinnScore(`${e} ${e}`), e).toBe(0);
    expect(afinnScore("good 😡")).toBe(3);
  });
});

describe("afinnScore (the baseline)", () => {
  it("is plain AFINN: words, negation, hashtags; no emoji and no intensifiers", () => {
    expect(afinnScore("good")).toBe(3);
    expect(afinnScore("very good")).toBe(3);
    expect(afinnScore("not good")).toBeLessThan(0);
    expect(afinnScore("I don’t like it")).toBeLessThan(0);
    expect(afinnScore("😀😀")).toBe(0);
    expect(afinnScore("monday #fail")).toBeLessThan(0);
    expect(afinnScore("GOOD")).toBe(3);
  });

  it("ignores mentions and URLs", () => {
    expect(afinnScore("@happy meal at https://good.example")).toBe(0);
  });

  it("reports the mean over scored words, on the same scale as wink", () => {
    expect(afinnScore("good and bad")).toBe(0);
    expect(afinnScore("love it, love it")).toBe(3);
  });
});

describe("scorePost", () => {
  it("labels by the sign of the score", () => {
    expect(scorePost(post("what a great day"), "wink")).toMatchObject({ label: "positive" });
    expect(scorePost(post("what a terrible day"), "afinn")).toMatchObject({ label: "negative" });
    expect(scorePost(post("it is tuesday"), "wink")).toMatchObject({ label: "neutral", score: 0 });
  });

  it("reads the language from the text; lexicons score English only, the rest unscored", () => {
    expect(scorePost(post("great", "en"), "wink").score).toBe(3);
    expect(scorePost(post("great", "en-GB"), "wink").score).toBe(3);
    expect(scorePost(post("great", "EN_us"), "afinn").score).toBe(3);
    // Too short to tell and untagged: "und", scored with the English (shared) weights.
    expect(scorePost(post("great"), "wink")).toMatchObject({ language: "und", score: 3 });
    // A German post is unscored by the lexicons whatever its tag says.
    const german = scorePost(post("Das ist wirklich ein großartiger Tag #Super", "en"), "wink");
    expect(german).toMatchObject({ language: "de", score: null, label: "unscored" });
    expect(german.hashtags).toEqual(["super"]);
    // An English post tagged with the app's UI language is still English.
    expect(scorePost(post("What a wonderful day with my friends", "ja"), "wink")).toMatchObject({
      language: "en",
      label: "positive",
    });
  });

  it("scores with the model in its languages, with a confidence, and says unscored elsewhere", () => {
    const es = scorePost(post("Me encanta este día, qué felicidad"), "model");
    expect(es).toMatchObject({ language: "es", label: "positive" });
    expect(es.score).toBeGreaterThan(0);
    expect(es.confidence).toBeGreaterThan(0.5);
    expect(es.confidence).toBeLessThanOrEqual(1);
    const en = scorePost(post("This is the worst service ever, I hate it"), "model");
    expect(en).toMatchObject({ language: "en", label: "negative" });
    expect(en.score).toBeLessThan(0);
    const ja = scorePost(post("今日はとても良い天気ですね。散歩に行きましょう。", "en"), "model");
    expect(ja).toMatchObject({ language: "ja", score: null, label: "unscored", confidence: null });
    // Emoji only: no language ("und"), scored with the shared (English) weights.
    expect(scorePost(post("😍😍🎉"), "model")).toMatchObject({
      language: "und",
      label: "positive",
    });
    expect(scorePost(post("great", "en"), "wink").confidence).toBeNull();
  });

  it("keeps the post's own fields and adds hashtags and terms", () => {
    const scored = scorePost({ ...post("Loving the #Rust meetup"), author: "a", url: "u" }, "wink");
    expect(scored).toMatchObject({ id: "1", source: "replay", author: "a", url: "u" });
    expect(scored.hashtags).toEqual(["rust"]);
    expect(scored.terms).toEqual(["loving", "meetup"]);
  });
});

describe("extractTerms", () => {
  it("finds hashtags in any case and script, once each, and not numbers or URL fragments", () => {
    const { hashtags } = extractTerms(
      "#ClimateAction now! #climateaction #2024 #café #日本 https://example.com/#anchor a#b",
    );
    expect(hashtags).toEqual(["climateaction", "café", "日本"]);
  });

  it("keeps content words, lower-cased, without stop words, mentions, URLs or hashtags", () => {
    const { terms } = extractTerms(
      "RT @bob: The Climate is CHANGING and I don’t think we're ready!!! #Climate https://t.co/xyz people's voices, 2024",
    );
    expect(terms).toEqual(["climate", "changing", "think", "ready", "people", "voices"]);
  });

  it("returns empty lists for an empty post", () => {
    expect(extractTerms("")).toEqual({ hashtags: [], terms: [] });
  });
});
