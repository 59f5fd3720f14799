import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countFileRows,
  countFolderRows,
  deleteFileRow,
  makeUser,
  removeUsers,
  seedFileRow,
  updateFileRow,
} from "@/lib/drive/test-helpers";
import { listPrefix } from "@/lib/storage/objects";
import { userPrefix } from "@/lib/storage/keys";
import { ApplyError, ownedImage, resultName, storeResult, studioFolder } from "./results";

let alice = "";
beforeAll(async () => {
  alice = await makeUser();
});
afterAll(() => removeUsers(alice));

async function objectCount(ownerId: string): Promise<number> {
  let n = 0;
  for await (const object of listPrefix(userPrefix(ownerId))) if (object.key) n++;
  return n;
}

describe("results in the Drive", () => {
  it("names a result after the original with the output's extension", () => {
    expect(resultName("photo.jpg", "webp")).toBe("photo (edited).webp");
    expect(resultName("scan.final.PNG", "jpeg")).toBe("scan.final (edited).jpg");
    expect(resultName("README", "avif")).toBe("README (edited).avif");
    const long = resultName(`${"é".repeat(300)}.jpg`, "png");
    expect(Array.from(long).length).toBe(255);
    expect(long.endsWith(" (edited).png")).toBe(true);
  });

  it("reuses one Image Studio folder", async () => {
    const first = await studioFolder(alice);
    expect(await studioFolder(alice)).toBe(first);
    expect(await countFolderRows({ ownerId: alice, name: "Image Studio" })).toBe(1);
  });

  it("refuses a result that does not fit the quota and leaves no object behind", async () => {
    const folderId = await studioFolder(alice);
    const before = await objectCount(alice);
    // A file row as big as the whole quota (5 GB by default).
    const huge = await seedFileRow(alice, {
      name: "huge.bin",
      size: 5 * 1024 ** 3,
      contentType: "application/octet-stream",
      storageKey: `users/${alice}/huge-placeholder`,
    });
    const attempt = storeResult(
      alice,
      folderId,
      "x (edited).jpg",
      Buffer.alloc(1000),
      "image/jpeg",
    );
    await expect(attempt).rejects.toBeInstanceOf(ApplyError);
    await expect(attempt).rejects.toThrow(/Not enough space/);
    expect(await objectCount(alice)).toBe(before);
    expect(await countFileRows({ ownerId: alice, folderId })).toBe(0);
    await deleteFileRow(huge.id);
  });

  it("only opens the owner's live images", async () => {
    const bob = await makeUser();
    try {
      const text = await seedFileRow(alice, {
        name: "notes.txt",
        size: 1,
        contentType: "text/plain",
        storageKey: `users/${alice}/notes`,
      });
      await expect(ownedImage(alice, text.id)).rejects.toThrow("“notes.txt” is not an image.");
      await expect(ownedImage(bob, text.id)).rejects.toThrow(/no longer exists/);
      await updateFileRow(text.id, { contentType: "image/png", trashedAt: new Date() });
      await expect(ownedImage(alice, text.id)).rejects.toThrow(/no longer exists/);
    } finally {
      await removeUsers(bob);
    }
  });
});
