import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
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
    expect(await db.folder.count({ where: { ownerId: alice, name: "Image Studio" } })).toBe(1);
  });

  it("refuses a result that does not fit the quota and leaves no object behind", async () => {
    const folderId = await studioFolder(alice);
    const before = await objectCount(alice);
    // A file row as big as the whole quota (5 GB by default).
    await db.file.create({
      data: {
        ownerId: alice,
        name: "huge.bin",
        size: BigInt(5 * 1024 ** 3),
        contentType: "application/octet-stream",
        storageKey: `users/${alice}/huge-placeholder`,
      },
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
    expect(await db.file.count({ where: { ownerId: alice, folderId } })).toBe(0);
    await db.file.deleteMany({ where: { ownerId: alice, name: "huge.bin" } });
  });

  it("only opens the owner's live images", async () => {
    const bob = await makeUser();
    try {
      const text = await db.file.create({
        data: {
          ownerId: alice,
          name: "notes.txt",
          size: 1n,
          contentType: "text/plain",
          storageKey: `users/${alice}/notes`,
        },
      });
      await expect(ownedImage(alice, text.id)).rejects.toThrow("“notes.txt” is not an image.");
      await expect(ownedImage(bob, text.id)).rejects.toThrow(/no longer exists/);
      await db.file.update({
        where: { id: text.id },
        data: { contentType: "image/png", trashedAt: new Date() },
      });
      await expect(ownedImage(alice, text.id)).rejects.toThrow(/no longer exists/);
    } finally {
      await removeUsers(bob);
    }
  });
});
