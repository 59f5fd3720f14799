import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import {
  countLiveFiles,
  listLiveFiles,
  liveFile,
  liveFileNamed,
  liveFiles,
  liveFolder,
  ownedFile,
} from "./access";
import { makeFile, makeFolder, makeUser, removeUsers } from "./test-helpers";

// What other features read of the Drive: an intruder's ids, trashed items and missing ids must all
// look absent, whichever function is asked.

let owner = "";
let intruder = "";
beforeAll(async () => {
  owner = await makeUser();
  intruder = await makeUser();
});
afterAll(async () => {
  await removeUsers(owner, intruder);
});

const trash = (id: string) => db.file.update({ where: { id }, data: { trashedAt: new Date() } });

describe("Drive access for other features", () => {
  it("sees the owner's live files and nobody else's", async () => {
    const mine = await makeFile(owner, "notes.txt", null, { object: false });
    const theirs = await makeFile(intruder, "secret.txt", null, { object: false });
    const trashed = await makeFile(owner, "old.txt", null, { object: false });
    await trash(trashed.id);

    expect(await liveFile(owner, mine.id)).toMatchObject({ id: mine.id, name: "notes.txt" });
    expect(await liveFile(owner, theirs.id)).toBeNull();
    expect(await liveFile(owner, trashed.id)).toBeNull();
    expect(await liveFile(owner, "nope")).toBeNull();
    // A feature's own (trashed) result stays readable to its owner, never to another user.
    expect(await ownedFile(owner, trashed.id)).toMatchObject({ id: trashed.id });
    expect(await ownedFile(intruder, trashed.id)).toBeNull();

    const found = await liveFiles(owner, [mine.id, theirs.id, trashed.id, mine.id]);
    expect([...found.keys()]).toEqual([mine.id]);
    expect(found.get(mine.id)?.size).toBe(Buffer.byteLength("contents of notes.txt"));
  });

  it("lists by type, folder and name, taking % and _ literally", async () => {
    const dir = await makeFolder(owner, "Photos");
    const a = await makeFile(owner, "50%_off.png", dir.id, {
      contentType: "image/png",
      object: false,
    });
    await makeFile(owner, "0 off.png", dir.id, { contentType: "image/png", object: false });
    await makeFile(owner, "readme.md", dir.id, { object: false });
    await makeFile(intruder, "50%_off.png", null, { contentType: "image/png", object: false });

    const filter = { folderIds: [dir.id], contentTypePrefix: "image/" };
    expect(await countLiveFiles(owner, filter)).toBe(2);
    const literal = await listLiveFiles(owner, { ...filter, nameContains: "%_" }, { take: 10 });
    expect(literal.map((f) => f.id)).toEqual([a.id]);
    const byName = await listLiveFiles(owner, filter, { order: "name", take: 10 });
    expect(byName.map((f) => f.name)).toEqual(["0 off.png", "50%_off.png"]);
    const md = await listLiveFiles(owner, { nameEndsWith: [".MD"] }, { take: 10 });
    expect(md.map((f) => f.name)).toEqual(["readme.md"]);
  });

  it("finds a retried step's earlier file by folder, name and size only while it is live", async () => {
    const dir = await makeFolder(owner, "Results");
    const part = await makeFile(owner, "part-00000", dir.id, { body: "a\t1\n", object: false });
    expect(await liveFileNamed(owner, dir.id, "part-00000", 4)).toMatchObject({ id: part.id });
    expect(await liveFileNamed(owner, dir.id, "part-00000", 5)).toBeNull();
    expect(await liveFileNamed(intruder, dir.id, "part-00000", 4)).toBeNull();
    await trash(part.id);
    expect(await liveFileNamed(owner, dir.id, "part-00000", 4)).toBeNull();
  });

  it("sees live folders of the owner only", async () => {
    const dir = await makeFolder(owner, "Live");
    const gone = await makeFolder(owner, "Gone");
    await db.folder.update({ where: { id: gone.id }, data: { trashedAt: new Date() } });
    expect(await liveFolder(owner, dir.id)).toMatchObject({ id: dir.id, name: "Live" });
    expect(await liveFolder(intruder, dir.id)).toBeNull();
    expect(await liveFolder(owner, gone.id)).toBeNull();
  });
});
