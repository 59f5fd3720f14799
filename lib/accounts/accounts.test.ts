import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { EmailMessage } from "@/lib/email/schemas";
import { changePassword, createAccount, deleteAccount, signUp, updateName } from "./accounts";
import { verifyEmail } from "./email-verification";
import { recordAttempt } from "@/lib/auth/throttle";
import { verifyPassword } from "@/lib/auth/password";

const IP = "203.0.113.70";
const newEmail = () => `acct-${randomUUID().slice(0, 12)}@accounts.test`;

async function storedHash(id: string) {
  const u = await db.user.findUniqueOrThrow({ where: { id }, omit: { passwordHash: false } });
  return u.passwordHash;
}

describe("accounts", () => {
  it("stores an argon2id hash, never the password, and omits it from reads", async () => {
    const r = await createAccount({ name: "Ada", email: newEmail(), password: "password-one-1" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const hash = await storedHash(r.user.id);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, "password-one-1")).toBe(true);
    const plain = await db.user.findUniqueOrThrow({ where: { id: r.user.id } });
    expect(plain).not.toHaveProperty("passwordHash");
  });

  it("refuses a second account for the same email and keeps the first", async () => {
    const email = newEmail();
    const first = await createAccount({ name: "First", email, password: "password-one-1" });
    const second = await createAccount({ name: "Second", email, password: "password-two-2" });
    expect(second).toEqual({ ok: false, reason: "email-taken" });
    const users = await db.user.findMany({ where: { email } });
    expect(users.map((u) => u.name)).toEqual(["First"]);
    expect(first.ok).toBe(true);
  });

  it("renames", async () => {
    const r = await createAccount({ name: "Old", email: newEmail(), password: "password-one-1" });
    if (!r.ok) throw new Error("setup");
    await updateName(r.user.id, "New");
    expect((await db.user.findUniqueOrThrow({ where: { id: r.user.id } })).name).toBe("New");
  });

  it("changes the password only with the current one", async () => {
    const r = await createAccount({ name: "P", email: newEmail(), password: "password-one-1" });
    if (!r.ok) throw new Error("setup");
    const before = await storedHash(r.user.id);
    expect(await changePassword(r.user.id, "wrong-password-1", "password-two-2", IP)).toEqual({
      ok: false,
      reason: "wrong-password",
    });
    expect(await storedHash(r.user.id)).toBe(before);
    expect(await changePassword(r.user.id, "password-one-1", "password-two-2", IP)).toEqual({
      ok: true,
      sessionVersion: 1,
    });
    expect(await verifyPassword(await storedHash(r.user.id), "password-two-2")).toBe(true);
  });

  it("deletes the account and every row it owns, only with the password", async () => {
    const email = newEmail();
    const r = await createAccount({ name: "D", email, password: "password-one-1" });
    if (!r.ok) throw new Error("setup");
    await recordAttempt(email, "203.0.113.9", true);

    expect(await deleteAccount(r.user.id, "wrong-password-1", IP)).toEqual({
      ok: false,
      reason: "wrong-password",
    });
    expect(await db.user.count({ where: { id: r.user.id } })).toBe(1);

    expect(await deleteAccount(r.user.id, "password-one-1", IP)).toEqual({ ok: true });
    expect(await db.user.count({ where: { id: r.user.id } })).toBe(0);
    expect(await db.loginAttempt.count({ where: { email } })).toBe(0);
  });
});

describe("attack: guessing a signed-in user's password through the profile (issue 14 item 8)", () => {
  it("throttles wrong current passwords on password change, even the right one after them", async () => {
    const r = await createAccount({ name: "G", email: newEmail(), password: "password-one-1" });
    if (!r.ok) throw new Error("setup");
    for (let i = 0; i < 5; i++) {
      await changePassword(r.user.id, `guess-password-${i}`, "password-two-2", "203.0.113.77");
    }
    expect(
      await changePassword(r.user.id, "password-one-1", "password-two-2", "203.0.113.77"),
    ).toMatchObject({ ok: false, reason: "throttled" });
  });

  it("throttles wrong passwords on account deletion", async () => {
    const r = await createAccount({ name: "G", email: newEmail(), password: "password-one-1" });
    if (!r.ok) throw new Error("setup");
    for (let i = 0; i < 5; i++) {
      await deleteAccount(r.user.id, `guess-password-${i}`, "203.0.113.78");
    }
    expect(await deleteAccount(r.user.id, "password-one-1", "203.0.113.78")).toMatchObject({
      ok: false,
      reason: "throttled",
    });
    expect(await db.user.count({ where: { id: r.user.id } })).toBe(1);
  });
});

describe("attack: sign-up tells which e-mails have accounts (issue 14 item 8)", () => {
  it("answers an existing address exactly as a new one, and tells the owner by mail", async () => {
    const email = newEmail();
    const sent: EmailMessage[] = [];
    const send = async (m: EmailMessage) => void sent.push(m);
    const first = await signUp({ name: "First", email, password: "password-one-1" }, IP, send);
    const second = await signUp({ name: "Second", email, password: "password-two-2" }, IP, send);
    expect(second).toEqual(first);
    expect(first).toEqual({ ok: true });
    expect(sent.map((m) => [m.to, m.purpose, m.subject])).toEqual([
      [email, "account", "Confirm your e-mail address for Stratus"],
      [email, "account", "Someone tried to sign up to Stratus with your address"],
    ]);
    const users = await db.user.findMany({ where: { email } });
    expect(users.map((u) => [u.name, u.emailVerifiedAt])).toEqual([["First", null]]);
  });

  it("refuses the eleventh sign-up from one address within the hour", async () => {
    const ip = `203.0.113.${100 + Math.floor(Math.random() * 100)}`;
    await db.loginAttempt.deleteMany({ where: { kind: "signup", ip } });
    const send = async () => {};
    for (let i = 0; i < 10; i++) {
      expect(
        await signUp({ name: "N", email: newEmail(), password: "password-one-1" }, ip, send),
      ).toEqual({ ok: true });
    }
    const email = newEmail();
    const r = await signUp({ name: "N", email, password: "password-one-1" }, ip, send);
    expect(r).toMatchObject({ ok: false, reason: "throttled" });
    expect(await db.user.count({ where: { email } })).toBe(0);
  });
});

describe("e-mail verification", () => {
  it("verifies with the mailed link once, and never with a made-up or reused token", async () => {
    const email = newEmail();
    const sent: EmailMessage[] = [];
    await signUp({ name: "V", email, password: "password-one-1" }, IP, async (m) => {
      sent.push(m);
    });
    const token = /verify-email\?token=([A-Za-z0-9_-]{43})/.exec(sent[0]?.text ?? "")?.[1];
    expect(token).toBeTruthy();
    expect(await verifyEmail("A".repeat(43))).toBe(false);
    expect(await verifyEmail(token!)).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { email } })).emailVerifiedAt).not.toBeNull();
    expect(await verifyEmail(token!)).toBe(false);
  });
});
