import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { changePassword, createAccount } from "@/lib/accounts/accounts";
import { db } from "@/lib/db/client";
import {
  revokeSession,
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
