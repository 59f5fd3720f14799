import { afterAll, describe, expect, it } from "vitest";
import { POST as shareDownload } from "@/app/api/share/[token]/download/route";
import { db } from "@/lib/db/client";
import { deleteSeededUsers, seedFile, seedUser } from "./drive-test-seed";
import { sharedFileResponse } from "./share-download";
import {
  consumeShareDownload,
  createShareLink,
  listShareLinks,
  revokeShareLink,
  SHARE_THROTTLE,
  unlockShare,
  updateShareLink,
  visitorView,
} from "./share-links";
import { createShareLinkSchema, updateShareLinkSchema } from "./share-schemas";

// Real MariaDB and the real local store; presigned URLs are fetched over real HTTP.

afterAll(deleteSeededUsers);

const noCookies = () => undefined;
const HOUR = 60 * 60 * 1000;

async function ownerWithFile(content = "hello, shared world") {
  const owner = await seedUser("share");
  const file = await seedFile(owner.id, {
    name: "report (final).txt",
    content,
    contentType: "text/plain",
  });
  return { owner, file };
}

async function newLink(
  ownerId: string,
  fileId: string,
  extra: { password?: string; maxDownloads?: number; expiresAt?: string } = {},
) {
  const input = createShareLinkSchema.parse({ fileId, ...extra });
  const result = await createShareLink(ownerId, input);
  if (!result.ok) throw new Error(`createShareLink: ${result.reason}`);
  return result.link;
}

async function fetchDownload(url: string) {
  const res = await fetch(url);
  return {
    status: res.status,
    text: await res.text(),
    disposition: res.headers.get("content-disposition"),
  };
}

function cookieJar(cookie: { name: string; value: string } | null) {
  return (name: string) => (cookie && cookie.name === name ? cookie.value : undefined);
}

function shareRequest(
  token: string,
  init: { password?: string; cookie?: string; ip?: string; navigate?: boolean } = {},
) {
  const headers = new Headers({ "x-forwarded-for": init.ip ?? "203.0.113.9" });
  if (init.cookie) headers.set("cookie", init.cookie);
  if (init.navigate) headers.set("sec-fetch-mode", "navigate");
  const body =
    init.password === undefined ? undefined : new URLSearchParams({ password: init.password });
  const request = new Request(`http://localhost/api/share/${token}/download`, {
    method: "POST",
    headers,
    body,
  });
  return shareDownload(request, { params: Promise.resolve({ token }) });
}

describe("creating and listing share links", () => {
  it("creates a link with a 32-byte base64url token and lists it for the owner only", async () => {
    const { owner, file } = await ownerWithFile();
    const link = await newLink(owner.id, file.id, { password: "secret-pw", maxDownloads: 5 });
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(link.token, "base64url")).toHaveLength(32);
    expect(link).toMatchObject({
      state: "active",
      hasPassword: true,
      maxDownloads: 5,
      downloadCount: 0,
    });

    const listed = await listShareLinks(owner.id, file.id);
    expect(listed?.map((l) => l.id)).toEqual([link.id]);
    expect(JSON.stringify(listed)).not.toContain("argon2");

    const row = await db.shareLink.findUniqueOrThrow({
      where: { id: link.id },
      omit: { passwordHash: false },
    });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);

    const stranger = await seedUser("share");
    expect(await listShareLinks(stranger.id, file.id)).toBeNull();
  });

  it("refuses files of others, trashed files and expiries in the past", async () => {
    const { owner, file } = await ownerWithFile();
    const stranger = await seedUser("share");
    const input = createShareLinkSchema.parse({ fileId: file.id });
    expect(await createShareLink(stranger.id, input)).toEqual({ ok: false, reason: "not-found" });

    const trashed = await seedFile(owner.id, { name: "old.txt", content: "x", trashed: true });
    expect(await createShareLink(owner.id, { ...input, fileId: trashed.id })).toEqual({
      ok: false,
      reason: "not-found",
    });

    const past = createShareLinkSchema.safeParse({
      fileId: file.id,
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    expect(past.success).toBe(false);
    expect(createShareLinkSchema.safeParse({ fileId: file.id, password: "short" }).success).toBe(
      false,
    );
    expect(createShareLinkSchema.safeParse({ fileId: file.id, maxDownloads: "0" }).success).toBe(
      false,
    );
    expect(
      createShareLinkSchema.safeParse({ fileId: file.id, maxDownloads: "10001" }).success,
    ).toBe(false);
    expect(
      createShareLinkSchema.safeParse({ fileId: file.id, expiresAt: "2030-01-01T10:00" }).success,
    ).toBe(false);
    expect(await db.shareLink.count({ where: { fileId: { in: [file.id, trashed.id] } } })).toBe(0);
  });
});

describe("visiting and downloading", () => {
  it("shows name and size of an open link, and downloads the bytes as an attachment", async () => {
    const { owner, file } = await ownerWithFile("the bytes");
    const link = await newLink(owner.id, file.id);
    const view = await visitorView(link.token, noCookies);
    expect(view).toEqual({
      status: "open",
      kind: "file",
      file: { name: "report (final).txt", size: 9, contentType: "text/plain" },
      downloadsLeft: null,
      expiresAt: null,
    });
    // Nothing of the owner or their drive reaches the page.
    expect(JSON.stringify(view)).not.toMatch(new RegExp(`${owner.id}|${owner.email}|users/`));

    const result = await consumeShareDownload(link.token, { ip: "203.0.113.1" });
    if (!result.ok) throw new Error(result.reason);
    const res = await sharedFileResponse(result.file);
    const got = {
      status: res.status,
      text: await res.text(),
      disposition: res.headers.get("content-disposition"),
    };
    expect(got.status).toBe(200);
    expect(got.text).toBe("the bytes");
    expect(got.disposition).toMatch(/^attachment; filename="report \(final\)\.txt"/);
  });

  it("all unknown tokens look the same", async () => {
    const fake = "A".repeat(43);
    expect(await visitorView(fake, noCookies)).toEqual({ status: "not-found" });
    expect(await consumeShareDownload(fake, { ip: "203.0.113.1" })).toEqual({
      ok: false,
      reason: "not-found",
    });
  });

  it("asks for the password, refuses a wrong one and opens with the right one", async () => {
    const { owner, file } = await ownerWithFile();
    const link = await newLink(owner.id, file.id, { password: "open sesame" });
    expect(await visitorView(link.token, noCookies)).toEqual({ status: "locked", kind: "file" });
    expect(await consumeShareDownload(link.token, { ip: "203.0.113.2" })).toEqual({
      ok: false,
      reason: "password-required",
    });
    expect(await unlockShare(link.token, "open sesam", "203.0.113.2")).toEqual({
      ok: false,
      reason: "wrong-password",
    });

    const unlocked = await unlockShare(link.token, "open sesame", "203.0.113.2");
    if (!unlocked.ok || !unlocked.cookie) throw new Error("expected a cookie");
    const jar = cookieJar(unlocked.cookie);
    expect((await visitorView(link.token, jar)).status).toBe("open");
    // A forged or tampered cookie opens nothing.
    const forged = cookieJar({
      ...unlocked.cookie,
      // Another last character (one that already was "A" would forge nothing).
      value: unlocked.cookie.value.replace(/.$/, (c) => (c === "A" ? "B" : "A")),
    });
    expect((await visitorView(link.token, forged)).status).toBe("locked");
    expect((await consumeShareDownload(link.token, { cookie: jar, ip: "203.0.113.2" })).ok).toBe(
      true,
    );
    // A password sent with the request works without the cookie (for scripts).
    expect(
      (await consumeShareDownload(link.token, { password: "open sesame", ip: "203.0.113.3" })).ok,
    ).toBe(true);
    expect(
      await consumeShareDownload(link.token, { password: "nope!!", ip: "203.0.113.3" }),
    ).toEqual({
      ok: false,
      reason: "wrong-password",
    });

    // Changing the password invalidates cookies given out under the old one.
    await updateShareLink(
      owner.id,
      updateShareLinkSchema.parse({ linkId: link.id, passwordMode: "set", password: "new secret" }),
    );
    expect((await visitorView(link.token, jar)).status).toBe("locked");
  });

  it("throttles wrong passwords per link and address, even when the next guess is right", async () => {
    const { owner, file } = await ownerWithFile();
    const link = await newLink(owner.id, file.id, { password: "right-one" });
    const attacker = "198.51.100.77";
    for (let i = 0; i < SHARE_THROTTLE.maxFailures; i++) {
      expect(await unlockShare(link.token, `wrong-${i}`, attacker)).toMatchObject({
        reason: "wrong-password",
      });
    }
    const blocked = await unlockShare(link.token, "right-one", attacker);
    expect(blocked).toMatchObject({ ok: false, reason: "throttled" });
    if (blocked.ok || blocked.reason !== "throttled") throw new Error("expected throttling");
    expect(blocked.retryAt.getTime()).toBeGreaterThan(
      Date.now() + SHARE_THROTTLE.windowMs - 60_000,
    );
    expect(
      await consumeShareDownload(link.token, { password: "right-one", ip: attacker }),
    ).toMatchObject({
      reason: "throttled",
    });
    // Someone else, elsewhere, is not locked out by the attacker.
    expect((await unlockShare(link.token, "right-one", "198.51.100.78")).ok).toBe(true);
    // The window passes.
    const later = new Date(Date.now() + SHARE_THROTTLE.windowMs + 1000);
    expect((await unlockShare(link.token, "right-one", attacker, later)).ok).toBe(true);
  });

  it("stops at exactly N downloads, however many arrive at once", async () => {
    const { owner, file } = await ownerWithFile();
    const link = await newLink(owner.id, file.id, { maxDownloads: 3 });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        consumeShareDownload(link.token, { ip: `203.0.113.${i}` }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(
      Array(9).fill("limit-reached"),
    );
    const row = await db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(row.downloadCount).toBe(3);
    expect(await visitorView(link.token, noCookies)).toEqual({ status: "limit-reached" });
    expect((await listShareLinks(owner.id, file.id))?.[0]?.state).toBe("limit-reached");
  });

  it("expires", async () => {
    const { owner, file } = await ownerWithFile();
    const expiresAt = new Date(Date.now() + HOUR).toISOString();
    const link = await newLink(owner.id, file.id, { expiresAt });
    expect((await visitorView(link.token, noCookies)).status).toBe("open");
    const later = new Date(Date.now() + 2 * HOUR);
    expect(await visitorView(link.token, noCookies, later)).toEqual({ status: "expired" });
    expect(await consumeShareDownload(link.token, { ip: "203.0.113.1" }, later)).toEqual({
      ok: false,
      reason: "expired",
    });
    // The stored expiry counts, and a refused download is not counted.
    await db.shareLink.update({
      where: { id: link.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await consumeShareDownload(link.token, { ip: "203.0.113.1" })).toEqual({
      ok: false,
      reason: "expired",
    });
    expect(await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).toMatchObject({
      downloadCount: 0,
    });
  });
});

describe("editing and revoking", () => {
  it("edits expiry, limit and password after creation, including removing them", async () => {
    const { owner, file } = await ownerWithFile();
    const link = await newLink(owner.id, file.id, {
      password: "first-pw",
      maxDownloads: 1,
      expiresAt: new Date(Date.now() + HOUR).toISOString(),
    });
    await consumeShareDownload(link.token, { password: "first-pw", ip: "203.0.113.5" });
    expect((await listShareLinks(owner.id, file.id))?.[0]?.state).toBe("limit-reached");

    const raised = await updateShareLink(
      owner.id,
      updateShareLinkSchema.parse({
        linkId: link.id,
        maxDownloads: "2",
        expiresAt: "",
        passwordMode: "remove",
      }),
    );
    expect(raised).toMatchObject({
      ok: true,
      link: {
        state: "active",
        maxDownloads: 2,
        expiresAt: null,
        hasPassword: false,
        downloadCount: 1,
      },
    });
    expect((await visitorView(link.token, noCookies)).status).toBe("open");

    const kept = await updateShareLink(
      owner.id,
      updateShareLinkSchema.parse({ linkId: link.id, passwordMode: "set", password: "second-pw" }),
    );
    expect(kept).toMatchObject({ ok: true, link: { hasPassword: true, maxDownloads: null } });
    const unchanged = await updateShareLink(
      owner.id,
      updateShareLinkSchema.parse({ linkId: link.id, passwordMode: "keep" }),
    );
    expect(unchanged).toMatchObject({ ok: true, link: { hasPassword: true } });
    expect((await unlockShare(link.token, "second-pw", "203.0.113.6")).ok).toBe(true);

    expect(
      updateShareLinkSchema.safeParse({ linkId: link.id, passwordMode: "set", password: "123" })
        .success,
    ).toBe(false);
    const past = updateShareLinkSchema.parse({
      linkId: link.id,
      expiresAt: new Date(Date.now() - HOUR).toISOString(),
    });
    expect(await updateShareLink(owner.id, past)).toEqual({ ok: false, reason: "past-expiry" });

    // Someone else's edit changes nothing.
    const stranger = await seedUser("share");
    const before = await db.shareLink.findUniqueOrThrow({
      where: { id: link.id },
      omit: { passwordHash: false },
    });
    expect(
      await updateShareLink(
        stranger.id,
        updateShareLinkSchema.parse({ linkId: link.id, passwordMode: "remove" }),
      ),
    ).toEqual({
      ok: false,
      reason: "not-found",
    });
    expect(
      await db.shareLink.findUniqueOrThrow({
        where: { id: link.id },
        omit: { passwordHash: false },
      }),
    ).toEqual(before);
  });

  it("accepts re-saving an expiry that has already passed", async () => {
    const { owner, file } = await ownerWithFile();
    const link = await newLink(owner.id, file.id);
    const past = new Date(Date.now() - HOUR);
    await db.shareLink.update({ where: { id: link.id }, data: { expiresAt: past } });
    const result = await updateShareLink(
      owner.id,
      updateShareLinkSchema.parse({
        linkId: link.id,
        expiresAt: past.toISOString(),
        maxDownloads: "4",
      }),
    );
    expect(result).toMatchObject({ ok: true, link: { state: "expired", maxDownloads: 4 } });
  });

  it("revokes for good", async () => {
    const { owner, file } = await ownerWithFile();
    const link = await newLink(owner.id, file.id);
    const stranger = await seedUser("share");
    expect(await revokeShareLink(stranger.id, link.id)).toEqual({ ok: false, reason: "not-found" });
    expect((await visitorView(link.token, noCookies)).status).toBe("open");

    expect(await revokeShareLink(owner.id, link.id)).toEqual({ ok: true });
    expect(await revokeShareLink(owner.id, link.id)).toEqual({ ok: true });
    expect(await visitorView(link.token, noCookies)).toEqual({ status: "revoked" });
    expect(await consumeShareDownload(link.token, { ip: "203.0.113.1" })).toEqual({
      ok: false,
      reason: "revoked",
    });
    expect(
      await updateShareLink(owner.id, updateShareLinkSchema.parse({ linkId: link.id })),
    ).toEqual({
      ok: false,
      reason: "revoked",
    });
    expect((await listShareLinks(owner.id, file.id))?.[0]).toMatchObject({ state: "revoked" });
  });

  it("stops working while the file is in the trash, and goes with the file", async () => {
    const { owner, file } = await ownerWithFile();
    const link = await newLink(owner.id, file.id);
    await db.file.update({ where: { id: file.id }, data: { trashedAt: new Date() } });
    expect(await visitorView(link.token, noCookies)).toEqual({ status: "not-found" });
    expect(await consumeShareDownload(link.token, { ip: "203.0.113.1" })).toEqual({
      ok: false,
      reason: "not-found",
    });
    await db.file.update({ where: { id: file.id }, data: { trashedAt: null } });
    expect((await visitorView(link.token, noCookies)).status).toBe("open");
    await db.file.delete({ where: { id: file.id } });
    expect(await db.shareLink.count({ where: { id: link.id } })).toBe(0);
  });
});

describe("POST /api/share/[token]/download", () => {
  it("redirects to the bytes, and answers refusals with their status", async () => {
    const { owner, file } = await ownerWithFile("via the route");
    const link = await newLink(owner.id, file.id, { password: "route-pw", maxDownloads: 1 });

    expect((await shareRequest(link.token)).status).toBe(401);
    expect((await shareRequest(link.token, { password: "wrong-pw" })).status).toBe(403);
    const ok = await shareRequest(link.token, { password: "route-pw" });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toContain("no-store");
    expect(ok.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(await ok.text()).toBe("via the route");

    const again = await shareRequest(link.token, { password: "route-pw" });
    expect(again.status).toBe(410);
    expect(await again.json()).toEqual({ message: expect.stringMatching(/download limit/) });
    // A browser form is sent back to the page, which explains.
    const fromPage = await shareRequest(link.token, { navigate: true });
    expect(fromPage.status).toBe(303);
    expect(fromPage.headers.get("location")).toBe(`/s/${link.token}`);

    expect((await shareRequest("B".repeat(43))).status).toBe(404);
    expect((await shareRequest("../../etc")).status).toBe(404);
  });

  it("accepts the unlock cookie from the page", async () => {
    const { owner, file } = await ownerWithFile();
    const link = await newLink(owner.id, file.id, { password: "cookie-pw" });
    const unlocked = await unlockShare(link.token, "cookie-pw", "203.0.113.40");
    if (!unlocked.ok || !unlocked.cookie) throw new Error("expected a cookie");
    const cookie = `other=1; ${unlocked.cookie.name}=${unlocked.cookie.value}`;
    expect((await shareRequest(link.token, { cookie })).status).toBe(200);
  });
});

// Issue 14, item 11: whatever a download hands out must stop working when the link does.
describe("reusing a share download", () => {
  // The bytes of a download, and whatever URL it handed out (before the fix: a presigned GET).
  async function download(token: string, password?: string) {
    const res = await shareRequest(token, { password });
    const handedOut = res.headers.get("location");
    const text = handedOut ? (await fetchDownload(handedOut)).text : await res.text();
    return { status: handedOut ? 200 : res.status, text, handedOut };
  }

  it("is refused at once after the link is revoked", async () => {
    const { owner, file } = await ownerWithFile("revocable bytes");
    const link = await newLink(owner.id, file.id);
    const first = await download(link.token);
    expect(first).toMatchObject({ status: 200, text: "revocable bytes" });
    expect(await revokeShareLink(owner.id, link.id)).toEqual({ ok: true });
    if (first.handedOut) expect((await fetchDownload(first.handedOut)).status).not.toBe(200);
    expect((await shareRequest(link.token)).status).toBe(410);
    expect(first.handedOut).toBeNull();
  });

  it("counts every use of a link limited to one download", async () => {
    const { owner, file } = await ownerWithFile("once only");
    const link = await newLink(owner.id, file.id, { password: "limit-pw", maxDownloads: 1 });
    const first = await download(link.token, "limit-pw");
    expect(first).toMatchObject({ status: 200, text: "once only" });
    if (first.handedOut) expect((await fetchDownload(first.handedOut)).status).not.toBe(200);
    expect((await shareRequest(link.token, { password: "limit-pw" })).status).toBe(410);
    expect(first.handedOut).toBeNull();
  });
});

describe("attack: rotating client addresses for more share-password guesses (issue 14 item 2)", () => {
  it("locks the link after SHARE_LOCK.maxFailures wrong passwords in an hour, whatever the address", async () => {
    const { owner, file } = await ownerWithFile();
    const link = await newLink(owner.id, file.id, { password: "right-password-1" });
    for (let i = 0; i < 20; i++) {
      const r = await unlockShare(link.token, `guess-${i}`, `198.51.100.${i + 1}`);
      expect(r.ok).toBe(false);
    }
    // A fresh address with the right password is refused while the link is locked.
    const r = await unlockShare(link.token, "right-password-1", "198.51.100.200");
    expect(r).toMatchObject({ ok: false, reason: "throttled" });
    // And the owner sees the lock in the share dialog.
    const [view] = (await listShareLinks(owner.id, file.id)) ?? [];
    expect(view).toMatchObject({ lockedUntil: expect.any(String) });

    // A new password lifts the lock.
    const update = updateShareLinkSchema.parse({
      linkId: link.id,
      passwordMode: "set",
      password: "new-password-2",
    });
    expect(await updateShareLink(owner.id, update)).toMatchObject({ ok: true });
    expect(await unlockShare(link.token, "new-password-2", "198.51.100.201")).toMatchObject({
      ok: true,
    });
  });
});
