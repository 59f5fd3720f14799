import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { ForeignKeyError } from "@/lib/storage/keys";
import { headObject } from "@/lib/storage/objects";
import { presignGet, presignPut } from "@/lib/storage/presign";
import { fileDownloadUrl, textPreview } from "./downloads";
import { deleteSeededUsers, seedFile, seedFolder, seedUser } from "./drive-test-seed";
import { moveItems, renameItem } from "./files";
import {
  createFolder,
  getBreadcrumbs,
  getLiveFolder,
  listChildFolders,
  listFolder,
} from "./folders";
import {
  consumeShareDownload,
  createShareLink,
  listShareLinks,
  revokeShareLink,
  updateShareLink,
} from "./share-links";
import { createShareLinkSchema, updateShareLinkSchema } from "./share-schemas";
import { deleteForever, restoreItems, trashItems } from "./trash";
import {
  abortUpload,
  completeUpload,
  partUrls,
  startUpload,
  uploadStatus,
  UploadError,
} from "./uploads";
import { planZip } from "./zip";

// User B tries every id of user A's through the data layer that Drive's route handlers and server
// actions call with the signed-in user's id (which is all those entry points add: a session check,
// covered over HTTP by e2e/drive-cross-user.spec.ts). Everything must fail, and nothing of A's may
// change: rows and objects are compared before and after.

type A = Awaited<ReturnType<typeof seedA>>;
let a: A;
let bId: string;
let bFileId: string;

async function seedA() {
  const user = await seedUser("cross-a");
  const folder = await seedFolder(user.id, "A's folder");
  const file = await seedFile(user.id, {
    name: "secret.txt",
    content: "A's secret",
    contentType: "text/plain",
    folderId: folder.id,
  });
  const trashed = await seedFile(user.id, { name: "old.txt", content: "old", trashed: true });
  await db.file.update({ where: { id: trashed.id }, data: { originalPath: "/" } });
  const created = await createShareLink(
    user.id,
    createShareLinkSchema.parse({ fileId: file.id, password: "a-password", maxDownloads: "5" }),
  );
  if (!created.ok) throw new Error("setup: share link");
  const upload = await startUpload(user.id, {
    name: "pending.bin",
    size: 10,
    contentType: "application/octet-stream",
    folderId: folder.id,
  });
  return { user, folder, file, trashed, link: created.link, uploadId: upload.uploadId };
}

async function snapshotOfA() {
  const where = { ownerId: a.user.id };
  const [files, folders, links, uploads] = await Promise.all([
    db.file.findMany({ where, orderBy: { id: "asc" } }),
    db.folder.findMany({ where, orderBy: { id: "asc" } }),
    db.shareLink.findMany({ where, orderBy: { id: "asc" }, omit: { passwordHash: false } }),
    db.upload.findMany({ where, orderBy: { id: "asc" } }),
  ]);
  const objects = await Promise.all(
    files.map(async (f) => {
      const head = await headObject(f.storageKey);
      return head && { key: head.key, size: head.size, etag: head.etag };
    }),
  );
  return { files, folders, links, uploads, objects };
}

let before: Awaited<ReturnType<typeof snapshotOfA>>;

beforeAll(async () => {
  a = await seedA();
  const b = await seedUser("cross-b");
  bId = b.id;
  bFileId = (await seedFile(bId, { name: "b.txt", content: "b" })).id;
  before = await snapshotOfA();
});

afterAll(deleteSeededUsers);

const fileRef = () => ({ kind: "file" as const, id: a.file.id });
const folderRef = () => ({ kind: "folder" as const, id: a.folder.id });

describe("user B cannot reach user A's drive", () => {
  it("downloads, previews and zips", async () => {
    expect(await fileDownloadUrl(bId, a.file.id, { inline: false })).toBeNull();
    expect(await fileDownloadUrl(bId, a.file.id, { inline: true })).toBeNull();
    expect(await textPreview(bId, a.file.id)).toBe("not-found");
    expect(await planZip(bId, { fileIds: [a.file.id], folderIds: [] })).toEqual({
      ok: false,
      reason: "not-found",
    });
    expect(await planZip(bId, { fileIds: [bFileId], folderIds: [a.folder.id] })).toEqual({
      ok: false,
      reason: "not-found",
    });
  });

  it("share links", async () => {
    expect(await listShareLinks(bId, a.file.id)).toBeNull();
    expect(await createShareLink(bId, createShareLinkSchema.parse({ fileId: a.file.id }))).toEqual({
      ok: false,
      reason: "not-found",
    });
    const edit = updateShareLinkSchema.parse({ linkId: a.link.id, passwordMode: "remove" });
    expect(await updateShareLink(bId, edit)).toEqual({ ok: false, reason: "not-found" });
    expect(await revokeShareLink(bId, a.link.id)).toEqual({ ok: false, reason: "not-found" });
    // The link's id is not its token: it opens nothing publicly.
    expect(await consumeShareDownload(a.link.id, { ip: "203.0.113.50" })).toEqual({
      ok: false,
      reason: "not-found",
    });
  });

  it("browsing and organising", async () => {
    expect(await getLiveFolder(bId, a.folder.id)).toBeNull();
    expect(await getBreadcrumbs(bId, a.folder.id)).toBeNull();
    expect(await listChildFolders(bId, a.folder.id)).toBeNull();
    const listing = await listFolder(bId, { folderId: a.folder.id });
    expect(JSON.stringify(listing ?? {})).not.toContain(a.file.id);
    expect(JSON.stringify(await listFolder(bId, { q: "secret" }))).not.toContain(a.file.id);

    expect(await renameItem(bId, fileRef(), "mine.txt")).toMatchObject({ ok: false });
    expect(await renameItem(bId, folderRef(), "mine")).toMatchObject({ ok: false });
    expect(await moveItems(bId, [fileRef()], null)).toMatchObject({ ok: false });
    // Nor can B put its own things into A's folder.
    expect(await moveItems(bId, [{ kind: "file", id: bFileId }], a.folder.id)).toMatchObject({
      ok: false,
    });
    expect(await createFolder(bId, a.folder.id, "intruder")).toMatchObject({ ok: false });
  });

  it("trash", async () => {
    const trash = await trashItems(bId, [fileRef(), folderRef()]);
    expect(trash.ok).toBe(false);
    const restore = await restoreItems(bId, [{ kind: "file", id: a.trashed.id }]);
    expect(restore.ok).toBe(false);
    const purge = await deleteForever(bId, [{ kind: "file", id: a.trashed.id }]);
    expect(purge.ok).toBe(false);
  });

  it("uploads", async () => {
    const notFound = expect.objectContaining({ status: 404 });
    await expect(uploadStatus(bId, a.uploadId)).rejects.toBeInstanceOf(UploadError);
    await expect(uploadStatus(bId, a.uploadId)).rejects.toEqual(notFound);
    await expect(partUrls(bId, a.uploadId, { partNumbers: [1] })).rejects.toEqual(notFound);
    await expect(completeUpload(bId, a.uploadId)).rejects.toEqual(notFound);
    await expect(abortUpload(bId, a.uploadId)).rejects.toEqual(notFound);
    await expect(
      startUpload(bId, { name: "x.bin", size: 1, folderId: a.folder.id }),
    ).rejects.toBeInstanceOf(UploadError);
  });

  it("object keys", async () => {
    const key = a.file.storageKey;
    await expect(presignGet(bId, { key, filename: "x" })).rejects.toBeInstanceOf(ForeignKeyError);
    await expect(
      presignPut(bId, { key, contentType: "text/plain", contentLength: 1 }),
    ).rejects.toBeInstanceOf(ForeignKeyError);
  });

  // Runs last (tests in a file run in order).
  it("changed nothing of A's: rows and objects are as before", async () => {
    expect(await snapshotOfA()).toEqual(before);
  });
});
