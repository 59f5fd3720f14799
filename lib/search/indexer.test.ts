import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { deleteSeededUsers, seedFile, seedFolder, seedUser } from "@/lib/drive/drive-test-seed";
import { updateFileRow } from "@/lib/drive/test-helpers";
import { file } from "@/lib/drive/test-helpers";
import { restoreItems, trashItems } from "@/lib/drive/trash";
import { newObjectKey } from "@/lib/storage/keys";
import { deleteObject, headObject } from "@/lib/storage/objects";
import { putDirect } from "@/lib/storage/test-helpers";
import { CLAIM_STALE_MS } from "./config";
import {
  claimBatch,
  discoverFiles,
  extractClaimed,
  indexClaimed,
  indexDrive,
  sweepOrphanTexts,
} from "./indexer";
import { searchDrive } from "./query";
import { searchStatus } from "./status";
import { makeDocx, makePdf, makeXlsx } from "./test-fixtures";

// The whole path on the real database and object store: extraction in child processes, the
// MapReduce engine's inverted index over the passages, its output loaded as postings, queries.

let a: { id: string };
let b: { id: string };
const ids: Record<string, string> = {};
const names = (r: Awaited<ReturnType<typeof searchDrive>>) => r.hits.map((h) => h.name);

beforeAll(async () => {
  a = await seedUser("search-a");
  b = await seedUser("search-b");
  const reports = await seedFolder(a.id, "Reports");
  const q3 = await seedFolder(a.id, "Q3", reports.id);
  ids.notes = (
    await seedFile(a.id, {
      name: "notes.md",
      content: "# Field notes\n\nThe walrus colony moved north. Café au lait at the station.",
      contentType: "text/markdown",
    })
  ).id;
  ids.pdf = (
    await seedFile(a.id, {
      name: "report.pdf",
      content: makePdf(["Quarterly revenue grew in the northern region.", "Walrus sightings: 3"]),
      contentType: "application/pdf",
      folderId: q3.id,
    })
  ).id;
  ids.docx = (
    await seedFile(a.id, {
      name: "minutes.docx",
      content: makeDocx(["Board minutes", "The budget for the walrus survey was approved."]),
    })
  ).id;
  ids.xlsx = (
    await seedFile(a.id, {
      name: "sales.xlsx",
      content: makeXlsx([
        ["Region", "Revenue"],
        ["Northern", 1200],
      ]),
    })
  ).id;
  // Many passages mention "walrus": BM25 ranks it first for that word.
  ids.walrus = (
    await seedFile(a.id, {
      name: "walrus-facts.txt",
      content: Array.from({ length: 40 }, (_, i) => `Fact ${i}: walrus tusks are teeth.`).join(
        " " + "filler ".repeat(30),
      ),
      contentType: "text/plain",
    })
  ).id;
  ids.broken = (
    await seedFile(a.id, {
      name: "broken.pdf",
      content: "%PDF-1.4 not really",
      contentType: "application/pdf",
    })
  ).id;
  ids.photo = (
    await seedFile(a.id, {
      name: "photo.jpg",
      content: "\xff\xd8 walrus",
      contentType: "image/jpeg",
    })
  ).id;
  ids.secret = (
    await seedFile(b.id, {
      name: "secret.txt",
      content: "Zanzibar treasure map. The walrus is a decoy.",
      contentType: "text/plain",
    })
  ).id;
});

afterAll(() => deleteSeededUsers());

describe("Drive search built on the MapReduce inverted index", () => {
  it("indexes every readable file, and says which could not be read", async () => {
    const before = await searchStatus(a.id);
    expect(before).toMatchObject({ pending: 0, indexed: 0, failed: 0, skipped: 0 });
    expect(await indexDrive(a.id)).toEqual({ indexed: 5 });
    const after = await searchStatus(a.id);
    expect(after).toMatchObject({ pending: 0, indexed: 5, failed: 1, skipped: 0 });
    // The version the results page compares with what its results were computed from.
    expect(after.version).not.toBe(before.version);
    const broken = await db.searchDocument.findUniqueOrThrow({ where: { fileId: ids.broken } });
    expect(broken.message).toBe("The file is not a readable PDF.");
    // The photo is not a document: no row at all.
    expect(await db.searchDocument.count({ where: { fileId: ids.photo } })).toBe(0);
    // The postings came from the job's term<TAB>docs output: tf counts passages.
    const tusks = await db.searchPosting.findFirstOrThrow({
      where: { ownerId: a.id, term: "tusks", fileId: ids.walrus },
    });
    expect(tusks.tf).toBe(40);
    // The extracted text is stored per file version.
    const doc = await db.searchDocument.findUniqueOrThrow({ where: { fileId: ids.pdf } });
    expect(doc.textKey).toMatch(new RegExp(`^users/${a.id}/search-text/${ids.pdf}-[0-9a-f]{16}$`));
    expect(await headObject(doc.textKey!)).not.toBeNull();
    await indexDrive(b.id);
    // A cap for a loaded machine (each PDF/Office file is a node process), not an expectation.
  }, 600_000);

  it("finds words inside text, PDF, Word and Excel files, ranked by BM25", async () => {
    const walrus = await searchDrive(a.id, "Walrus");
    expect(names(walrus)[0]).toBe("walrus-facts.txt");
    expect(names(walrus).sort()).toEqual(
      ["minutes.docx", "notes.md", "report.pdf", "walrus-facts.txt"].sort(),
    );
    expect(names(await searchDrive(a.id, "quarterly"))).toEqual(["report.pdf"]);
    expect(names(await searchDrive(a.id, "budget approved"))).toEqual(["minutes.docx"]);
    expect(names(await searchDrive(a.id, "northern"))).toEqual(
      expect.arrayContaining(["report.pdf", "sales.xlsx"]),
    );
    // Accents fold both ways.
    expect(names(await searchDrive(a.id, "cafe"))).toEqual(["notes.md"]);
    expect(names(await searchDrive(a.id, "CAFÉ"))).toEqual(["notes.md"]);
  });

  it("needs every word (AND), and quoted words in order", async () => {
    expect(names(await searchDrive(a.id, "walrus quarterly"))).toEqual(["report.pdf"]);
    expect(names(await searchDrive(a.id, "walrus nonexistentword"))).toEqual([]);
    expect(names(await searchDrive(a.id, '"revenue grew"'))).toEqual(["report.pdf"]);
    expect(names(await searchDrive(a.id, '"grew revenue"'))).toEqual([]);
  });

  it("gives the folder path and a snippet with the words marked", async () => {
    const [hit] = (await searchDrive(a.id, "revenue grew northern")).hits;
    expect(hit?.name).toBe("report.pdf");
    expect(hit?.folderPath).toBe("/Reports/Q3");
    const marked = hit!.snippet.filter((p) => p.hit).map((p) => p.text);
    expect(marked).toEqual(["revenue", "grew", "northern"]);
    expect(hit!.snippet.map((p) => p.text).join("")).toContain(
      "Quarterly revenue grew in the northern region.",
    );
    const [cafe] = (await searchDrive(a.id, "cafe")).hits;
    expect(cafe!.snippet.find((p) => p.hit)?.text).toBe("Café");
  });

  it("never shows one user's words to another", async () => {
    expect(names(await searchDrive(b.id, "walrus"))).toEqual(["secret.txt"]);
    expect(names(await searchDrive(b.id, "quarterly"))).toEqual([]);
    expect(names(await searchDrive(a.id, "zanzibar"))).toEqual([]);
    // B's postings never name A's files, whatever the term.
    const foreign = await db.searchPosting.count({
      where: { ownerId: b.id, fileId: { in: Object.values(ids).filter((i) => i !== ids.secret) } },
    });
    expect(foreign).toBe(0);
  });

  it("hides trashed files and brings them back on restore without re-indexing", async () => {
    await trashItems(a.id, [file(ids.docx!)]);
    expect(names(await searchDrive(a.id, "budget"))).toEqual([]);
    await restoreItems(a.id, [file(ids.docx!)]);
    expect(names(await searchDrive(a.id, "budget"))).toEqual(["minutes.docx"]);
  });

  it("re-indexes only a file whose bytes changed (a new upload or version)", async () => {
    const key = newObjectKey(a.id);
    const body = "The walrus left. Narwhals arrived in spring.";
    await putDirect(key, body, "text/markdown");
    await updateFileRow(ids.notes!, { storageKey: key, size: BigInt(body.length) });
    await seedFile(a.id, { name: "new.txt", content: "A narwhal tusk", contentType: "text/plain" });
    const before = (await searchStatus(a.id)).version;
    // Two files changed: the rest keep their postings.
    expect(await indexDrive(a.id)).toEqual({ indexed: 2 });
    // The results page refreshes on a new version.
    expect((await searchStatus(a.id)).version).not.toBe(before);
    expect(names(await searchDrive(a.id, "narwhals"))).toEqual(["notes.md"]);
    expect(names(await searchDrive(a.id, "colony"))).toEqual([]);
    expect(names(await searchDrive(a.id, "tusk"))).toEqual(["new.txt"]);
    expect(await indexDrive(a.id)).toEqual({ indexed: 0 });
  }, 600_000);

  it("keeps a text stored by an extraction running beside the orphan sweep", async () => {
    const c = await seedUser("search-sweep");
    const f = await seedFile(c.id, {
      name: "race.txt",
      content: "Puffins nest on the cliffs.",
      contentType: "text/plain",
    });
    await discoverFiles(c.id);
    const { claim } = await claimBatch(c.id);
    await extractClaimed(c.id, claim, f.id);
    const doc = await db.searchDocument.findUniqueOrThrow({ where: { fileId: f.id } });
    // The moment between storing the text and naming it in the document, as the sweep sees it.
    await db.searchDocument.update({ where: { fileId: f.id }, data: { textKey: null } });
    expect(await sweepOrphanTexts(c.id)).toBe(0);
    expect(await headObject(doc.textKey!)).not.toBeNull();
    // Once older than any live claim, a text no document names is an orphan.
    const later = new Date(Date.now() + CLAIM_STALE_MS + 60_000);
    expect(await sweepOrphanTexts(c.id, later)).toBe(1);
    expect(await headObject(doc.textKey!)).toBeNull();
  });

  it("reads a file again when its text vanished before the index job, never indexing it empty", async () => {
    const c = await seedUser("search-lost");
    const f = await seedFile(c.id, {
      name: "lost.txt",
      content: "Gannets dive from great heights.",
      contentType: "text/plain",
    });
    await discoverFiles(c.id);
    const { claim } = await claimBatch(c.id);
    await extractClaimed(c.id, claim, f.id);
    const { textKey } = await db.searchDocument.findUniqueOrThrow({ where: { fileId: f.id } });
    await deleteObject(textKey!);
    expect(await indexClaimed(c.id, claim)).toBe(0);
    expect(await db.searchDocument.findUniqueOrThrow({ where: { fileId: f.id } })).toMatchObject({
      state: "pending",
      claim: null,
    });
    expect(await indexDrive(c.id)).toEqual({ indexed: 1 });
    expect(names(await searchDrive(c.id, "gannets"))).toEqual(["lost.txt"]);
  }, 600_000);
});
