import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { newObjectKey } from "@/lib/storage/keys";
import { createFolder, getBreadcrumbs, listChildFolders, listFolder } from "./folders";
import { file, folder, makeFile, makeFolder, makeUser, removeUsers } from "./test-helpers";
import { trashItems } from "./trash";

let owner = "";
let other = "";
beforeAll(async () => {
  owner = await makeUser();
  other = await makeUser();
});
afterAll(async () => {
  await removeUsers(owner, other);
});

const names = (l: { folders: { name: string }[]; files: { name: string }[] } | null) =>
  l ? [...l.folders.map((f) => `${f.name}/`), ...l.files.map((f) => f.name)] : null;

describe("listFolder", () => {
  let dir = "";
  beforeAll(async () => {
    dir = (await makeFolder(owner, "Sorting")).id;
    await makeFolder(owner, "beta", dir);
    await makeFolder(owner, "Alpha", dir);
    const t = (d: number) => new Date(Date.UTC(2026, 0, d));
    await makeFile(owner, "b.txt", dir, { body: "xx", contentType: "text/plain", updatedAt: t(3) });
    await makeFile(owner, "A.png", dir, {
      body: "xxxxx",
      contentType: "image/png",
      updatedAt: t(1),
    });
    await makeFile(owner, "c.pdf", dir, {
      body: "x",
      contentType: "application/pdf",
      updatedAt: t(2),
    });
  });

  it("lists folders first, then files, by name (case-insensitive) by default", async () => {
    const l = await listFolder(owner, { folderId: dir });
    expect(names(l)).toEqual(["Alpha/", "beta/", "A.png", "b.txt", "c.pdf"]);
    expect(l).toMatchObject({ totalFolders: 2, totalFiles: 3, page: 1, pageCount: 1 });
    expect(l?.folder?.name).toBe("Sorting");
    expect(l?.breadcrumbs.map((c) => c.name)).toEqual(["Sorting"]);
  });

  it("sorts by name, size, type and modified in both directions", async () => {
    const order = async (sort: "name" | "size" | "type" | "modified", dirn: "asc" | "desc") =>
      names(await listFolder(owner, { folderId: dir, sort, dir: dirn }));
    expect(await order("name", "desc")).toEqual(["beta/", "Alpha/", "c.pdf", "b.txt", "A.png"]);
    expect(await order("size", "asc")).toEqual(["Alpha/", "beta/", "c.pdf", "b.txt", "A.png"]);
    expect(await order("size", "desc")).toEqual(["Alpha/", "beta/", "A.png", "b.txt", "c.pdf"]);
    expect(await order("type", "asc")).toEqual(["Alpha/", "beta/", "c.pdf", "A.png", "b.txt"]);
    expect(await order("type", "desc")).toEqual(["Alpha/", "beta/", "b.txt", "A.png", "c.pdf"]);
    const mod = await order("modified", "desc");
    expect(mod?.slice(2)).toEqual(["b.txt", "c.pdf", "A.png"]);
    expect((await order("modified", "asc"))?.slice(2)).toEqual(["A.png", "c.pdf", "b.txt"]);
  });

  it("pages across the folder/file boundary without gaps or repeats", async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const l = await listFolder(owner, { folderId: dir, pageSize: 2, page });
      expect(l?.pageCount).toBe(3);
      seen.push(...(names(l) ?? []));
    }
    expect(seen).toEqual(["Alpha/", "beta/", "A.png", "b.txt", "c.pdf"]);
    // A page past the end shows the last page rather than nothing.
    expect(names(await listFolder(owner, { folderId: dir, pageSize: 2, page: 99 }))).toEqual([
      "c.pdf",
    ]);
  });

  it("shows an empty root and refuses unknown, trashed and foreign folders", async () => {
    const l = await listFolder(other, {});
    expect(l).toMatchObject({ folder: null, breadcrumbs: [], totalFolders: 0, totalFiles: 0 });
    expect(await listFolder(owner, { folderId: "nosuchfolder" })).toBeNull();
    expect(await listFolder(other, { folderId: dir })).toBeNull();
    const gone = await makeFolder(owner, "Gone");
    await trashItems(owner, [folder(gone.id)]);
    expect(await listFolder(owner, { folderId: gone.id })).toBeNull();
  });

  it("stays fast with 10,000 files in one folder", async () => {
    const big = await makeFolder(owner, "Big");
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      ownerId: owner,
      folderId: big.id,
      name: `file-${String(i).padStart(5, "0")}.bin`,
      size: BigInt((i * 7919) % 100_000),
      contentType: i % 2 ? "application/octet-stream" : "image/jpeg",
      storageKey: newObjectKey(owner),
    }));
    for (let i = 0; i < rows.length; i += 2000) {
      await db.file.createMany({ data: rows.slice(i, i + 2000) });
    }
    await listFolder(owner, { folderId: big.id }); // warm the connection pool
    const timings: number[] = [];
    for (const opts of [
      { page: 1 },
      { page: 100 },
      { page: 57, sort: "size" as const, dir: "desc" as const },
      { page: 100, sort: "modified" as const },
      { page: 1, sort: "type" as const, dir: "desc" as const },
    ]) {
      const started = performance.now();
      const l = await listFolder(owner, { folderId: big.id, ...opts });
      timings.push(performance.now() - started);
      expect(l?.files).toHaveLength(100);
      expect(l?.pageCount).toBe(100);
    }
    const last = await listFolder(owner, { folderId: big.id, page: 100 });
    expect(last?.files.at(-1)?.name).toBe("file-09999.bin");
    expect(Math.max(...timings)).toBeLessThan(500);
  });
});

describe("search", () => {
  it("finds live items in the whole drive by part of the name and says where they are", async () => {
    const projects = await makeFolder(owner, "Projects");
    const y2026 = await makeFolder(owner, "2026", projects.id);
    await makeFile(owner, "Budget-plan.xlsx", y2026.id, { object: false });
    await makeFile(owner, "old budget.txt", null, { object: false });
    await makeFolder(owner, "Budgets", projects.id);
    const trashed = await makeFile(owner, "budget-trashed.txt", null, { object: false });
    await trashItems(owner, [file(trashed.id)]);
    await makeFile(other, "budget of someone else.txt", null, { object: false });

    const l = await listFolder(owner, { q: "BUDGET", folderId: projects.id });
    expect(names(l)).toEqual(["Budgets/", "Budget-plan.xlsx", "old budget.txt"]);
    expect(l?.q).toBe("BUDGET");
    expect(l?.folder).toBeNull();
    expect(l?.locations[y2026.id]).toBe("/Projects/2026");
    expect(l?.locations[projects.id]).toBe("/Projects");
    expect(l?.locations[""]).toBe("/");
  });

  it("matches % and _ literally and hides what is inside a trashed folder", async () => {
    await makeFile(owner, "50% off_sale.txt", null, { object: false });
    await makeFile(owner, "50 percent offXsale.txt", null, { object: false });
    expect(names(await listFolder(owner, { q: "0% off_" }))).toEqual(["50% off_sale.txt"]);
    const box = await makeFolder(owner, "Box");
    await makeFile(owner, "needle-in-box.txt", box.id, { object: false });
    expect(names(await listFolder(owner, { q: "needle-in" }))).toEqual(["needle-in-box.txt"]);
    await trashItems(owner, [folder(box.id)]);
    expect(names(await listFolder(owner, { q: "needle-in" }))).toEqual([]);
  });
});

describe("breadcrumbs and folders", () => {
  it("walks from the root to the folder", async () => {
    const a = await makeFolder(owner, "A");
    const b = await makeFolder(owner, "B", a.id);
    const c = await makeFolder(owner, "C", b.id);
    expect((await getBreadcrumbs(owner, c.id))?.map((x) => x.name)).toEqual(["A", "B", "C"]);
    expect(await getBreadcrumbs(owner, null)).toEqual([]);
    expect(await getBreadcrumbs(other, c.id)).toBeNull();
    const kids = await listChildFolders(owner, a.id);
    expect(kids?.folders.map((f) => f.name)).toEqual(["B"]);
    expect(await listChildFolders(other, a.id)).toBeNull();
  });

  it("creates folders, refusing a taken name and a foreign or missing parent", async () => {
    const r = await createFolder(owner, null, "Fresh");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const inside = await createFolder(owner, r.folder.id, "Inner");
    expect(inside).toMatchObject({ ok: true, folder: { name: "Inner", parentId: r.folder.id } });
    expect(await createFolder(owner, null, "fresh")).toMatchObject({
      ok: false,
      reason: "name-taken",
    });
    expect(await createFolder(other, r.folder.id, "Intruder")).toMatchObject({
      ok: false,
      reason: "parent-not-found",
    });
    expect(await db.folder.count({ where: { name: "Intruder" } })).toBe(0);
  });
});
