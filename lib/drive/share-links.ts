import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import { serverEnv } from "@/lib/env";
import type { CreateShareLinkInput, UpdateShareLinkInput } from "./share-schemas";
import { isFuture } from "./share-schemas";
import { folderChain } from "./tree";
import { shareLinkState, type ShareLinkState, type ShareLinkView } from "./share-types";

export const SHARE_THROTTLE = { windowMs: 15 * 60 * 1000, maxFailures: 10 } as const;
// Per link, whatever the client address (which a client behind a misconfigured proxy, or with
// many addresses, can vary): after this many wrong passwords within the hour the link refuses
// every password for an hour, and its owner sees "Locked until …" in the share dialog. Changing
// the password lifts the lock. At 20 guesses an hour even a 6-character password holds for years.
export const SHARE_LOCK = {
  windowMs: 60 * 60 * 1000,
  maxFailures: 20,
  lockMs: 60 * 60 * 1000,
} as const;
// Long enough to read the page and click Download, short enough that a cookie left on a shared
// computer soon stops opening the file.
export const UNLOCK_TTL_SECONDS = 30 * 60;

export function newShareToken(): string {
  return randomBytes(32).toString("base64url");
}

// ------------------------------------------------------------------------------------------------
// The owner's side. Every query names the owner, so another user's ids match nothing.

const viewSelect = {
  id: true,
  token: true,
  expiresAt: true,
  maxDownloads: true,
  downloadCount: true,
  revokedAt: true,
  lockedUntil: true,
  createdAt: true,
} as const;

type ViewRow = {
  id: string;
  token: string;
  expiresAt: Date | null;
  maxDownloads: number | null;
  downloadCount: number;
  revokedAt: Date | null;
  lockedUntil: Date | null;
  createdAt: Date;
};

function toView(row: ViewRow, hasPassword: boolean, now: Date): ShareLinkView {
  return {
    id: row.id,
    token: row.token,
    state: shareLinkState(row, now),
    hasPassword,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    maxDownloads: row.maxDownloads,
    downloadCount: row.downloadCount,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lockedUntil: row.lockedUntil && row.lockedUntil > now ? row.lockedUntil.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** What a link opens: one file, or a folder read-only (its files and subfolders, recursively). */
export type ShareTarget = { kind: "file"; id: string } | { kind: "folder"; id: string };

function targetOf(target: string | ShareTarget): ShareTarget {
  return typeof target === "string" ? { kind: "file", id: target } : target;
}

async function ownsTarget(ownerId: string, target: ShareTarget, liveOnly: boolean) {
  const where = { id: target.id, ownerId, ...(liveOnly ? { trashedAt: null } : {}) };
  const row =
    target.kind === "file"
      ? await db.file.findFirst({ where, select: { id: true } })
      : await db.folder.findFirst({ where, select: { id: true } });
  return row !== null;
}

/** The links of a file or folder the owner has (trashed or not), newest first; null if not theirs. */
export async function listShareLinks(
  ownerId: string,
  target: string | ShareTarget,
  now = new Date(),
): Promise<ShareLinkView[] | null> {
  const t = targetOf(target);
  if (!(await ownsTarget(ownerId, t, false))) return null;
  const where = t.kind === "file" ? { ownerId, fileId: t.id } : { ownerId, folderId: t.id };
  // Asking which rows have a password keeps the hashes themselves out of this read.
  const [rows, protectedRows] = await Promise.all([
    db.shareLink.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: viewSelect,
    }),
    db.shareLink.findMany({
      where: { ...where, passwordHash: { not: null } },
      select: { id: true },
    }),
  ]);
  const withPassword = new Set(protectedRows.map((r) => r.id));
  return rows.map((r) => toView(r, withPassword.has(r.id), now));
}

export type ShareFailure = { ok: false; reason: "not-found" | "revoked" | "past-expiry" };

/** A new link for a live file or folder the owner has. */
export async function createShareLink(
  ownerId: string,
  input: CreateShareLinkInput,
  now = new Date(),
): Promise<{ ok: true; link: ShareLinkView } | ShareFailure> {
  const target: ShareTarget =
    input.folderId !== null
      ? { kind: "folder", id: input.folderId }
      : { kind: "file", id: input.fileId ?? "" };
  if (!(await ownsTarget(ownerId, target, true))) return { ok: false, reason: "not-found" };
  if (!isFuture(input.expiresAt, now)) return { ok: false, reason: "past-expiry" };
  const passwordHash = input.password === null ? null : await hashPassword(input.password);
  const row = await db.shareLink.create({
    data: {
      token: newShareToken(),
      fileId: target.kind === "file" ? target.id : null,
      folderId: target.kind === "folder" ? target.id : null,
      ownerId,
      passwordHash,
      expiresAt: input.expiresAt,
      maxDownloads: input.maxDownloads,
    },
    select: viewSelect,
  });
  return { ok: true, link: toView(row, passwordHash !== null, now) };
}

/** Changes expiry, download limit and password; a revoked link stays revoked. */
export async function updateShareLink(
  ownerId: string,
  input: UpdateShareLinkInput,
  now = new Date(),
): Promise<{ ok: true; link: ShareLinkView } | ShareFailure> {
  const current = await db.shareLink.findFirst({
    where: { id: input.linkId, ownerId },
    select: { expiresAt: true, revokedAt: true },
  });
  if (!current) return { ok: false, reason: "not-found" };
  if (current.revokedAt) return { ok: false, reason: "revoked" };
  // Re-saving a link whose expiry has passed is fine; moving the expiry into the past is not.
  const unchanged = (current.expiresAt?.getTime() ?? null) === (input.expiresAt?.getTime() ?? null);
  if (!unchanged && !isFuture(input.expiresAt, now)) return { ok: false, reason: "past-expiry" };

  const password = input.password;
  const passwordHash =
    password === "keep"
      ? undefined
      : password === "remove"
        ? null
        : await hashPassword(password.set);
  const { count } = await db.shareLink.updateMany({
    where: { id: input.linkId, ownerId, revokedAt: null },
    data: {
      expiresAt: input.expiresAt,
      maxDownloads: input.maxDownloads,
      passwordHash,
      // A new password (or none) makes the guesses so far worthless: the lock lifts.
      ...(passwordHash === undefined ? {} : { lockedUntil: null }),
    },
  });
  if (count > 0 && passwordHash !== undefined) {
    await db.shareAttempt.deleteMany({ where: { shareLinkId: input.linkId } });
  }
  if (count === 0) return { ok: false, reason: "revoked" };
  const row = await db.shareLink.findFirstOrThrow({
    where: { id: input.linkId, ownerId },
    select: viewSelect,
  });
  const hasPassword =
    passwordHash === undefined
      ? (await db.shareLink.count({
          where: { id: input.linkId, passwordHash: { not: null } },
        })) > 0
      : passwordHash !== null;
  return { ok: true, link: toView(row, hasPassword, now) };
}

/** Turns a link off for good. Revoking twice is fine. */
export async function revokeShareLink(
  ownerId: string,
  linkId: string,
  now = new Date(),
): Promise<{ ok: true } | ShareFailure> {
  const { count } = await db.shareLink.updateMany({
    where: { id: linkId, ownerId, revokedAt: null },
    data: { revokedAt: now },
  });
  if (count > 0) return { ok: true };
  const exists = await db.shareLink.count({ where: { id: linkId, ownerId } });
  return exists > 0 ? { ok: true } : { ok: false, reason: "not-found" };
}

// ------------------------------------------------------------------------------------------------
// The visitor's side: the token is the only credential. Nothing here returns the owner, the
// folder or the storage key.

type VisitorLink = {
  id: string;
  ownerId: string;
  passwordHash: string | null;
  expiresAt: Date | null;
  maxDownloads: number | null;
  downloadCount: number;
  revokedAt: Date | null;
  lockedUntil: Date | null;
  file: { name: string; size: bigint; contentType: string; storageKey: string } | null;
  folder: { id: string; name: string } | null;
};

// A trashed file's or folder's links answer exactly like unknown tokens until it is restored
// (trashing a folder trashes everything inside it, so a live folder's live contents are reachable).
async function findVisitorLink(token: string): Promise<VisitorLink | null> {
  const link = await db.shareLink.findUnique({
    where: { token },
    omit: { passwordHash: false },
    include: {
      file: {
        select: { name: true, size: true, contentType: true, storageKey: true, trashedAt: true },
      },
      folder: { select: { id: true, name: true, ownerId: true, trashedAt: true } },
    },
  });
  if (!link) return null;
  if (link.file) {
    if (link.file.trashedAt !== null) return null;
    return { ...link, folder: null };
  }
  // The folder's owner is checked too: a link can only ever open its creator's folder.
  if (!link.folder || link.folder.trashedAt !== null || link.folder.ownerId !== link.ownerId) {
    return null;
  }
  return { ...link, file: null, folder: { id: link.folder.id, name: link.folder.name } };
}

export type SharedEntryFile = {
  id: string;
  name: string;
  size: number;
  contentType: string;
  updatedAt: string;
};
export type SharedEntryFolder = { id: string; name: string };

export type VisitorView =
  | { status: "not-found" }
  | { status: Exclude<ShareLinkState, "active"> }
  | { status: "locked"; kind: "file" | "folder" }
  | {
      status: "open";
      kind: "file";
      file: { name: string; size: number; contentType: string };
      downloadsLeft: number | null;
      expiresAt: string | null;
    }
  | {
      status: "open";
      kind: "folder";
      folder: { name: string };
      downloadsLeft: number | null;
      expiresAt: string | null;
    };

function unlockCookieValue(link: { id: string; passwordHash: string }, expiresMs: number): string {
  // The hash is part of the signed message, so changing or removing the password invalidates
  // every cookie given out under the old one.
  const mac = createHmac("sha256", serverEnv().NEXTAUTH_SECRET)
    .update(`share-unlock\n${link.id}\n${expiresMs}\n${link.passwordHash}`)
    .digest("base64url");
  return `${expiresMs}.${mac}`;
}

function validUnlockCookie(
  link: { id: string; passwordHash: string },
  cookie: string | undefined,
  now: Date,
): boolean {
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(cookie ?? "");
  if (!match) return false;
  const expiresMs = Number(match[1]);
  if (expiresMs <= now.getTime()) return false;
  const expected = Buffer.from(unlockCookieValue(link, expiresMs));
  const given = Buffer.from(cookie ?? "");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The cookie that remembers a correct password for one link. */
export function unlockCookieName(linkId: string): string {
  return `stratus_share_${linkId}`;
}

/** What the public page shows: `unlockCookie` is the visitor's cookie for this link, if any. */
export async function visitorView(
  token: string,
  readCookie: (name: string) => string | undefined,
  now = new Date(),
): Promise<VisitorView> {
  const link = await findVisitorLink(token);
  if (!link) return { status: "not-found" };
  const state = shareLinkState(link, now);
  if (state !== "active") return { status: state };
  const kind = link.file ? "file" : "folder";
  if (link.passwordHash !== null) {
    const cookie = readCookie(unlockCookieName(link.id));
    if (!validUnlockCookie({ id: link.id, passwordHash: link.passwordHash }, cookie, now)) {
      return { status: "locked", kind };
    }
  }
  const limits = {
    downloadsLeft: link.maxDownloads === null ? null : link.maxDownloads - link.downloadCount,
    expiresAt: link.expiresAt?.toISOString() ?? null,
  };
  if (link.folder)
    return { status: "open", kind: "folder", folder: { name: link.folder.name }, ...limits };
  const file = link.file!;
  return {
    status: "open",
    kind: "file",
    file: { name: file.name, size: Number(file.size), contentType: file.contentType },
    ...limits,
  };
}

// At most this many subfolders and files are listed per folder on the public page.
export const SHARED_FOLDER_PAGE = 500;

export type SharedFolderContents = {
  /** From the shared folder (first) down to the folder shown. */
  path: SharedEntryFolder[];
  folders: SharedEntryFolder[];
  files: SharedEntryFile[];
  truncated: boolean;
};

/**
 * The chain from the shared folder down to `at` if `at` is the shared folder or a live folder
 * inside it, else null. Every step is scoped to the link's owner, so a foreign or outside folder
 * id — whatever a visitor puts in the URL — matches nothing.
 */
async function chainWithin(
  ownerId: string,
  rootId: string,
  at: string,
): Promise<SharedEntryFolder[] | null> {
  const chain = await folderChain(ownerId, at);
  const start = chain.findIndex((c) => c.id === rootId);
  if (start < 0) return null;
  const inside = chain.slice(start);
  if (inside.some((c) => c.trashed)) return null;
  return inside.map(({ id, name }) => ({ id, name }));
}

/**
 * What a folder link shows at `at` (a folder id inside the shared folder, or null for the shared
 * folder itself). Call it only after visitorView said "open" for the same token: it checks the
 * link is a live folder link, not the password.
 */
export async function sharedFolderContents(
  token: string,
  at: string | null,
): Promise<SharedFolderContents | null> {
  const link = await findVisitorLink(token);
  if (!link?.folder) return null;
  const path = await chainWithin(link.ownerId, link.folder.id, at ?? link.folder.id);
  const current = path?.at(-1);
  if (!path || !current) return null;
  const where = { ownerId: link.ownerId, trashedAt: null };
  const [folders, files] = await Promise.all([
    db.folder.findMany({
      where: { ...where, parentId: current.id },
      orderBy: [{ name: "asc" }, { id: "asc" }],
      take: SHARED_FOLDER_PAGE + 1,
      select: { id: true, name: true },
    }),
    db.file.findMany({
      where: { ...where, folderId: current.id },
      orderBy: [{ name: "asc" }, { id: "asc" }],
      take: SHARED_FOLDER_PAGE + 1,
      select: { id: true, name: true, size: true, contentType: true, updatedAt: true },
    }),
  ]);
  return {
    path,
    folders: folders.slice(0, SHARED_FOLDER_PAGE),
    files: files.slice(0, SHARED_FOLDER_PAGE).map((f) => ({
      id: f.id,
      name: f.name,
      size: Number(f.size),
      contentType: f.contentType,
      updatedAt: f.updatedAt.toISOString(),
    })),
    truncated: folders.length > SHARED_FOLDER_PAGE || files.length > SHARED_FOLDER_PAGE,
  };
}

/** A live file inside a folder link's folder (at any depth), or null. */
async function fileWithin(link: VisitorLink, fileId: string | undefined) {
  if (!link.folder || !fileId) return null;
  const file = await db.file.findFirst({
    where: { id: fileId, ownerId: link.ownerId, trashedAt: null },
    select: {
      id: true,
      folderId: true,
      name: true,
      size: true,
      contentType: true,
      storageKey: true,
    },
  });
  if (!file?.folderId) return null;
  return (await chainWithin(link.ownerId, link.folder.id, file.folderId)) ? file : null;
}

type PasswordCheck =
  | { ok: true }
  | { ok: false; reason: "wrong-password" }
  | { ok: false; reason: "throttled"; retryAt: Date };

// Failures for one link from one address; the block lasts until the oldest of the last
// `maxFailures` leaves the window (as sign-in throttling does).
async function throttledUntil(linkId: string, ip: string, now: Date): Promise<Date | null> {
  const since = new Date(now.getTime() - SHARE_THROTTLE.windowMs);
  const recent = await db.shareAttempt.findMany({
    where: { shareLinkId: linkId, ip, createdAt: { gt: since } },
    orderBy: { createdAt: "desc" },
    take: SHARE_THROTTLE.maxFailures,
    select: { createdAt: true },
  });
  const oldest = recent[SHARE_THROTTLE.maxFailures - 1];
  return oldest ? new Date(oldest.createdAt.getTime() + SHARE_THROTTLE.windowMs) : null;
}

async function checkPassword(
  link: { id: string; passwordHash: string; lockedUntil: Date | null },
  password: string,
  ip: string,
  now: Date,
): Promise<PasswordCheck> {
  // Checked before argon2 runs, so a blocked client costs us no hashing either.
  if (link.lockedUntil && link.lockedUntil > now) {
    return { ok: false, reason: "throttled", retryAt: link.lockedUntil };
  }
  const retryAt = await throttledUntil(link.id, ip, now);
  if (retryAt) return { ok: false, reason: "throttled", retryAt };
  if (await verifyPassword(link.passwordHash, password)) {
    await db.shareAttempt.deleteMany({ where: { shareLinkId: link.id, ip } });
    return { ok: true };
  }
  await db.shareAttempt.create({ data: { shareLinkId: link.id, ip, createdAt: now } });
  const lockSince = new Date(now.getTime() - SHARE_LOCK.windowMs);
  const failures = await db.shareAttempt.count({
    where: { shareLinkId: link.id, createdAt: { gt: lockSince } },
  });
  if (failures >= SHARE_LOCK.maxFailures) {
    await db.shareLink.update({
      where: { id: link.id },
      data: { lockedUntil: new Date(now.getTime() + SHARE_LOCK.lockMs) },
    });
  }
  // Old failures serve no purpose; trimmed here so the table stays small.
  await db.shareAttempt.deleteMany({
    where: { shareLinkId: link.id, createdAt: { lt: lockSince } },
  });
  return { ok: false, reason: "wrong-password" };
}

export type UnlockResult =
  | { ok: true; cookie: { name: string; value: string; maxAge: number } | null }
  | { ok: false; reason: "not-found" | Exclude<ShareLinkState, "active"> | "wrong-password" }
  | { ok: false; reason: "throttled"; retryAt: Date };

/** Checks a visitor's password; on success gives the cookie that opens the page for a while. */
export async function unlockShare(
  token: string,
  password: string,
  ip: string,
  now = new Date(),
): Promise<UnlockResult> {
  const link = await findVisitorLink(token);
  if (!link) return { ok: false, reason: "not-found" };
  const state = shareLinkState(link, now);
  if (state !== "active") return { ok: false, reason: state };
  if (link.passwordHash === null) return { ok: true, cookie: null };
  const protectedLink = { id: link.id, passwordHash: link.passwordHash };
  const check = await checkPassword(
    { ...protectedLink, lockedUntil: link.lockedUntil },
    password,
    ip,
    now,
  );
  if (!check.ok) return check;
  const expiresMs = now.getTime() + UNLOCK_TTL_SECONDS * 1000;
  return {
    ok: true,
    cookie: {
      name: unlockCookieName(link.id),
      value: unlockCookieValue(protectedLink, expiresMs),
      maxAge: UNLOCK_TTL_SECONDS,
    },
  };
}

export type ShareDownloadResult =
  | { ok: true; file: SharedFile }
  | {
      ok: false;
      reason:
        "not-found" | Exclude<ShareLinkState, "active"> | "password-required" | "wrong-password";
    }
  | { ok: false; reason: "throttled"; retryAt: Date };

export type SharedFile = { name: string; size: bigint; contentType: string; storageKey: string };

/**
 * Counts one download and returns the file to stream (sharedFileResponse, share-download.ts).
 * Never a presigned URL: one can be reused by anyone it reaches until it expires, past the link's
 * download limit and after its revocation. The count and every
 * condition are checked in one UPDATE, so N concurrent requests on a link limited to N downloads
 * all succeed and the N+1st fails, however they interleave.
 */
export async function consumeShareDownload(
  token: string,
  access: {
    cookie?: (name: string) => string | undefined;
    password?: string;
    ip: string;
    /** For a folder link: which file inside the folder. Each file downloaded counts once. */
    fileId?: string;
  },
  now = new Date(),
): Promise<ShareDownloadResult> {
  const link = await findVisitorLink(token);
  if (!link) return { ok: false, reason: "not-found" };
  const inFolder = link.folder ? await fileWithin(link, access.fileId) : null;
  if (link.folder && !inFolder) return { ok: false, reason: "not-found" };
  const state = shareLinkState(link, now);
  if (state !== "active") return { ok: false, reason: state };

  if (link.passwordHash !== null) {
    const protectedLink = { id: link.id, passwordHash: link.passwordHash };
    const cookie = access.cookie?.(unlockCookieName(link.id));
    if (!validUnlockCookie(protectedLink, cookie, now)) {
      if (access.password === undefined) return { ok: false, reason: "password-required" };
      const check = await checkPassword(
        { ...protectedLink, lockedUntil: link.lockedUntil },
        access.password,
        access.ip,
        now,
      );
      if (!check.ok) return check;
    }
  }

  // For a folder link the folder must still be live, and the file (checked just above) too.
  const updated = link.folder
    ? await db.$executeRaw`
    UPDATE \`ShareLink\` AS l
    JOIN \`Folder\` AS d ON d.id = l.folderId
    JOIN \`File\` AS f ON f.id = ${inFolder?.id ?? ""} AND f.ownerId = l.ownerId
    SET l.downloadCount = l.downloadCount + 1, l.updatedAt = ${now}
    WHERE l.id = ${link.id}
      AND l.revokedAt IS NULL
      AND (l.expiresAt IS NULL OR l.expiresAt > ${now})
      AND (l.maxDownloads IS NULL OR l.downloadCount < l.maxDownloads)
      AND d.trashedAt IS NULL
      AND f.trashedAt IS NULL`
    : await db.$executeRaw`
    UPDATE \`ShareLink\` AS l
    JOIN \`File\` AS f ON f.id = l.fileId
    SET l.downloadCount = l.downloadCount + 1, l.updatedAt = ${now}
    WHERE l.id = ${link.id}
      AND l.revokedAt IS NULL
      AND (l.expiresAt IS NULL OR l.expiresAt > ${now})
      AND (l.maxDownloads IS NULL OR l.downloadCount < l.maxDownloads)
      AND f.trashedAt IS NULL`;
  if (updated !== 1) {
    // Lost a race: another request took the last download, or the owner changed the link.
    const again = await findVisitorLink(token);
    if (!again) return { ok: false, reason: "not-found" };
    const after = shareLinkState(again, now);
    return { ok: false, reason: after === "active" ? "limit-reached" : after };
  }

  const { name, size, contentType, storageKey } = (inFolder ?? link.file)!;
  return { ok: true, file: { name, size, contentType, storageKey } };
}
