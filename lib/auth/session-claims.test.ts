import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { changePassword, createAccount, deleteAccount } from "@/lib/accounts/accounts";
import { db } from "@/lib/db/client";
import {
  revokeSession,
  sessionCheckCacheMs,
  sessionUser,
  signOutEverywhere,
  type SessionClaims,
} from "./session-claims";

const IP = "203.0.113.40";

async function signedIn(): Promise<SessionClaims> {
  const email = `sess-${randomUUID().slice(0, 12)}@session.test`;
  await createAccount({ name: "S", email, password: "password-one-1" });
  const user = await db.user.findUniqueOrThrow({ where: { email } });
  return { sub: user.id, sv: 0, sid: randomUUID(), authAt: Date.now() };
}

describe("attack: a stolen session outlives what should end it (issue 14 item 3)", () => {
  it("a password change ends the sessions issued before it", async () => {
    const stolen = await signedIn();
    expect(await sessionUser(stolen)).not.toBeNull();
    const r = await changePassword(stolen.sub!, "password-one-1", "password-two-2", IP);
    expect(r).toMatchObject({ ok: true });
    expect(await sessionUser(stolen)).toBeNull();
  });

  it("'sign out everywhere' ends every session", async () => {
    const a = await signedIn();
    const b = { ...a, sid: randomUUID() };
    await signOutEverywhere(a.sub!);
    expect(await sessionUser(a)).toBeNull();
    expect(await sessionUser(b)).toBeNull();
  });

  it("signing out revokes the token that signed out, and only that one", async () => {
    const copied = await signedIn();
    const otherDevice = { ...copied, sid: randomUUID() };
    await revokeSession(copied);
    expect(await sessionUser(copied)).toBeNull();
    expect(await sessionUser(otherDevice)).not.toBeNull();
  });

  it("a session ends 30 days after sign-in however active it is", async () => {
    const old = { ...(await signedIn()), authAt: Date.now() - 31 * 24 * 60 * 60 * 1000 };
    expect(await sessionUser(old)).toBeNull();
  });
});

describe("the per-process session check cache keeps revocation correct", () => {
  const TTL = sessionCheckCacheMs();

  it("another server's sign-out-everywhere is honoured once the window has passed", async () => {
    const claims = await signedIn();
    const t0 = Date.now();
    expect(await sessionUser(claims, t0)).not.toBeNull();
    // Another app server bumps the version: this one answers from what it checked, within the
    // window only (this is the cache at work — without it the next line would be null).
    await db.user.update({
      where: { id: claims.sub! },
      data: { sessionVersion: { increment: 1 } },
    });
    expect(await sessionUser(claims, t0 + 1)).not.toBeNull();
    expect(await sessionUser(claims, t0 + TTL + 1)).toBeNull();
  });

  it("another server's sign-out of one session is honoured once the window has passed", async () => {
    const claims = await signedIn();
    const t0 = Date.now();
    expect(await sessionUser(claims, t0)).not.toBeNull();
    await db.revokedSession.create({
      data: { sid: claims.sid!, expiresAt: new Date(t0 + 60_000) },
    });
    expect(await sessionUser(claims, t0 + 1)).not.toBeNull();
    expect(await sessionUser(claims, t0 + TTL + 1)).toBeNull();
  });

  it("through this server, sign-out, sign-out-everywhere and a password change act at once", async () => {
    const a = await signedIn();
    const t0 = Date.now();
    expect(await sessionUser(a, t0)).not.toBeNull();
    await revokeSession(a);
    expect(await sessionUser(a, t0 + 1)).toBeNull();

    const b = await signedIn();
    expect(await sessionUser(b, t0)).not.toBeNull();
    await signOutEverywhere(b.sub!);
    expect(await sessionUser(b, t0 + 1)).toBeNull();

    const c = await signedIn();
    expect(await sessionUser(c, t0)).not.toBeNull();
    await changePassword(c.sub!, "password-one-1", "password-two-2", IP);
    expect(await sessionUser(c, t0 + 1)).toBeNull();
  });

  it("a deleted account's session ends at once on this server", async () => {
    const claims = await signedIn();
    const t0 = Date.now();
    expect(await sessionUser(claims, t0)).not.toBeNull();
    expect(await deleteAccount(claims.sub!, "password-one-1", IP)).toMatchObject({ ok: true });
    expect(await sessionUser(claims, t0 + 1)).toBeNull();
  });
});
