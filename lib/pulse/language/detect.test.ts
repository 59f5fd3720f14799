import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { eld as upstream } from "eld/small";
import { describe, expect, it } from "vitest";
import { makePosts, rng } from "@/bench/pulse/corpus";
import { detectLanguage, languageHints, postHints } from "./detect";
import { DATA_FILE, eld, readData, separate } from "./eld";
import { packEld } from "./eld-pack";

const SENTENCES: [string, string][] = [
  ["en", "I can't believe how good this new album is, listening on repeat"],
  ["es", "No puedo creer lo bueno que es este disco nuevo, lo escucho sin parar"],
  ["pt", "Não acredito como esse álbum novo é bom, estou ouvindo sem parar"],
  ["fr", "Je n'arrive pas à croire à quel point ce nouvel album est bon"],
  ["de", "Ich kann nicht glauben, wie gut dieses neue Album ist"],
  ["it", "Non riesco a credere quanto sia bello questo nuovo album"],
  ["ja", "この新しいアルバムは本当に最高です。ずっと聴いています。"],
  ["ar", "لا أصدق كم هذا الألبوم الجديد رائع، أستمع إليه باستمرار"],
  ["hi", "मुझे विश्वास नहीं हो रहा कि यह नया एल्बम कितना अच्छा है"],
  ["ko", "이 새 앨범이 얼마나 좋은지 믿을 수가 없어요"],
  ["ru", "Не могу поверить, насколько хорош этот новый альбом"],
  ["nl", "Ik kan niet geloven hoe goed dit nieuwe album is"],
];

describe("detectLanguage", () => {
  it("reads the language from the text", () => {
    for (const [lang, text] of SENTENCES) expect(detectLanguage(text), text).toBe(lang);
  });

  it("lets the text overrule a wrong platform tag, and uses any of several tags", () => {
    // Bluesky clients tag with the UI language; ["ja", "en"] used to be read as "ja" only.
    expect(detectLanguage(SENTENCES[0]![1], ["ja", "en"])).toBe("en");
    expect(detectLanguage(SENTENCES[6]![1], ["ja", "en"])).toBe("ja");
    expect(detectLanguage(SENTENCES[2]![1], ["en"])).toBe("pt");
  });

  it("falls back on the tags when the text is too short to tell, and on und without either", () => {
    expect(detectLanguage("ok", ["de"])).toBe("de");
    expect(detectLanguage("😂😂", ["pt"])).toBe("pt");
    expect(detectLanguage("😂😂")).toBe("und");
    expect(detectLanguage("https://example.com/x @someone")).toBe("und");
    expect(detectLanguage("")).toBe("und");
  });

  it("ignores links and handles", () => {
    expect(detectLanguage("https://x.co/abc")).toBe("und");
    expect(detectLanguage(`@user.bsky.social ${SENTENCES[1]![1]} https://t.co/x`)).toBe("es");
  });
});

describe("languageHints", () => {
  it("turns platform tags into bare codes, without und, blanks or repeats", () => {
    expect(languageHints(["ja", "en-US", "EN_gb", "und", "", undefined])).toEqual(["ja", "en"]);
    expect(languageHints("pt-BR")).toEqual(["pt"]);
    expect(languageHints(undefined)).toEqual([]);
    expect(languageHints(["english"])).toEqual([]);
  });
});

describe("postHints", () => {
  it("gives languageHints(langs ?? [lang]), cached or not", () => {
    const cases: [string | undefined, (string | undefined)[] | undefined][] = [
      ["en", undefined],
      ["EN-gb", undefined],
      [undefined, undefined],
      ["und", undefined],
      ["pt", ["ja", "en"]],
      [undefined, ["de-AT"]],
      [undefined, [undefined]],
      [undefined, []],
      ["x y", undefined],
    ];
    for (let round = 0; round < 2; round++)
      for (const [lang, langs] of cases)
        expect(postHints(lang, langs), JSON.stringify([lang, langs])).toEqual(
          languageHints(langs ?? [lang]),
        );
  });
});

describe("eld (the packed ELD database)", () => {
  it("is the committed file npm run build:language-data makes from the installed eld", async () => {
    // Byte for byte: the tables loaded as they are (no building at start-up) are ELD's own data.
    expect(Buffer.compare(readFileSync(DATA_FILE), await packEld())).toBe(0);
  });

  it("detects exactly as eld.detect() does", () => {
    const texts = [...SENTENCES.map(([, t]) => t), ...makePosts(3_000, 3)];
    // The labelled tweets too, where present (not in a fresh clone without ../shared/data).
    const dir = path.resolve(process.cwd(), "../shared/data/sentiment-train");
    if (existsSync(dir))
      for (const f of readdirSync(dir).filter((f) => f.endsWith("_val.tsv")))
        for (const line of readFileSync(path.join(dir, f), "utf8").split("\n"))
          if (line) texts.push(line.slice(line.indexOf("\t") + 1));
    // Random strings of the characters the ASCII fast path must treat as ELD does: letters of
    // both cases, apostrophes ASCII and not, runs of spaces and other separators, emoji.
    const r = rng(41);
    const alphabet = [..."aAbBeEsStTzZ  '''`’ ,.!?\t\n-_0😀❤️é"];
    for (let k = 0; k < 4_000; k++) {
      let t = "";
      for (let i = 0, n = 1 + Math.floor(r() * 40); i < n; i++)
        t += alphabet[Math.floor(r() * alphabet.length)];
      texts.push(t, `the words ${t} here`);
    }
    const mine = eld();
    const differ = texts.filter((t) => {
      const a = upstream.detect(t);
      const b = mine.detect(t);
      return a.language !== b.language || a.isReliable() !== b.reliable;
    });
    expect(differ).toEqual([]);
  });
});

describe("separate (ELD's separator replace without the regex)", () => {
  it('gives what text.replace(separators, " ") gives', () => {
    const { separators, classes } = readData(DATA_FILE);
    const texts = [
      ...SENTENCES.map(([, t]) => t),
      ...makePosts(2_000, 5),
      "don't 'quoted' end' ''' a'' ,' x,'' ’tis `tick` 😂😂 #tag @me https://x.co/a?b=c",
      "İstanbul ǅemal 𝒜bc \ud800 lone \udc00 surrogates\t\n tabs  two  spaces ",
      "'",
      "''",
      " ",
      "",
      "a",
      ".,!",
      "x' y` z’ ",
    ];
    for (const t of texts) expect(separate(t, classes), t).toBe(t.replace(separators, " "));
  });
});
