import { afterAll, describe, expect, it } from "vitest";
import { POST as shareDownload } from "@/app/api/share/[token]/download/route";
import { db } from "@/lib/db/client";
import { deleteSeededUsers, seedFile, seedFolder, seedUser } from "./drive-test-seed";
import {
  consumeShareDownload,
  createShareLink,
  listShareLinks,
  sharedFolderContents,
  unlockShare,
  visitorView,
} from "./share-links";
import { createShareLinkSchema } from "./share-schemas";
import { trashItems } from "./trash";

// Folder share links against the real MariaDB and store, attacks included: whatever a visitor puts
// in the URL or the form, a folder link reaches only its folder's live files and subfolders.

afterAll(deleteSeededUsers);

const noCookies = () => undefined;
const IP = { ip: "203.0.113.7" };

async function newFolderLink(
  ownerId: string,
  folderId: string,
  extra: { password?: string; maxDownloads?: number } = {},
) {
  const result = await createShareLink(
    ownerId,
    createShareLinkSchema.parse({ folderId, ...extra }),
  );
  if (!result.ok) throw new Error(`createShareLink: ${result.reason}`);
  return result.link;
}

/** Owner with /Projects/{plan.txt, Sub/{deep.txt}} and /Private/secret.txt beside it. */
async function tree() {
  const owner = await seedUser("fshare");
  const projects = await seedFolder(owner.id, "Projects");
  const sub = await seedFolder(owner.id, "Sub", projects.id);
  const privateDir = await seedFolder(owner.id, "Private");
  const plan = await seedFile(owner.id, {
    name: "plan.txt",
    content: "the plan",
    folderId: projects.id,
  });
  const deep = await seedFile(owner.id, {
    name: "deep.txt",
    content: "deep down",
    folderId: sub.id,
  });
  const secret = await seedFile(owner.id, {
    name: "secret.txt",
    content: "secret",
    folderId: privateDir.id,
  });
  const rootFile = await seedFile(owner.id, { name: "root.txt", content: "root" });
  return { owner, projects, sub, privateDir, plan, deep, secret, rootFile };
}

async function download(token: string, fileId: string) {
  const headers = new Headers({ "x-forwarded-for": IP.ip });
  const request = new Request(`http://localhost/api/share/${token}/download`, {
    method: "POST",
    headers,
    body: new URLSearchParams({ fileId }),
  });
  return shareDownload(request, { params: Promise.resolve({ token }) });
}

describe("folder share links", () => {
  it("lists the folder's files and subfolders, walks into subfolders, and downloads a file", async () => {
    const t = await tree();
    const link = await newFolderLink(t.owner.id, t.projects.id);
    expect(await listShareLinks(t.owner.id, { kind: "folder", id: t.projects.id })).toHaveLength(1);
    expect(await visitorView(link.token, noCookies)).toMatchObject({
      status: "open",
      kind: "folder",
      folder: { name: "Projects" },
    });
    const top = await sharedFolderContents(link.token, null);
    expect(top?.folders.map((f) => f.name)).toEqual(["Sub"]);
    expect(top?.files.map((f) => f.name)).toEqual(["plan.txt"]);
    const inner = await sharedFolderContents(link.token, t.sub.id);
    expect(inner?.path.map((p) => p.name)).toEqual(["Projects", "Sub"]);
    expect(inner?.files.map((f) => f.name)).toEqual(["deep.txt"]);

    const res = await download(link.token, t.deep.id);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("deep down");
    expect(res.headers.get("content-disposition")).toContain("deep.txt");
  });

  it("never reaches outside its folder: sibling, parent, root and another user's items", async () => {
    const t = await tree();
    const mallory = await seedUser("fshare-m");
    const malloryDir = await seedFolder(mallory.id, "Mine");
    const malloryFile = await seedFile(mallory.id, {
      name: "m.txt",
      content: "m",
      folderId: malloryDir.id,
    });
    // A link on the subfolder: its parent, its parent's files and everything else are outside.
    const link = await newFolderLink(t.owner.id, t.sub.id);
    for (const at of [t.projects.id, t.privateDir.id, malloryDir.id, "nope"]) {
      expect(await sharedFolderContents(link.token, at)).toBeNull();
    }
    for (const fileId of [t.plan.id, t.secret.id, t.rootFile.id, malloryFile.id, "nope"]) {
      const res = await download(link.token, fileId);
      expect(res.status).toBe(404);
      expect(await consumeShareDownload(link.token, { ...IP, fileId })).toEqual({
        ok: false,
        reason: "not-found",
      });
    }
    // No file named: nothing to download (a folder link is not a file link).
    expect(await consumeShareDownload(link.token, IP)).toEqual({ ok: false, reason: "not-found" });
    // Refused downloads were not counted.
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).downloadCount).toBe(
      0,
    );
    // Someone else's folder cannot be shared.
    expect(
      await createShareLink(mallory.id, createShareLinkSchema.parse({ folderId: t.projects.id })),
    ).toEqual({ ok: false, reason: "not-found" });
    expect(await listShareLinks(mallory.id, { kind: "folder", id: t.projects.id })).toBeNull();
  });

  it("hides trashed items, answers not-found while the folder is trashed, and follows moves", async () => {
    const t = await tree();
    const link = await newFolderLink(t.owner.id, t.projects.id);
    await trashItems(t.owner.id, [{ kind: "file", id: t.plan.id }]);
    expect((await sharedFolderContents(link.token, null))?.files).toEqual([]);
    expect((await download(link.token, t.plan.id)).status).toBe(404);
    await trashItems(t.owner.id, [{ kind: "folder", id: t.sub.id }]);
    expect(await sharedFolderContents(link.token, t.sub.id)).toBeNull();
    expect((await download(link.token, t.deep.id)).status).toBe(404);

    // Moving a file out of the folder takes it out of the link.
    const moved = await seedFile(t.owner.id, {
      name: "m.txt",
      content: "m",
      folderId: t.projects.id,
    });
    expect((await download(link.token, moved.id)).status).toBe(200);
    await db.file.update({ where: { id: moved.id }, data: { folderId: t.privateDir.id } });
    expect((await download(link.token, moved.id)).status).toBe(404);

    await trashItems(t.owner.id, [{ kind: "folder", id: t.projects.id }]);
    expect(await visitorView(link.token, noCookies)).toEqual({ status: "not-found" });
    expect(await sharedFolderContents(link.token, null)).toBeNull();
  });

  it("counts each file downloaded against the link's limit, and keeps its password", async () => {
    const t = await tree();
    const link = await newFolderLink(t.owner.id, t.projects.id, {
      maxDownloads: 2,
      password: "open-sesame",
    });
    expect(await visitorView(link.token, noCookies)).toEqual({ status: "locked", kind: "folder" });
    expect(await consumeShareDownload(link.token, { ...IP, fileId: t.plan.id })).toEqual({
      ok: false,
      reason: "password-required",
    });
    const unlocked = await unlockShare(link.token, "open-sesame", IP.ip);
    if (!unlocked.ok || !unlocked.cookie) throw new Error("expected a cookie");
    const cookie = unlocked.cookie;
    const jar = (name: string) => (name === cookie.name ? cookie.value : undefined);
    expect(await visitorView(link.token, jar)).toMatchObject({ status: "open", downloadsLeft: 2 });
    for (const fileId of [t.plan.id, t.deep.id]) {
      expect((await consumeShareDownload(link.token, { ...IP, cookie: jar, fileId })).ok).toBe(
        true,
      );
    }
    expect(
      await consumeShareDownload(link.token, { ...IP, cookie: jar, fileId: t.plan.id }),
    ).toEqual({
      ok: false,
      reason: "limit-reached",
    });
  });
});
