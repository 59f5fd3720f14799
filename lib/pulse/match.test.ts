import { describe, expect, it } from "vitest";
import { compileMatcher } from "./match";
import type { IncomingPost, TrackerQuery } from "./types";

const post = (text: string, lang?: string): IncomingPost => ({
  source: "jetstream",
  id: "at://x",
  text,
  createdAt: "2026-11-26T12:00:00.000Z",
  ...(lang ? { lang } : {}),
});
const q = (query: Partial<TrackerQuery>): TrackerQuery => ({
  keywords: [],
  hashtags: [],
  languages: [],
  ...query,
});

describe("compileMatcher", () => {
  it("matches keywords on word boundaries, in any case", () => {
    const m = compileMatcher(q({ keywords: ["rust", "Go"] }));
    expect(m(post("I like Rust."))).toBe(true);
    expect(m(post("RUST!"))).toBe(true);
    expect(m(post("let's go"))).toBe(true);
    expect(m(post("trust me"))).toBe(false);
    expect(m(post("rusty nails"))).toBe(false);
    expect(m(post("google it"))).toBe(false);
    expect(m(post("rust_lang"))).toBe(false);
  });

  it("knows word boundaries beyond ASCII, and matches phrases across any whitespace", () => {
    const m = compileMatcher(q({ keywords: ["café", "climate change"] }));
    expect(m(post("Le Café est ouvert"))).toBe(true);
    expect(m(post("cafés"))).toBe(false);
    expect(m(post("climate\n  change is real"))).toBe(true);
    expect(m(post("climate changes"))).toBe(false);
    expect(m(post("change the climate"))).toBe(false);
  });

  it("treats regex characters in keywords literally", () => {
    const m = compileMatcher(q({ keywords: ["c++", "a.b"] }));
    expect(m(post("writing C++ today"))).toBe(true);
    expect(m(post("axb"))).toBe(false);
    expect(m(post("see a.b now"))).toBe(true);
  });

  it("matches hashtags by tag only, in any case, with or without '#' in the query", () => {
    const m = compileMatcher(q({ hashtags: ["#Bluesky", "rustlang"] }));
    expect(m(post("hello #bluesky"))).toBe(true);
    expect(m(post("hello #RustLang!"))).toBe(true);
    expect(m(post("hello bluesky"))).toBe(false);
    expect(m(post("hello #blueskyapp"))).toBe(false);
    const k = compileMatcher(q({ keywords: ["#rust"] }));
    expect(k(post("#rust"))).toBe(true);
    expect(k(post("rust"))).toBe(false);
  });

  it("lets a keyword match the same word written as a hashtag, but not inside a longer tag", () => {
    const m = compileMatcher(q({ keywords: ["climate"] }));
    expect(m(post("#Climate now"))).toBe(true);
    expect(m(post("#climatechange"))).toBe(false);
  });

  it("filters by the language read from the text, tags only as a hint", () => {
    const m = compileMatcher(q({ keywords: ["hello"], languages: ["en", "pt-BR"] }));
    expect(m(post("hello", "en"))).toBe(true);
    expect(m(post("hello", "en-GB"))).toBe(true);
    expect(m(post("hello", "EN_us"))).toBe(true);
    // Too short to tell: the tag decides ("pt-BR" wanted: any Portuguese, the text has no region).
    expect(m(post("hello", "pt"))).toBe(true);
    expect(m(post("hello", "de"))).toBe(false);
    // Long enough to tell: the text decides, whatever the tag says or whether there is one.
    expect(m(post("hello, this is a post written in plain English words"))).toBe(true);
    expect(m(post("hello, this is a post written in plain English words", "de"))).toBe(true);
    expect(m({ ...post("hello, dies ist ein Beitrag auf Deutsch geschrieben", "en") })).toBe(false);
    expect(
      m({ ...post("hello! isto é um texto escrito em português", "ja"), langs: ["ja", "pt"] }),
    ).toBe(true);
    const any = compileMatcher(q({ keywords: ["hello"] }));
    expect(any(post("hello", "de"))).toBe(true);
    expect(any(post("hello"))).toBe(true);
  });

  it("matches nothing when the query has no keywords or hashtags", () => {
    expect(compileMatcher(q({ keywords: ["  "], languages: ["en"] }))(post("anything", "en"))).toBe(
      false,
    );
  });
});
