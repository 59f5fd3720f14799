import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { headObject } from "@/lib/storage/objects";
import { getBreadcrumbs, listFolder } from "./folders";
import { file, folder, makeFile, makeFolder, makeUser, removeUsers } from "./test-helpers";
import {
  deleteForever,
  emptyTrash,
  listTrash,
  purgeTrashOlderThan,
  restoreItems,
  trashItems,
} from "./trash";

let owner = "";
let intruder = "";
beforeAll(async () => {
  owner = await makeUser();
  intruder = await makeUser();
});
afterAll(async () => {
  await removeUsers(owner, intruder);
});

const listed = async (folderId: string | null) => {
  const l = await listFolder(owner, { folderId });
  return l ? [...l.folders.map((f) => `${f.name}/`), ...l.files.map((f) => f.name)] : null;
};
const trashNames = async (who = owner) =>
  (await listTrash(who)).entries.map((e) => `${e.item.name}${e.kind === "folder" ? "/" : ""}`);
const entryOf = async (id: string) =>
  (await listTrash(owner)).entries.find((e) => e.item.id === id);

describe("trash and restore", () => {
  it("trashes a file, lists it with its original folder, and restores it there", async () => {
    const docs = await makeFolder(owner, "Docs");
    const f = await makeFile(owner, "cv.pdf", docs.id, { object: false });
    expect(await trashItems(owner, [file(f.id)])).toMatchObject({ ok: true });
    expect(await listed(docs.id)).toEqual([]);
    expect(await entryOf(f.id)).toMatchObject({ kind: "file", originalPath: "/Docs" });
    const r = await restoreItems(owner, [file(f.id)]);
    expect(r).toEqual({ ok: true, message: "Restored “cv.pdf” to /Docs." });
    expect(await listed(docs.id)).toEqual(["cv.pdf"]);
    expect(await entryOf(f.id)).toBeUndefined();
  });

  it("hides a trashed folder's subtree and lists only the folder", async () => {
    const a = await makeFolder(owner, "Hide A");
    const b = await makeFolder(owner, "Hide B", a.id);
    const inB = await makeFile(owner, "deep-hidden.txt", b.id, { object: false });
    await trashItems(owner, [folder(a.id)]);
    const names = await trashNames();
    expect(names).toContain("Hide A/");
    expect(names).not.toContain("Hide B/");
    expect(names).not.toContain("deep-hidden.txt");
    // Hidden means not live anywhere: not listed, not searchable, not a folder one can open.
    expect(await listFolder(owner, { folderId: b.id })).toBeNull();
    expect((await listFolder(owner, { q: "deep-hidden" }))?.files).toEqual([]);
    expect((await db.file.findUniqueOrThrow({ where: { id: inB.id } })).trashedAt).not.toBeNull();
    await restoreItems(owner, [folder(a.id)]);
    expect(await listed(b.id)).toEqual(["deep-hidden.txt"]);
  });

  it("keeps items trashed on their own inside a folder when the folder is restored", async () => {
    const p = await makeFolder(owner, "Keep P");
    const early = await makeFile(owner, "trashed-first.txt", p.id, { object: false });
    await makeFile(owner, "stays.txt", p.id, { object: false });
    await trashItems(owner, [file(early.id)]);
    await trashItems(owner, [folder(p.id)]);
    expect(await entryOf(early.id)).toMatchObject({ originalPath: "/" + "Keep P" });
    await restoreItems(owner, [folder(p.id)]);
    expect(await listed(p.id)).toEqual(["stays.txt"]);
    expect(await entryOf(early.id)).toBeDefined();
    // And it goes back into the live folder afterwards.
    await restoreItems(owner, [file(early.id)]);
    expect(await listed(p.id)).toEqual(["stays.txt", "trashed-first.txt"]);
  });

  it("restores a file into its folder that went to the trash after it, never a copy of it", async () => {
    // Trash a file, then its folder; restore the file, then the folder. Before, the file's restore
    // made a new "Reports" and the folder's restore then came back as "Reports (1)".
    const top = await makeFolder(owner, "Quarterly");
    const reports = await makeFolder(owner, "Reports", top.id);
    const q1 = await makeFile(owner, "q1.pdf", reports.id, { object: false });
    await makeFile(owner, "q2.pdf", reports.id, { object: false });
    await trashItems(owner, [file(q1.id)]);
    await trashItems(owner, [folder(reports.id)]);

    const r = await restoreItems(owner, [file(q1.id)]);
    expect(r.message).toBe("Restored “Reports” to /Quarterly, “q1.pdf” to /Quarterly/Reports.");
    expect(await listed(top.id)).toEqual(["Reports/"]);
    expect(await listed(reports.id)).toEqual(["q1.pdf", "q2.pdf"]);
    // The folder is out of the trash already: restoring it finds nothing and makes no copy.
    expect(await restoreItems(owner, [folder(reports.id)])).toMatchObject({ ok: false });
    expect(await listed(top.id)).toEqual(["Reports/"]);
    expect(await trashNames()).not.toContain("Reports/");
  });

  it("recreates the original path when the folder was trashed or deleted meanwhile", async () => {
    const proj = await makeFolder(owner, "Recreate");
    const year = await makeFolder(owner, "2026", proj.id);
    const f = await makeFile(owner, "plan.txt", year.id, { object: false });
    await trashItems(owner, [file(f.id)]);
    await trashItems(owner, [folder(proj.id)]);
    await deleteForever(owner, [folder(proj.id)]);
    expect(await db.folder.count({ where: { id: { in: [proj.id, year.id] } } })).toBe(0);
    expect(await entryOf(f.id)).toMatchObject({ originalPath: "/Recreate/2026" });

    const r = await restoreItems(owner, [file(f.id)]);
    expect(r.message).toBe("Restored “plan.txt” to /Recreate/2026.");
    const row = await db.file.findUniqueOrThrow({ where: { id: f.id } });
    expect(row.folderId).not.toBeNull();
    expect((await getBreadcrumbs(owner, row.folderId))?.map((c) => c.name)).toEqual([
      "Recreate",
      "2026",
    ]);
    expect(row.trashedAt).toBeNull();
    expect(row.originalPath).toBeNull();
  });

  it("reuses a live folder of the same name and numbers a name taken meanwhile", async () => {
    const old = await makeFolder(owner, "Reuse");
    const f = await makeFile(owner, "notes.txt", old.id, { object: false });
    await trashItems(owner, [file(f.id)]);
    await trashItems(owner, [folder(old.id)]);
    const fresh = await makeFolder(owner, "reuse");
    await makeFile(owner, "notes.txt", fresh.id, { object: false });
    const r = await restoreItems(owner, [file(f.id)]);
    expect(r.message).toBe("Restored “notes.txt” to /reuse as “notes (1).txt”.");
    expect(await listed(fresh.id)).toEqual(["notes (1).txt", "notes.txt"]);
  });

  it("restores a folder whose parent went to the trash after it together with that parent", async () => {
    const top = await makeFolder(owner, "Parent trashed");
    const child = await makeFolder(owner, "Child", top.id);
    await makeFile(owner, "inside.txt", child.id, { object: false });
    await trashItems(owner, [folder(child.id)]);
    await trashItems(owner, [folder(top.id)]);
    await restoreItems(owner, [folder(child.id)]);
    // The same "Parent trashed" comes back from the trash rather than a new one beside it.
    const crumbs = await getBreadcrumbs(owner, child.id);
    expect(crumbs?.map((c) => c.id)).toEqual([top.id, child.id]);
    expect(await listed(child.id)).toEqual(["inside.txt"]);
    expect(await trashNames()).not.toContain("Parent trashed/");
  });

  it("restores a folder whose parent was deleted at the path it came from", async () => {
    const top = await makeFolder(owner, "Parent gone");
    const child = await makeFolder(owner, "Child", top.id);
    await makeFile(owner, "inside.txt", child.id, { object: false });
    await trashItems(owner, [folder(child.id)]);
    await trashItems(owner, [folder(top.id)]);
    await deleteForever(owner, [folder(top.id)]);
    await restoreItems(owner, [folder(child.id)]);
    const crumbs = await getBreadcrumbs(owner, child.id);
    expect(crumbs?.map((c) => c.name)).toEqual(["Parent gone", "Child"]);
    expect(crumbs?.[0]?.id).not.toBe(top.id);
    expect(await listed(child.id)).toEqual(["inside.txt"]);
  });
});

describe("deleting for good", () => {
  it("deletes a trashed file's object and row", async () => {
    const f = await makeFile(owner, "bye.txt");
    expect(await headObject(f.storageKey)).not.toBeNull();
    await trashItems(owner, [file(f.id)]);
    expect(await deleteForever(owner, [file(f.id)])).toMatchObject({ ok: true });
    expect(await headObject(f.storageKey)).toBeNull();
    expect(await db.file.findUnique({ where: { id: f.id } })).toBeNull();
    // Only Trash entries can be deleted for good.
    const live = await makeFile(owner, "live.txt");
    expect(await deleteForever(owner, [file(live.id)])).toMatchObject({ ok: false });
    expect(await headObject(live.storageKey)).not.toBeNull();
  });

  it("deletes a folder with what it hid, but not what was trashed on its own from it", async () => {
    const d = await makeFolder(owner, "Doomed");
    const sub = await makeFolder(owner, "Sub", d.id);
    const hidden = await makeFile(owner, "hidden.txt", sub.id);
    const separate = await makeFile(owner, "separate.txt", d.id);
    await trashItems(owner, [file(separate.id)]);
    await trashItems(owner, [folder(d.id)]);
    await deleteForever(owner, [folder(d.id)]);
    expect(await headObject(hidden.storageKey)).toBeNull();
    expect(await db.folder.count({ where: { id: { in: [d.id, sub.id] } } })).toBe(0);
    expect(await db.file.findUnique({ where: { id: hidden.id } })).toBeNull();
    expect(await headObject(separate.storageKey)).not.toBeNull();
    expect(await entryOf(separate.id)).toMatchObject({ originalPath: "/Doomed" });
  });

  it("empties the trash: every trashed object and row goes, live ones stay", async () => {
    const keep = await makeFile(owner, "keep.txt");
    const t1 = await makeFile(owner, "t1.txt");
    const box = await makeFolder(owner, "Empty me");
    const t2 = await makeFile(owner, "t2.txt", box.id);
    await trashItems(owner, [file(t1.id), folder(box.id)]);
    const theirs = await makeFile(intruder, "theirs.txt");
    await trashItems(intruder, [file(theirs.id)]);

    const r = await emptyTrash(owner);
    expect(r.ok).toBe(true);
    expect(await headObject(t1.storageKey)).toBeNull();
    expect(await headObject(t2.storageKey)).toBeNull();
    expect(await headObject(keep.storageKey)).not.toBeNull();
    expect(await listTrash(owner)).toMatchObject({ total: 0, entries: [] });
    expect(await db.file.count({ where: { ownerId: owner, trashedAt: { not: null } } })).toBe(0);
    expect(await db.folder.count({ where: { ownerId: owner, trashedAt: { not: null } } })).toBe(0);
    // Another owner's trash is untouched.
    expect(await headObject(theirs.storageKey)).not.toBeNull();
    expect(await trashNames(intruder)).toEqual(["theirs.txt"]);
    expect(await emptyTrash(owner)).toEqual({ ok: true, message: "The trash is already empty." });
  });

  it("purges entries older than the retention, with what they hid", async () => {
    const old = await makeFile(owner, "old.txt");
    const oldDir = await makeFolder(owner, "Old dir");
    const oldInside = await makeFile(owner, "old-inside.txt", oldDir.id);
    const recent = await makeFile(owner, "recent.txt");
    await trashItems(owner, [file(old.id), folder(oldDir.id), file(recent.id)]);
    const longAgo = new Date(Date.now() - 31 * 24 * 60 * 60 * 1000);
    await db.file.updateMany({
      where: { id: { in: [old.id, oldInside.id] } },
      data: { trashedAt: longAgo },
    });
    await db.folder.updateMany({ where: { id: oldDir.id }, data: { trashedAt: longAgo } });

    const purged = await purgeTrashOlderThan(30);
    expect(purged.files).toBeGreaterThanOrEqual(2);
    expect(purged.folders).toBeGreaterThanOrEqual(1);
    expect(await headObject(old.storageKey)).toBeNull();
    expect(await headObject(oldInside.storageKey)).toBeNull();
    expect(await db.folder.findUnique({ where: { id: oldDir.id } })).toBeNull();
    expect(await headObject(recent.storageKey)).not.toBeNull();
    expect(await trashNames()).toContain("recent.txt");
    await expect(purgeTrashOlderThan(-1)).rejects.toThrow(RangeError);
  });
});

describe("another owner's items", () => {
  it("cannot be trashed, restored, deleted or seen in the trash", async () => {
    const live = await makeFile(owner, "a-live.txt");
    const liveDir = await makeFolder(owner, "A dir");
    const trashed = await makeFile(owner, "a-trashed.txt");
    await trashItems(owner, [file(trashed.id)]);

    expect(await trashItems(intruder, [file(live.id), folder(liveDir.id)])).toMatchObject({
      ok: false,
    });
    expect(await restoreItems(intruder, [file(trashed.id)])).toMatchObject({ ok: false });
    expect(await deleteForever(intruder, [file(trashed.id)])).toMatchObject({ ok: false });
    expect(await trashNames(intruder)).not.toContain("a-trashed.txt");
    await emptyTrash(intruder);

    expect((await db.file.findUniqueOrThrow({ where: { id: live.id } })).trashedAt).toBeNull();
    expect((await db.folder.findUniqueOrThrow({ where: { id: liveDir.id } })).trashedAt).toBeNull();
    expect(await entryOf(trashed.id)).toBeDefined();
    expect(await headObject(trashed.storageKey)).not.toBeNull();
  });
});
