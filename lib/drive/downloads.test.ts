import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { newObjectKey } from "@/lib/storage/keys";
import { fileDownloadUrl, TEXT_PREVIEW_BYTES, textPreview } from "./downloads";
import { deleteSeededUsers, seedFile, seedFolder, seedUser } from "./drive-test-seed";
import { readZip } from "./read-zip";
import { planZip, ZIP_LIMITS, zipLength, zipStream } from "./zip";

// Real MariaDB and the real local store; presigned URLs are fetched over real HTTP.

afterAll(deleteSeededUsers);

async function get(url: string | null) {
  if (!url) throw new Error("expected a URL");
  const res = await fetch(url);
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    disposition: res.headers.get("content-disposition"),
    body: Buffer.from(await res.arrayBuffer()),
  };
}

describe("fileDownloadUrl", () => {
  it("downloads as an attachment with the sanitised name", async () => {
    const owner = await seedUser("dl");
    const file = await seedFile(owner.id, {
      name: 'résumé "v2".pdf',
      content: "%PDF-1.4",
      contentType: "application/pdf",
    });
    const res = await get(await fileDownloadUrl(owner.id, file.id, { inline: false }));
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe("%PDF-1.4");
    expect(res.disposition).toBe(
      `attachment; filename="resume 'v2'.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.pdf`,
    );
  });

  it("previews safe types inline and never renders markup", async () => {
    const owner = await seedUser("dl");
    const png = await seedFile(owner.id, {
      name: "a.png",
      content: "png",
      contentType: "image/png",
    });
    const html = await seedFile(owner.id, {
      name: "page.html",
      content: "<script>alert(1)</script>",
      contentType: "text/html",
    });
    const svg = await seedFile(owner.id, {
      name: "x.svg",
      content: "<svg onload='alert(1)'/>",
      contentType: "image/svg+xml",
    });
    const exe = await seedFile(owner.id, {
      name: "tool.exe",
      content: "MZ",
      contentType: "application/x-msdownload",
    });

    const image = await get(await fileDownloadUrl(owner.id, png.id, { inline: true }));
    expect(image.type).toBe("image/png");
    expect(image.disposition).toMatch(/^inline;/);
    for (const f of [html, svg]) {
      const res = await get(await fileDownloadUrl(owner.id, f.id, { inline: true }));
      expect(res.type).toBe("text/plain");
      expect(res.disposition).toMatch(/^inline;/);
    }
    const binary = await get(await fileDownloadUrl(owner.id, exe.id, { inline: true }));
    expect(binary.disposition).toMatch(/^attachment;/);
  });

  it("is null for other users' files, trashed files and unknown ids", async () => {
    const owner = await seedUser("dl");
    const stranger = await seedUser("dl");
    const file = await seedFile(owner.id, { name: "a.txt", content: "a" });
    const trashed = await seedFile(owner.id, { name: "b.txt", content: "b", trashed: true });
    expect(await fileDownloadUrl(stranger.id, file.id, { inline: false })).toBeNull();
    expect(await fileDownloadUrl(owner.id, trashed.id, { inline: false })).toBeNull();
    expect(await fileDownloadUrl(owner.id, "nope", { inline: true })).toBeNull();
  });
});

describe("textPreview", () => {
  it("returns small text whole", async () => {
    const owner = await seedUser("dl");
    const file = await seedFile(owner.id, {
      name: "n.md",
      content: "# Hi <b>",
      contentType: "text/markdown",
    });
    expect(await textPreview(owner.id, file.id)).toEqual({
      text: "# Hi <b>",
      truncated: false,
      size: 8,
    });
  });

  it("cuts big files at 64 KiB without splitting a character", async () => {
    const owner = await seedUser("dl");
    // 'é' is two bytes: the 64 KiB boundary falls inside the last one that fits.
    const content = `a${"é".repeat(TEXT_PREVIEW_BYTES)}`;
    const file = await seedFile(owner.id, { name: "big.csv", content, contentType: "text/csv" });
    const preview = await textPreview(owner.id, file.id);
    if (typeof preview === "string") throw new Error(preview);
    expect(preview.truncated).toBe(true);
    expect(preview.size).toBe(1 + 2 * TEXT_PREVIEW_BYTES);
    expect(preview.text).toBe(`a${"é".repeat(TEXT_PREVIEW_BYTES / 2 - 1)}`);
    expect(preview.text).not.toContain("\ufffd");
  });

  it("handles empty files, untyped text and refuses binaries", async () => {
    const owner = await seedUser("dl");
    const empty = await seedFile(owner.id, {
      name: "e.txt",
      content: "",
      contentType: "text/plain",
    });
    expect(await textPreview(owner.id, empty.id)).toEqual({ text: "", truncated: false, size: 0 });
    const untyped = await seedFile(owner.id, { name: "data.json", content: '{"a":1}' });
    expect(await textPreview(owner.id, untyped.id)).toMatchObject({ text: '{"a":1}' });
    const zip = await seedFile(owner.id, {
      name: "a.zip",
      content: "PK",
      contentType: "application/zip",
    });
    expect(await textPreview(owner.id, zip.id)).toBe("not-text");
    const stranger = await seedUser("dl");
    expect(await textPreview(stranger.id, empty.id)).toBe("not-found");
  });
});

async function readStream(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("zip", () => {
  it("keeps the folder structure, skips trashed items and de-duplicates names", async () => {
    const owner = await seedUser("zip");
    const projects = await seedFolder(owner.id, "Projects");
    const y2026 = await seedFolder(owner.id, "2026", projects.id);
    await seedFolder(owner.id, "Empty", projects.id);
    const old = await seedFolder(owner.id, "Old", projects.id);
    await db.folder.update({ where: { id: old.id }, data: { trashedAt: new Date() } });
    await seedFile(owner.id, { name: "plan.txt", content: "plan", folderId: projects.id });
    await seedFile(owner.id, { name: "deep.txt", content: "deep", folderId: y2026.id });
    await seedFile(owner.id, {
      name: "gone.txt",
      content: "gone",
      folderId: projects.id,
      trashed: true,
    });
    await seedFile(owner.id, { name: "hidden.txt", content: "no", folderId: old.id });
    const a = await seedFile(owner.id, { name: "Notes.txt", content: "one" });
    const b = await seedFile(owner.id, { name: "notes.txt", content: "two" });
    const sneaky = await seedFile(owner.id, { name: "../../etc/passwd", content: "x" });

    const result = await planZip(owner.id, {
      fileIds: [a.id, b.id, sneaky.id],
      folderIds: [projects.id],
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.plan.filename).toBe("Stratus files.zip");
    const zip = await readStream(zipStream(result.plan).stream);
    expect(BigInt(zip.byteLength)).toBe(zipLength(result.plan));
    const entries = readZip(zip);
    const byName = Object.fromEntries(entries.map((e) => [e.name, e.data.toString()]));
    expect(
      Object.keys(byName)
        .map((n) => n.toLowerCase())
        .sort(),
    ).toEqual(
      [
        ".._.._etc_passwd",
        "notes (1).txt",
        "notes.txt",
        "projects/",
        "projects/2026/",
        "projects/2026/deep.txt",
        "projects/empty/",
        "projects/plan.txt",
      ].sort(),
    );
    expect(byName["Projects/2026/deep.txt"]).toBe("deep");
    const notes = entries.filter((e) => /^notes( \(1\))?\.txt$/i.test(e.name));
    expect(notes.map((e) => e.data.toString()).sort()).toEqual(["one", "two"]);
  });

  it("names a single folder's zip after it", async () => {
    const owner = await seedUser("zip");
    const folder = await seedFolder(owner.id, "Holiday photos");
    await seedFile(owner.id, { name: "a.jpg", content: "jpg", folderId: folder.id });
    const result = await planZip(owner.id, { fileIds: [], folderIds: [folder.id] });
    expect(result).toMatchObject({
      ok: true,
      plan: { filename: "Holiday photos.zip", totalBytes: 3 },
    });
  });

  it("refuses anything that is not the owner's live item", async () => {
    const owner = await seedUser("zip");
    const stranger = await seedUser("zip");
    const file = await seedFile(owner.id, { name: "a.txt", content: "a" });
    const folder = await seedFolder(owner.id, "F");
    const trashed = await seedFile(owner.id, { name: "t.txt", content: "t", trashed: true });
    expect(await planZip(stranger.id, { fileIds: [file.id], folderIds: [] })).toEqual({
      ok: false,
      reason: "not-found",
    });
    expect(await planZip(stranger.id, { fileIds: [], folderIds: [folder.id] })).toEqual({
      ok: false,
      reason: "not-found",
    });
    // One foreign id spoils the whole request: nothing of the owner's is zipped either.
    const own = await seedFile(stranger.id, { name: "mine.txt", content: "m" });
    expect(await planZip(stranger.id, { fileIds: [own.id, file.id], folderIds: [] })).toEqual({
      ok: false,
      reason: "not-found",
    });
    expect(await planZip(owner.id, { fileIds: [trashed.id], folderIds: [] })).toEqual({
      ok: false,
      reason: "not-found",
    });
  });

  it("refuses more than 10,000 entries or more than 10 GiB", async () => {
    const owner = await seedUser("zip");
    const folder = await seedFolder(owner.id, "Many");
    await db.file.createMany({
      data: Array.from({ length: ZIP_LIMITS.maxEntries }, (_, i) => ({
        ownerId: owner.id,
        folderId: folder.id,
        name: `f${i}.txt`,
        size: 1n,
        contentType: "text/plain",
        storageKey: newObjectKey(owner.id),
      })),
    });
    // The folder itself plus 10,000 files is one too many.
    expect(await planZip(owner.id, { fileIds: [], folderIds: [folder.id] })).toEqual({
      ok: false,
      reason: "too-many",
    });

    const huge = await db.file.create({
      data: {
        ownerId: owner.id,
        name: "huge.bin",
        size: BigInt(ZIP_LIMITS.maxBytes + 1),
        contentType: "application/octet-stream",
        storageKey: newObjectKey(owner.id),
      },
    });
    expect(await planZip(owner.id, { fileIds: [huge.id], folderIds: [] })).toEqual({
      ok: false,
      reason: "too-big",
    });
  });
});
