import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { changePassword, createAccount, deleteAccount, updateName } from "./accounts";
import { recordAttempt } from "@/lib/auth/throttle";
import { verifyPassword } from "@/lib/auth/password";

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
    expect(await changePassword(r.user.id, "wrong-password-1", "password-two-2")).toEqual({
      ok: false,
    });
    expect(await storedHash(r.user.id)).toBe(before);
    expect(await changePassword(r.user.id, "password-one-1", "password-two-2")).toEqual({
      ok: true,
    });
    expect(await verifyPassword(await storedHash(r.user.id), "password-two-2")).toBe(true);
  });

  it("deletes the account and every row it owns, only with the password", async () => {
    const email = newEmail();
    const r = await createAccount({ name: "D", email, password: "password-one-1" });
    if (!r.ok) throw new Error("setup");
    await recordAttempt(email, "203.0.113.9", true);

    expect(await deleteAccount(r.user.id, "wrong-password-1")).toEqual({ ok: false });
    expect(await db.user.count({ where: { id: r.user.id } })).toBe(1);

    expect(await deleteAccount(r.user.id, "password-one-1")).toEqual({ ok: true });
    expect(await db.user.count({ where: { id: r.user.id } })).toBe(0);
    expect(await db.loginAttempt.count({ where: { email } })).toBe(0);
  });
});
