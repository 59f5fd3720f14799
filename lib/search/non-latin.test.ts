import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { deleteSeededUsers, seedFile, seedUser } from "@/lib/drive/drive-test-seed";
import { indexDrive } from "./indexer";
import { searchDrive } from "./query";
import { termKey } from "./tokens";

// Non-Latin text through the whole path: the indexer's keyed passages, the MapReduce built-in
// inverted index (which keeps only ASCII words), the postings and the query.

let a: { id: string };
const names = (r: Awaited<ReturnType<typeof searchDrive>>) => r.hits.map((h) => h.name).sort();
const marked = (r: Awaited<ReturnType<typeof searchDrive>>) =>
  r.hits[0]?.snippet.filter((p) => p.hit).map((p) => p.text);

beforeAll(async () => {
  a = await seedUser("search-intl");
  const files: [string, string][] = [
    ["tokyo.txt", "私は東京都に住んでいます。毎朝コーヒーを飲みます。"],
    ["kyoto.txt", "京都の寺は美しい。本を読む。"],
    ["beijing.txt", "我在北京大学学习中文。"],
    ["moscow.txt", "Привет из Москвы! Красная площадь зимой."],
    ["athens.txt", "Καλημέρα από την Αθήνα. Η Ακρόπολη."],
    ["zurich.txt", "Grüße aus Zürich: die Straße am See, crème brûlée."],
  ];
  for (const [name, content] of files)
    await seedFile(a.id, { name, content, contentType: "text/plain" });
}, 120_000);

afterAll(() => deleteSeededUsers());

describe("Drive search in non-Latin text", () => {
  it("indexes the files, with non-ASCII terms keyed for the MapReduce built-in", async () => {
    expect(await indexDrive(a.id)).toEqual({ indexed: 6 });
    const keyed = await db.searchPosting.count({
      where: { ownerId: a.id, term: termKey("東京") },
    });
    expect(keyed).toBe(1);
  }, 600_000);

  it("finds Japanese and Chinese words without spaces, by bigram and by one character", async () => {
    expect(names(await searchDrive(a.id, "東京"))).toEqual(["tokyo.txt"]);
    // "京都" is a bigram of 東京都 too: both files hold it.
    expect(names(await searchDrive(a.id, "京都"))).toEqual(["kyoto.txt", "tokyo.txt"]);
    // Three characters: their bigrams must stand in order.
    expect(names(await searchDrive(a.id, "東京都"))).toEqual(["tokyo.txt"]);
    expect(names(await searchDrive(a.id, "京東都"))).toEqual([]);
    expect(names(await searchDrive(a.id, "ｺｰﾋｰ"))).toEqual(["tokyo.txt"]);
    expect(names(await searchDrive(a.id, "北京大学"))).toEqual(["beijing.txt"]);
    expect(names(await searchDrive(a.id, "本"))).toEqual(["kyoto.txt"]);
    expect(names(await searchDrive(a.id, "東京 北京"))).toEqual([]);
    expect(marked(await searchDrive(a.id, "東京都"))).toEqual(["東京都"]);
  });

  it("finds Cyrillic, Greek and accented Latin whatever the case and accents", async () => {
    expect(names(await searchDrive(a.id, "москвы"))).toEqual(["moscow.txt"]);
    expect(names(await searchDrive(a.id, "ПЛОЩАДЬ красная"))).toEqual(["moscow.txt"]);
    expect(names(await searchDrive(a.id, "αθηνα"))).toEqual(["athens.txt"]);
    expect(names(await searchDrive(a.id, "ΑΚΡΟΠΟΛΗ"))).toEqual(["athens.txt"]);
    expect(names(await searchDrive(a.id, "strasse zurich"))).toEqual(["zurich.txt"]);
    expect(names(await searchDrive(a.id, "Grusse Creme"))).toEqual(["zurich.txt"]);
    expect(marked(await searchDrive(a.id, "αθηνα"))).toEqual(["Αθήνα"]);
    expect(marked(await searchDrive(a.id, "strasse"))).toEqual(["Straße"]);
  });
});
