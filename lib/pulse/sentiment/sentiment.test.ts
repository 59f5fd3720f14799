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

  it("scores English and language-less posts, and leaves the rest unscored", () => {
    expect(scorePost(post("great", "en"), "wink").score).toBe(3);
    expect(scorePost(post("great", "en-GB"), "wink").score).toBe(3);
    expect(scorePost(post("great", "EN_us"), "afinn").score).toBe(3);
    expect(scorePost(post("great"), "wink").score).toBe(3);
    const german = scorePost(post("great #Super", "de"), "wink");
    expect(german).toMatchObject({ score: null, label: "unscored", hashtags: ["super"] });
    expect(scorePost(post("great", "eng"), "wink").label).toBe("unscored");
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
