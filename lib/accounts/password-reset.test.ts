import { createHash, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import type { EmailMessage } from "@/lib/email/schemas";
import { verifyPassword } from "@/lib/auth/password";
import { checkThrottle, recordAttempt } from "@/lib/auth/throttle";
import { createAccount } from "./accounts";
import { sendVerification, verifyEmail } from "./email-verification";
import {
  RESET_THROTTLE,
  RESET_TTL_MS,
  mailPasswordReset,
  requestPasswordReset,
  type ResetRequest,
  resetLinkEmail,
  resetPassword,
} from "./password-reset";

const newEmail = () => `reset-${randomUUID().slice(0, 12)}@accounts.test`;
// Each test its own client address: the throttles count per address.
const newIp = () => `2001:db8::${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}`;

// `queue` runs the background half at once, as the send-password-reset function would, with the
// request's own clock.
function mailbox() {
  const sent: EmailMessage[] = [];
  const send = async (m: EmailMessage) => void sent.push(m);
  const queue = async (request: ResetRequest) =>
    void (await mailPasswordReset(request, send, new Date(request.requestedAt)));
  return { sent, send, queue };
}

const tokenIn = (mail: EmailMessage | undefined) => {
  const m = mail?.text.match(/\/reset-password\?token=([A-Za-z0-9_-]+)/);
  if (!m?.[1]) throw new Error("no reset link in the mail");
  return m[1];
};

async function account(email = newEmail()) {
  const r = await createAccount({ name: "Reset", email, password: "old-password-1" });
  if (!r.ok) throw new Error("setup");
  return r.user;
}

async function storedHash(id: string) {
  const u = await db.user.findUniqueOrThrow({ where: { id }, omit: { passwordHash: false } });
  return u.passwordHash;
}

describe("password reset", () => {
  it("mails a link whose token is stored only as its SHA-256, and resets with it once", async () => {
    const user = await account();
    const ip = newIp();
    const box = mailbox();
    expect(await requestPasswordReset(user.email, ip, box.queue)).toEqual({ ok: true });
    expect(box.sent).toHaveLength(1);
    expect(box.sent[0]).toMatchObject({ to: user.email, purpose: "account" });
    const token = tokenIn(box.sent[0]);

    const rows = await db.emailToken.findMany({ where: { userId: user.id } });
    const reset = rows.filter((r) => r.purpose === "reset-password");
    expect(reset).toHaveLength(1);
    expect(reset[0]?.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(await resetLinkEmail(token)).toBe(user.email);

    const before = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await resetPassword(token, "new-password-2", ip)).toEqual({
      ok: true,
      email: user.email,
    });
    expect(await verifyPassword(await storedHash(user.id), "new-password-2")).toBe(true);
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    // Every session ends; following the link also proved the mailbox.
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    expect(after.emailVerifiedAt).not.toBeNull();
    expect(await resetLinkEmail(token)).toBeNull();
  });

  it("answers an address without an account exactly as one with, and mails nothing", async () => {
    const box = mailbox();
    const ip = newIp();
    const result = await requestPasswordReset(newEmail(), ip, box.queue);
    const known = await requestPasswordReset((await account()).email, newIp(), mailbox().queue);
    expect(result).toEqual(known);
    expect(box.sent).toHaveLength(0);
  });

  it("attack: the request does the same work for an address with an account as for one without", async () => {
    // Timing: a request that looked the address up and, when it had an account, wrote a token and
    // queued a mail answered measurably later for real accounts. Now the request only throttles
    // and queues, whatever the address; nothing about the account is read or written before the
    // answer.
    const user = await account();
    const queued: ResetRequest[] = [];
    const queue = async (request: ResetRequest) => void queued.push(request);
    const now = new Date();
    const known = await requestPasswordReset(user.email, newIp(), queue, now);
    const unknown = await requestPasswordReset(newEmail(), newIp(), queue, now);
    expect(known).toEqual(unknown);
    expect(queued).toHaveLength(2);
    expect(queued.map((q) => q.requestedAt)).toEqual([now.toISOString(), now.toISOString()]);
    expect(await db.emailToken.count({ where: { userId: user.id } })).toBe(0);

    // The background half then mails the account's owner, and nobody else.
    const box = mailbox();
    expect(await mailPasswordReset(queued[0]!, box.send)).toEqual({ mailed: true });
    expect(await mailPasswordReset(queued[1]!, box.send)).toEqual({ mailed: false });
    expect(box.sent.map((m) => m.to)).toEqual([user.email]);
    expect(await resetLinkEmail(tokenIn(box.sent[0]))).toBe(user.email);
  });

  it("mails nothing for a request older than its link's hour (the worker was down)", async () => {
    const user = await account();
    const box = mailbox();
    const requestedAt = new Date(Date.now() - RESET_TTL_MS - 1000).toISOString();
    expect(await mailPasswordReset({ email: user.email, requestedAt }, box.send)).toEqual({
      mailed: false,
    });
    expect(box.sent).toHaveLength(0);
    expect(await db.emailToken.count({ where: { userId: user.id } })).toBe(0);
  });

  it("a newer link replaces the older one", async () => {
    const user = await account();
    const box = mailbox();
    await requestPasswordReset(user.email, newIp(), box.queue);
    await requestPasswordReset(user.email, newIp(), box.queue);
    const [first, second] = box.sent.map(tokenIn);
    expect(await resetPassword(first!, "new-password-2", newIp())).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect((await resetPassword(second!, "new-password-2", newIp())).ok).toBe(true);
  });

  it("lets the owner sign in at once after a reset, however many failures came before", async () => {
    const user = await account();
    const ip = newIp();
    for (let i = 0; i < 8; i++) await recordAttempt(user.email, ip, false);
    expect((await checkThrottle(user.email, ip)).allowed).toBe(false);
    const box = mailbox();
    await requestPasswordReset(user.email, ip, box.queue);
    await resetPassword(tokenIn(box.sent[0]), "new-password-2", ip);
    expect((await checkThrottle(user.email, ip)).allowed).toBe(true);
  });
});

describe("attacks on password reset", () => {
  it("attack: reusing a link that already reset the password changes nothing", async () => {
    const user = await account();
    const box = mailbox();
    await requestPasswordReset(user.email, newIp(), box.queue);
    const token = tokenIn(box.sent[0]);
    expect((await resetPassword(token, "owner-password-2", newIp())).ok).toBe(true);
    const hash = await storedHash(user.id);
    const version = (await db.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion;
    expect(await resetPassword(token, "attacker-password-3", newIp())).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await storedHash(user.id)).toBe(hash);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion).toBe(
      version,
    );
  });

  it("attack: two requests racing with one link: exactly one wins", async () => {
    const user = await account();
    const box = mailbox();
    await requestPasswordReset(user.email, newIp(), box.queue);
    const token = tokenIn(box.sent[0]);
    const results = await Promise.all([
      resetPassword(token, "racer-one-password-1", newIp()),
      resetPassword(token, "racer-two-password-2", newIp()),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("attack: an expired link is refused and the password stays", async () => {
    const user = await account();
    const box = mailbox();
    const sentAt = new Date(Date.now() - RESET_TTL_MS - 1000);
    await requestPasswordReset(user.email, newIp(), box.queue, sentAt);
    const token = tokenIn(box.sent[0]);
    const hash = await storedHash(user.id);
    expect(await resetLinkEmail(token)).toBeNull();
    expect(await resetPassword(token, "late-password-2", newIp())).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await storedHash(user.id)).toBe(hash);
    // Still valid a moment before it expires.
    expect(await resetLinkEmail(token, new Date(sentAt.getTime() + RESET_TTL_MS - 1000))).toBe(
      user.email,
    );
  });

  it("attack: a link resets only the account it was mailed for; other tokens are no reset links", async () => {
    const alice = await account();
    const mallory = await account();
    const box = mailbox();
    await requestPasswordReset(mallory.email, newIp(), box.queue);
    const aliceHash = await storedHash(alice.id);
    // Mallory's own link changes Mallory's password, never Alice's.
    expect(await resetPassword(tokenIn(box.sent[0]), "mallory-password-2", newIp())).toEqual({
      ok: true,
      email: mallory.email,
    });
    expect(await storedHash(alice.id)).toBe(aliceHash);

    // Alice's e-mail verification token is not a reset token, and a reset token verifies nothing.
    const verify = mailbox();
    await sendVerification(alice, verify.send);
    const verifyToken = verify.sent[0]?.text.match(/token=([A-Za-z0-9_-]+)/)?.[1];
    expect(await resetPassword(verifyToken!, "mallory-password-3", newIp())).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await storedHash(alice.id)).toBe(aliceHash);
    const resetBox = mailbox();
    await requestPasswordReset(alice.email, newIp(), resetBox.queue);
    expect(await verifyEmail(tokenIn(resetBox.sent[0]))).toBe(false);

    // A link mailed to an address the account no longer has resets nothing.
    const moved = mailbox();
    await requestPasswordReset(alice.email, newIp(), moved.queue);
    await db.user.update({ where: { id: alice.id }, data: { email: newEmail() } });
    expect((await resetPassword(tokenIn(moved.sent[0]), "stolen-password-4", newIp())).ok).toBe(
      false,
    );
    expect(await storedHash(alice.id)).toBe(aliceHash);
  });

  it("attack: guessing links from one client is throttled, even a right one then waits", async () => {
    const user = await account();
    const ip = newIp();
    const box = mailbox();
    await requestPasswordReset(user.email, newIp(), box.queue);
    for (let i = 0; i < RESET_THROTTLE.badTokensPerIp; i++) {
      const guess = Buffer.from(randomUUID() + randomUUID())
        .toString("base64url")
        .slice(0, 43);
      expect(await resetPassword(guess, "guess-password-1", ip)).toEqual({
        ok: false,
        reason: "invalid",
      });
    }
    const blocked = await resetPassword(tokenIn(box.sent[0]), "guess-password-1", ip);
    expect(blocked).toMatchObject({ ok: false, reason: "throttled" });
    if (blocked.ok || blocked.reason !== "throttled") return;
    expect(blocked.retryAt.getTime()).toBeGreaterThan(Date.now());
    // Another client with the real link is not held back by the guesser.
    expect((await resetPassword(tokenIn(box.sent[0]), "owner-password-1", newIp())).ok).toBe(true);
  });

  it("attack: flooding one mailbox with reset mails is throttled per address, silently for unknown ones", async () => {
    const user = await account();
    const box = mailbox();
    for (let i = 0; i < RESET_THROTTLE.perEmail; i++) {
      expect(await requestPasswordReset(user.email, newIp(), box.queue)).toEqual({ ok: true });
    }
    const refused = await requestPasswordReset(user.email, newIp(), box.queue);
    expect(refused).toMatchObject({ ok: false, reason: "throttled" });
    expect(box.sent).toHaveLength(RESET_THROTTLE.perEmail);

    // The same throttle for an address with no account: the answer tells nothing.
    const nobody = newEmail();
    for (let i = 0; i < RESET_THROTTLE.perEmail; i++) {
      await requestPasswordReset(nobody, newIp(), box.queue);
    }
    expect(await requestPasswordReset(nobody, newIp(), box.queue)).toMatchObject({
      ok: false,
      reason: "throttled",
    });
  });

  it("attack: one client asking for links over many addresses is throttled per client", async () => {
    const ip = newIp();
    const box = mailbox();
    for (let i = 0; i < RESET_THROTTLE.perIp; i++) {
      expect(await requestPasswordReset(newEmail(), ip, box.queue)).toEqual({ ok: true });
    }
    const user = await account();
    expect(await requestPasswordReset(user.email, ip, box.queue)).toMatchObject({
      ok: false,
      reason: "throttled",
    });
    expect(box.sent).toHaveLength(0);
  });
});
