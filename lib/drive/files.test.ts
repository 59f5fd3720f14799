import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { moveItems, renameItem } from "./files";
import { listFolder } from "./folders";
import { file, folder, makeFile, makeFolder, makeUser, removeUsers } from "./test-helpers";

let owner = "";
let intruder = "";
beforeAll(async () => {
  owner = await makeUser();
  intruder = await makeUser();
});
afterAll(async () => {
  await removeUsers(owner, intruder);
});

const nameOf = async (kind: "file" | "folder", id: string) =>
  kind === "file"
    ? (await db.file.findUniqueOrThrow({ where: { id } })).name
    : (await db.folder.findUniqueOrThrow({ where: { id } })).name;

describe("renameItem", () => {
  it("renames files and folders", async () => {
    const dir = await makeFolder(owner, "Rename");
    const f = await makeFile(owner, "draft.txt", dir.id, { object: false });
    const sub = await makeFolder(owner, "old", dir.id);
    expect(await renameItem(owner, file(f.id), "final.txt")).toMatchObject({ ok: true });
    expect(await renameItem(owner, folder(sub.id), "new")).toMatchObject({ ok: true });
    expect(await nameOf("file", f.id)).toBe("final.txt");
    expect(await nameOf("folder", sub.id)).toBe("new");
  });

  it("refuses a name another live item of the folder has, but allows a change of case", async () => {
    const dir = await makeFolder(owner, "Conflicts");
    const a = await makeFile(owner, "a.txt", dir.id, { object: false });
    await makeFolder(owner, "b.txt", dir.id);
    const r = await renameItem(owner, file(a.id), "B.TXT");
    expect(r).toEqual({
      ok: false,
      reason: "name-taken",
      message: "An item named “B.TXT” already exists in this folder.",
    });
    expect(await nameOf("file", a.id)).toBe("a.txt");
    expect(await renameItem(owner, file(a.id), "A.txt")).toMatchObject({ ok: true });
    expect(await nameOf("file", a.id)).toBe("A.txt");
  });

  it("treats another owner's item as missing", async () => {
    const f = await makeFile(owner, "mine.txt", null, { object: false });
    const d = await makeFolder(owner, "Mine");
    expect(await renameItem(intruder, file(f.id), "stolen.txt")).toMatchObject({
      ok: false,
      reason: "not-found",
    });
    expect(await renameItem(intruder, folder(d.id), "stolen")).toMatchObject({
      ok: false,
      reason: "not-found",
    });
    expect(await renameItem(owner, file("nosuchfile"), "x")).toMatchObject({ reason: "not-found" });
    expect(await nameOf("file", f.id)).toBe("mine.txt");
    expect(await nameOf("folder", d.id)).toBe("Mine");
  });
});

describe("moveItems", () => {
  it("moves files and folders, numbering names taken in the target", async () => {
    const src = await makeFolder(owner, "Source");
    const dst = await makeFolder(owner, "Target");
    const f = await makeFile(owner, "report.pdf", src.id, { object: false });
    const sub = await makeFolder(owner, "Sub", src.id);
    await makeFile(owner, "report.pdf", dst.id, { object: false });
    const r = await moveItems(owner, [file(f.id), folder(sub.id)], dst.id);
    expect(r.ok).toBe(true);
    expect(r.message).toContain("Moved 2 items to “Target”");
    expect(r.message).toContain("“report.pdf” is now “report (1).pdf”");
    const l = await listFolder(owner, { folderId: dst.id });
    expect(l?.folders.map((x) => x.name)).toEqual(["Sub"]);
    expect(l?.files.map((x) => x.name)).toEqual(["report (1).pdf", "report.pdf"]);
    expect((await listFolder(owner, { folderId: src.id }))?.totalFiles).toBe(0);
    // Moving to the root, and moving where it already is, are fine.
    expect(await moveItems(owner, [folder(sub.id)], null)).toMatchObject({ ok: true });
    expect((await db.folder.findUniqueOrThrow({ where: { id: sub.id } })).parentId).toBeNull();
    expect(await moveItems(owner, [folder(sub.id)], null)).toMatchObject({ ok: true });
    expect(await nameOf("folder", sub.id)).toBe("Sub");
  });

  it("refuses to move a folder into itself or one of its descendants", async () => {
    const a = await makeFolder(owner, "Outer");
    const b = await makeFolder(owner, "Middle", a.id);
    const c = await makeFolder(owner, "Inner", b.id);
    const loose = await makeFile(owner, "loose.txt", null, { object: false });
    for (const target of [a.id, b.id, c.id]) {
      const r = await moveItems(owner, [file(loose.id), folder(a.id)], target);
      expect(r).toMatchObject({ ok: false, reason: "cycle" });
    }
    // All or nothing: the file in the same request did not move either.
    expect((await db.file.findUniqueOrThrow({ where: { id: loose.id } })).folderId).toBeNull();
    expect((await db.folder.findUniqueOrThrow({ where: { id: a.id } })).parentId).toBeNull();
    // Moving a child up and a sibling across is fine.
    expect(await moveItems(owner, [folder(c.id)], a.id)).toMatchObject({ ok: true });
  });

  it("lets only one of two concurrent moves A→B and B→A through: no folder leaves the tree", async () => {
    for (let round = 0; round < 8; round++) {
      const a = await makeFolder(owner, `Swap A ${round}`);
      const b = await makeFolder(owner, `Swap B ${round}`);
      const results = await Promise.all([
        moveItems(owner, [folder(a.id)], b.id),
        moveItems(owner, [folder(b.id)], a.id),
      ]);
      expect(
        results.filter((r) => r.ok),
        `round ${round}`,
      ).toHaveLength(1);
      expect(results.find((r) => !r.ok)).toMatchObject({ reason: "cycle" });
      // Both still reachable from the root: one at the root, the other inside it.
      const parents = await db.folder.findMany({
        where: { id: { in: [a.id, b.id] } },
        select: { parentId: true },
      });
      expect(
        parents.filter((p) => p.parentId === null),
        `round ${round}`,
      ).toHaveLength(1);
    }
  });

  it("ignores other owners' items and folders", async () => {
    const mine = await makeFolder(owner, "Owner's");
    const f = await makeFile(owner, "private.txt", mine.id, { object: false });
    const theirs = await makeFolder(intruder, "Intruder's");
    // B cannot move A's file into B's folder, nor move B's things into A's folder.
    expect(await moveItems(intruder, [file(f.id)], theirs.id)).toMatchObject({
      ok: false,
      reason: "not-found",
    });
    expect(await moveItems(owner, [file(f.id)], theirs.id)).toMatchObject({
      ok: false,
      reason: "not-found",
    });
    const bFile = await makeFile(intruder, "plant.txt", null, { object: false });
    expect(await moveItems(intruder, [file(bFile.id)], mine.id)).toMatchObject({
      ok: false,
      reason: "not-found",
    });
    expect((await db.file.findUniqueOrThrow({ where: { id: f.id } })).folderId).toBe(mine.id);
    expect((await db.file.findUniqueOrThrow({ where: { id: bFile.id } })).folderId).toBeNull();
  });
});
