import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { deleteSeededUsers, seedFile, seedUser } from "./drive-test-seed";
import { listFolder } from "./folders";
import { makeThumbnail, requestMissingThumbnails, THUMBNAIL_ASKS_PER_MINUTE } from "./thumbnails";

// Files stored before thumbnails existed: the listing asks the worker once per file, throttled
// per user, and the thumbnail the worker makes (makeThumbnail, its function's body) shows next.

let owner: { id: string };
let other: { id: string };
const ids = { old: "", text: "" };

const png = () =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: "#3366cc" } })
    .png()
    .toBuffer();

beforeAll(async () => {
  owner = await seedUser("thumbs");
  other = await seedUser("thumbs-other");
  ids.old = (
    await seedFile(owner.id, { name: "old.png", content: await png(), contentType: "image/png" })
  ).id;
  ids.text = (
    await seedFile(owner.id, { name: "notes.txt", content: "hi", contentType: "text/plain" })
  ).id;
});

afterAll(() => deleteSeededUsers());

const askedAt = async (id: string) =>
  (await db.file.findUniqueOrThrow({ where: { id } })).thumbnailAskedAt;

describe("thumbnails for files stored before thumbnails existed", () => {
  it("are asked for once when a listing shows them, and shown once made", async () => {
    const before = await db.file.findUniqueOrThrow({ where: { id: ids.old } });
    const first = await listFolder(owner.id);
    expect(first?.thumbnails).toEqual([]);
    // The listing does not wait for the ask: wait for its state.
    await vi.waitFor(async () => expect(await askedAt(ids.old)).not.toBeNull(), {
      timeout: 60_000,
      interval: 100,
    });
    // Not an image: never asked. The file's modified time is untouched.
    expect(await askedAt(ids.text)).toBeNull();
    const after = await db.file.findUniqueOrThrow({ where: { id: ids.old } });
    expect(after.updatedAt).toEqual(before.updatedAt);
    // Asked once: another listing (or a direct ask) asks nothing more.
    expect(await requestMissingThumbnails(owner.id, [ids.old, ids.text])).toEqual([]);
    // The worker's function makes it; the next listing shows it.
    expect(await makeThumbnail(owner.id, ids.old)).toBe("made");
    expect((await listFolder(owner.id))?.thumbnails).toEqual([ids.old]);
  });

  it("never asks for another user's file", async () => {
    const theirs = await seedFile(other.id, {
      name: "theirs.png",
      content: await png(),
      contentType: "image/png",
    });
    expect(await requestMissingThumbnails(owner.id, [theirs.id])).toEqual([]);
    expect(await askedAt(theirs.id)).toBeNull();
  });

  it(`asks at most ${THUMBNAIL_ASKS_PER_MINUTE} a minute per user`, async () => {
    const user = await seedUser("thumbs-many");
    const image = await png();
    const files = [];
    for (let i = 0; i < THUMBNAIL_ASKS_PER_MINUTE + 10; i++)
      files.push(
        (await seedFile(user.id, { name: `p${i}.png`, content: image, contentType: "image/png" }))
          .id,
      );
    let asked = 0;
    for (let i = 0; i < files.length; i += 20)
      asked += (await requestMissingThumbnails(user.id, files.slice(i, i + 20))).length;
    expect(asked).toBe(THUMBNAIL_ASKS_PER_MINUTE);
    // Another user's budget is their own.
    const theirs = await seedFile(other.id, {
      name: "later.png",
      content: image,
      contentType: "image/png",
    });
    expect(await requestMissingThumbnails(other.id, [theirs.id])).toEqual([theirs.id]);
  }, 300_000);
});
