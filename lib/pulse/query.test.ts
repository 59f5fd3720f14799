import { describe, expect, it } from "vitest";
import { compileMatcher } from "./match";
import {
  formatQuery,
  parseQuery,
  QueryParseError,
  queryProblem,
  searchTerms,
  splitQueries,
} from "./query";
import { trackerFormSchema } from "./schemas";
import { buildXRules } from "./sources/x";
import type { IncomingPost } from "./types";

const post = (text: string): IncomingPost => ({
  source: "jetstream",
  id: "at://x",
  text,
  createdAt: "2026-11-26T12:00:00.000Z",
});

function errorOf(source: string): QueryParseError {
  try {
    parseQuery(source);
  } catch (error) {
    if (error instanceof QueryParseError) return error;
    throw error;
  }
  throw new Error(`“${source}” parsed`);
}

describe("parseQuery", () => {
  it("reads a plain keyword line as the phrase it always was", () => {
    expect(parseQuery("global warming")).toEqual({
      kind: "phrase",
      words: ["global", "warming"],
    });
    expect(parseQuery("#Climate")).toEqual({ kind: "hashtag", tag: "climate" });
    expect(parseQuery("c++")).toEqual({ kind: "phrase", words: ["c++"] });
  });

  it("binds NOT tighter than AND, and AND tighter than OR", () => {
    expect(parseQuery("a OR b AND NOT c")).toEqual({
      kind: "or",
      nodes: [
        { kind: "phrase", words: ["a"] },
        {
          kind: "and",
          nodes: [
            { kind: "phrase", words: ["b"] },
            { kind: "not", node: { kind: "phrase", words: ["c"] } },
          ],
        },
      ],
    });
  });

  it("reads 'x NOT y' as x AND NOT y, and groups with parentheses and quotes", () => {
    expect(parseQuery('(rust OR go) NOT "AND then"')).toEqual({
      kind: "and",
      nodes: [
        {
          kind: "or",
          nodes: [
            { kind: "phrase", words: ["rust"] },
            { kind: "phrase", words: ["go"] },
          ],
        },
        { kind: "not", node: { kind: "phrase", words: ["AND", "then"] } },
      ],
    });
  });

  it("treats lower-case and/or/not as words", () => {
    expect(parseQuery("salt and pepper")).toEqual({
      kind: "phrase",
      words: ["salt", "and", "pepper"],
    });
  });

  it("says where the query breaks and what was expected", () => {
    expect(errorOf("climate AND")).toMatchObject({
      position: 12,
      found: "the end",
      message: expect.stringMatching(/^At position 12: expected a word, a quoted phrase/),
    });
    expect(errorOf("a OR OR b")).toMatchObject({ position: 6, found: "“OR”" });
    expect(errorOf("(a OR b")).toMatchObject({
      position: 8,
      expected: "“)” or an operator (AND, OR, NOT)",
    });
    expect(errorOf("a) b")).toMatchObject({
      position: 2,
      expected: "an operator (AND, OR, NOT) or the end of the query",
      found: "“)”",
    });
    expect(errorOf('say "hello')).toMatchObject({
      position: 11,
      expected: 'a closing quote (")',
    });
    expect(errorOf('a AND ""')).toMatchObject({ position: 7, found: "an empty phrase" });
    expect(errorOf("rust (lang)")).toMatchObject({ position: 6, found: "“(”" });
    expect(errorOf("")).toMatchObject({ position: 1, found: "the end" });
  });

  it("refuses a query that would match nearly everything", () => {
    expect(errorOf("NOT spam").message).toMatch(/not negated in every alternative/);
    expect(errorOf("a OR NOT b").message).toMatch(/not negated/);
    expect(queryProblem("a AND NOT b")).toBeNull();
  });

  it("refuses absurd nesting instead of overflowing the stack", () => {
    expect(errorOf(`${"(".repeat(25)}a${")".repeat(25)}`).expected).toMatch(/at most 20/);
  });
});

describe("splitQueries", () => {
  it("splits on commas and new lines outside quotes and parentheses", () => {
    expect(splitQueries('a, "b, c"\n(d OR e, f)\ng')).toEqual(["a", ' "b, c"', "(d OR e, f)", "g"]);
  });
});

describe("formatQuery and searchTerms", () => {
  const x = { and: " ", or: " OR ", not: (s: string) => `-${s}` };
  it("writes X's rule syntax", () => {
    expect(formatQuery(parseQuery('"carbon tax" AND (policy OR #vote) NOT hoax'), x)).toBe(
      '"carbon tax" (policy OR #vote) -hoax',
    );
  });
  it("turns a boolean line into an X stream rule", () => {
    const [rule] = buildXRules("t1", {
      keywords: ["rust", "go AND NOT (pokemon OR #game)"],
      hashtags: [],
      languages: [],
    });
    expect(rule?.value).toBe("(rust OR (go -(pokemon OR #game))) -is:retweet");
  });
  it("searches for what every alternative must contain", () => {
    expect(searchTerms(parseQuery('"carbon tax" AND (policy OR vote) NOT hoax'))).toEqual([
      '"carbon tax"',
    ]);
    expect(searchTerms(parseQuery("(rust OR go) AND lang"))).toEqual(["rust", "go"]);
    expect(searchTerms(parseQuery("#a OR b c"))).toEqual(["#a", '"b c"']);
  });
});

describe("boolean matching", () => {
  const m = compileMatcher({
    keywords: ['"carbon tax" AND (policy OR #vote) NOT hoax'],
    hashtags: [],
    languages: [],
  });
  it("matches what the expression says", () => {
    expect(m(post("The carbon tax policy passed."))).toBe(true);
    expect(m(post("Carbon  tax: go #vote"))).toBe(true);
    expect(m(post("carbon tax policy is a hoax"))).toBe(false);
    expect(m(post("carbon policy tax"))).toBe(false);
    expect(m(post("carbon tax, nothing else"))).toBe(false);
    expect(m(post("carbon tax #voted"))).toBe(false);
  });
  it("ORs the lines: a plain keyword beside an expression", () => {
    const both = compileMatcher({
      keywords: ["rust", "go AND NOT pokemon"],
      hashtags: ["zig"],
      languages: [],
    });
    expect(both(post("rust and pokemon go"))).toBe(true);
    expect(both(post("let's go"))).toBe(true);
    expect(both(post("pokemon go"))).toBe(false);
    expect(both(post("#zig pokemon go"))).toBe(true);
  });
  it("falls back to a plain keyword for a line saved before queries were parsed", () => {
    const legacy = compileMatcher({ keywords: ["rock (music"], hashtags: [], languages: [] });
    expect(legacy(post("rock (music is great"))).toBe(true);
  });
});

describe("trackerFormSchema", () => {
  const base = {
    name: "T",
    hashtags: "",
    languages: "",
    sources: ["jetstream"],
    scorer: "model",
  };
  it("shows a query's parse error under keywords with the line it is on", () => {
    const r = trackerFormSchema.safeParse({ ...base, keywords: "rust\nclimate AND (policy" });
    expect(r.success).toBe(false);
    expect(r.error?.issues.find((i) => i.path[0] === "keywords")?.message).toBe(
      "In “climate AND (policy”: At position 20: expected “)” or an operator (AND, OR, NOT), found the end.",
    );
  });
  it("keeps a quoted comma inside its query", () => {
    const r = trackerFormSchema.parse({ ...base, keywords: '"hello, world" OR hi' });
    expect(r.keywords).toEqual(['"hello, world" OR hi']);
  });
  it("reports every problem at once, cross-field ones included", () => {
    const r = trackerFormSchema.safeParse({
      ...base,
      name: "",
      keywords: "",
      sources: ["mastodon", "replay"],
      retentionDays: "0",
    });
    const fields = new Set(r.error?.issues.map((i) => String(i.path[0])));
    expect([...fields].sort()).toEqual(
      ["hashtags", "keywords", "mastodonInstance", "name", "replayFileId", "retentionDays"].sort(),
    );
  });
});
