import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { availableName, firstFree, itemNameSchema, splitName } from "./names";
import { makeFile, makeFolder, makeUser, removeUsers } from "./test-helpers";

describe("itemNameSchema", () => {
  const ok = (s: string) => itemNameSchema.safeParse(s);

  it("trims and accepts ordinary names, dots and unicode", () => {
    expect(ok("  report.pdf  ").data).toBe("report.pdf");
    for (const name of [
      "a",
      ".env",
      "..hidden",
      "a..b",
      "Résumé 2026 (final).docx",
      "日本語",
      "🙂",
    ]) {
      expect(ok(name).success, name).toBe(true);
    }
  });

  it("normalises to NFC so one name has one spelling", () => {
    expect(ok("Re\u0301sume\u0301").data).toBe("Résumé");
  });

  it("refuses empty, too long, slashes, control characters, . and ..", () => {
    for (const bad of [
      "",
      "   ",
      ".",
      "..",
      " .. ",
      "a/b",
      "a\\b",
      "a\u0000b",
      "tab\tname",
      "line\nbreak",
      "\u007f",
      "evil\u202Etxt.exe",
    ]) {
      expect(ok(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(ok("x".repeat(255)).success).toBe(true);
    expect(ok("x".repeat(256)).success).toBe(false);
    // Code points, as VARCHAR(255) counts them: 255 emoji are 510 UTF-16 units.
    expect(ok("🙂".repeat(255)).success).toBe(true);
  });

  it("says what is wrong", () => {
    expect(ok("a/b").error?.issues[0]?.message).toBe("A name cannot contain / or \\");
    expect(ok("").error?.issues[0]?.message).toBe("Enter a name");
  });
});

describe("splitName", () => {
  it("keeps only the last extension apart", () => {
    expect(splitName("report.pdf")).toEqual({ stem: "report", ext: ".pdf" });
    expect(splitName("archive.tar.gz")).toEqual({ stem: "archive.tar", ext: ".gz" });
    expect(splitName("notes")).toEqual({ stem: "notes", ext: "" });
    expect(splitName(".env")).toEqual({ stem: ".env", ext: "" });
    expect(splitName("draft.")).toEqual({ stem: "draft.", ext: "" });
  });
});

describe("firstFree", () => {
  const taken = (...names: string[]) => new Set(names.map((n) => n.toLowerCase()));

  it("numbers from (1) and skips taken numbers", () => {
    expect(firstFree("report.pdf", "report", ".pdf", taken())).toBe("report.pdf");
    expect(firstFree("report.pdf", "report", ".pdf", taken("report.pdf"))).toBe("report (1).pdf");
    expect(firstFree("report.pdf", "report", ".pdf", taken("report.pdf", "report (1).pdf"))).toBe(
      "report (2).pdf",
    );
  });

  it("keeps names within 255 characters by shortening the stem", () => {
    const long = "x".repeat(251) + ".pdf";
    const next = firstFree(long, "x".repeat(251), ".pdf", taken(long));
    expect(next).toHaveLength(255);
    expect(next.endsWith(" (1).pdf")).toBe(true);
  });
});

describe("availableName", () => {
  let owner = "";
  let other = "";
  beforeAll(async () => {
    owner = await makeUser();
    other = await makeUser();
  });
  afterAll(async () => {
    await removeUsers(owner, other);
  });

  it("numbers among live files and folders of the same folder only", async () => {
    const dir = await makeFolder(owner, "Docs");
    expect(await availableName(owner, dir.id, "report.pdf")).toBe("report.pdf");
    await makeFile(owner, "report.pdf", dir.id, { object: false });
    expect(await availableName(owner, dir.id, "report.pdf")).toBe("report (1).pdf");
    // A folder takes the name too: files and folders share one namespace.
    await makeFolder(owner, "report (1).pdf", dir.id);
    expect(await availableName(owner, dir.id, "report.pdf")).toBe("report (2).pdf");
    // Elsewhere, and for another owner, the name is free.
    expect(await availableName(owner, null, "report.pdf")).toBe("report.pdf");
    expect(await availableName(other, dir.id, "report.pdf")).toBe("report.pdf");
  });

  it("continues an existing counter and treats the last extension only", async () => {
    const dir = await makeFolder(owner, "Counters");
    await makeFile(owner, "report.pdf", dir.id, { object: false });
    await makeFile(owner, "report (1).pdf", dir.id, { object: false });
    expect(await availableName(owner, dir.id, "report (1).pdf")).toBe("report (2).pdf");
    await makeFile(owner, "archive.tar.gz", dir.id, { object: false });
    expect(await availableName(owner, dir.id, "archive.tar.gz")).toBe("archive.tar (1).gz");
    await makeFolder(owner, "Photos", dir.id);
    expect(await availableName(owner, dir.id, "Photos")).toBe("Photos (1)");
    await makeFile(owner, ".env", dir.id, { object: false });
    expect(await availableName(owner, dir.id, ".env")).toBe(".env (1)");
  });

  it("compares case-insensitively but tells accents apart", async () => {
    const dir = await makeFolder(owner, "Case");
    await makeFile(owner, "Report.PDF", dir.id, { object: false });
    expect(await availableName(owner, dir.id, "report.pdf")).toBe("report (1).pdf");
    await makeFile(owner, "resume.txt", dir.id, { object: false });
    expect(await availableName(owner, dir.id, "résumé.txt")).toBe("résumé.txt");
  });

  it("ignores trashed items and the item being renamed", async () => {
    const dir = await makeFolder(owner, "Trash check");
    const f = await makeFile(owner, "a.txt", dir.id, { object: false });
    expect(await availableName(owner, dir.id, "A.txt", { excludeFileId: f.id })).toBe("A.txt");
    const sub = await makeFolder(owner, "sub", dir.id);
    expect(await availableName(owner, dir.id, "sub", { excludeFolderId: sub.id })).toBe("sub");
    await db.file.update({
      where: { id: f.id },
      data: { trashedAt: new Date(), originalPath: "/" },
    });
    expect(await availableName(owner, dir.id, "a.txt")).toBe("a.txt");
  });

  it("treats LIKE wildcards in names literally", async () => {
    const dir = await makeFolder(owner, "Wildcards");
    await makeFile(owner, "100%_done.txt", dir.id, { object: false });
    await makeFile(owner, "100xxdone.txt", dir.id, { object: false });
    expect(await availableName(owner, dir.id, "100%_done.txt")).toBe("100%_done (1).txt");
    expect(await availableName(owner, dir.id, "100%_d.txt")).toBe("100%_d.txt");
  });
});
