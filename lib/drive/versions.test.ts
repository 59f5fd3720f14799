import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { getRange, headObject } from "@/lib/storage/objects";
import { deleteSeededUsers, seedFolder, seedUser } from "./drive-test-seed";
import { getUsage } from "./quota";
import { deleteForever, trashItems } from "./trash";
import { completeUpload, startUpload } from "./uploads";
import { deleteVersion, listVersions, MAX_VERSIONS_PER_FILE, restoreVersion } from "./versions";

// File versions through the real upload path (presigned PUT to the local store, then complete).

afterAll(deleteSeededUsers);

async function upload(ownerId: string, name: string, text: string, folderId: string | null = null) {
  const data = new TextEncoder().encode(text);
  const start = await startUpload(ownerId, {
    name,
    size: data.byteLength,
    contentType: "text/plain",
    folderId,
  });
  if (start.mode !== "single") throw new Error("expected a single PUT");
  const res = await fetch(start.url, { method: "PUT", body: data, headers: start.headers });
  expect(res.status).toBe(200);
  return (await completeUpload(ownerId, start.uploadId)).file;
}

async function contentOf(fileId: string): Promise<string> {
  const file = await db.file.findUniqueOrThrow({ where: { id: fileId } });
  return new TextDecoder().decode((await getRange(file.storageKey, 1000)) ?? new Uint8Array());
}

describe("file versions", () => {
  it("lists versions newest first and restores one, keeping the replaced content as a version", async () => {
    const owner = await seedUser("versions");
    const folder = await seedFolder(owner.id, "Notes");
    const file = await upload(owner.id, "todo.txt", "v1", folder.id);
    await upload(owner.id, "todo.txt", "v2-", folder.id);
    await upload(owner.id, "todo.txt", "v3--", folder.id);
    expect(await contentOf(file.id)).toBe("v3--");

    const listed = await listVersions(owner.id, file.id);
    expect(listed?.current.size).toBe(4);
    expect(listed?.versions.map((v) => v.size)).toEqual([3, 2]);
    expect(await getUsage(owner.id)).toMatchObject({ usedBytes: 9 });

    const v1 = listed?.versions[1];
    if (!v1) throw new Error("expected v1");
    expect((await restoreVersion(owner.id, file.id, v1.id)).ok).toBe(true);
    expect(await contentOf(file.id)).toBe("v1");
    const after = await listVersions(owner.id, file.id);
    expect(after?.versions.map((v) => v.size).sort()).toEqual([3, 4]);
    // Same bytes kept, only which is current changed.
    expect(await getUsage(owner.id)).toMatchObject({ usedBytes: 9 });
    // Restoring the same version again: it is no longer a version.
    expect((await restoreVersion(owner.id, file.id, v1.id)).ok).toBe(false);
  });

  it("is scoped to the owner: another user can neither list, restore nor delete", async () => {
    const owner = await seedUser("versions");
    const mallory = await seedUser("versions-m");
    const file = await upload(owner.id, "a.txt", "one");
    await upload(owner.id, "a.txt", "two");
    const version = (await listVersions(owner.id, file.id))?.versions[0];
    if (!version) throw new Error("expected a version");
    expect(await listVersions(mallory.id, file.id)).toBeNull();
    expect((await restoreVersion(mallory.id, file.id, version.id)).ok).toBe(false);
    expect((await deleteVersion(mallory.id, file.id, version.id)).ok).toBe(false);
    // Mallory's own file id with the owner's version id does not match either.
    const own = await upload(mallory.id, "m.txt", "m");
    expect((await restoreVersion(mallory.id, own.id, version.id)).ok).toBe(false);
    expect(await contentOf(file.id)).toBe("two");
    expect(await db.fileVersion.count({ where: { id: version.id } })).toBe(1);
  });

  it("deletes a version's bytes, and every version's bytes when its file is deleted for good", async () => {
    const owner = await seedUser("versions");
    const file = await upload(owner.id, "b.txt", "1");
    await upload(owner.id, "b.txt", "22");
    await upload(owner.id, "b.txt", "333");
    const versions = await db.fileVersion.findMany({ where: { fileId: file.id } });
    expect(versions).toHaveLength(2);
    const [first, second] = versions;
    if (!first || !second) throw new Error("expected two versions");
    expect((await deleteVersion(owner.id, file.id, first.id)).ok).toBe(true);
    expect(await headObject(first.storageKey)).toBeNull();
    expect(await getUsage(owner.id)).toMatchObject({ usedBytes: 3 + Number(second.size) });

    // Trashed: the versions stay (and count), hidden; deleted for good: their bytes go too.
    await trashItems(owner.id, [{ kind: "file", id: file.id }]);
    expect(await listVersions(owner.id, file.id)).toBeNull();
    expect(await headObject(second.storageKey)).not.toBeNull();
    expect((await deleteForever(owner.id, [{ kind: "file", id: file.id }])).ok).toBe(true);
    expect(await headObject(second.storageKey)).toBeNull();
    expect(await db.fileVersion.count({ where: { fileId: file.id } })).toBe(0);
    expect(await getUsage(owner.id)).toMatchObject({ usedBytes: 0 });
  });

  it(`keeps at most ${MAX_VERSIONS_PER_FILE} versions per file, deleting the oldest`, async () => {
    const owner = await seedUser("versions");
    const file = await upload(owner.id, "c.txt", "x0");
    for (let i = 1; i <= MAX_VERSIONS_PER_FILE + 1; i++) await upload(owner.id, "c.txt", `x${i}`);
    const versions = await db.fileVersion.findMany({
      where: { fileId: file.id },
      orderBy: { createdAt: "asc" },
    });
    expect(versions).toHaveLength(MAX_VERSIONS_PER_FILE);
    const oldest = versions[0];
    if (!oldest) throw new Error("expected versions");
    expect(new TextDecoder().decode((await getRange(oldest.storageKey, 10)) ?? undefined)).toBe(
      "x1",
    );
  });
});
