import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import { forgetSessionUser } from "@/lib/auth/session-claims";
import { serverEnv } from "@/lib/env";
import { queueEmail, type SendMail } from "@/lib/email/queue";

// E-mail verification: a link by mail with a 32-byte token of which only the SHA-256 is stored,
// valid for a day, for the address it was sent to. Until it is followed, Stratus mails that
// address nothing but account mail (inngest/functions/send-email.ts); the user may still sign in
// and use the apps, with a banner, as most products do: blocking the apps would punish a typo or a
// slow mail server, and the risk verification removes is mail going to someone else's address.
export const VERIFY_TTL_MS = 24 * 60 * 60 * 1000;
// Between two links, so the resend button cannot be used to flood a mailbox.
export const RESEND_AFTER_MS = 60 * 1000;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export function appUrl(path: string): string {
  return new URL(path, serverEnv().NEXTAUTH_URL ?? "http://localhost:3000").toString();
}

export async function sendVerification(
  user: { id: string; email: string; name: string },
  send: SendMail = queueEmail,
  now = new Date(),
): Promise<void> {
  const token = randomBytes(32).toString("base64url");
  await db.emailToken.create({
    data: {
      userId: user.id,
      tokenHash: hashToken(token),
      purpose: "verify-email",
      email: user.email,
      expiresAt: new Date(now.getTime() + VERIFY_TTL_MS),
    },
  });
  await send({
    to: user.email,
    purpose: "account",
    subject: "Confirm your e-mail address for Stratus",
    text: [
      `Hello ${user.name},`,
      "",
      "Confirm that this is your address by opening this link (valid for 24 hours):",
      appUrl(`/verify-email?token=${token}`),
      "",
      "Until you do, Stratus sends you no other mail (job results, for example).",
      "If you did not sign up for Stratus, ignore this mail.",
    ].join("\n"),
  });
}

/** A new link, unless one went out within the last minute; false when too soon or verified. */
export async function resendVerification(
  userId: string,
  send: SendMail = queueEmail,
  now = new Date(),
): Promise<{ ok: true } | { ok: false; reason: "verified" | "too-soon" }> {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { id: true, email: true, name: true, emailVerifiedAt: true },
  });
  if (user.emailVerifiedAt) return { ok: false, reason: "verified" };
  const recent = await db.emailToken.count({
    where: {
      userId,
      purpose: "verify-email",
      createdAt: { gt: new Date(now.getTime() - RESEND_AFTER_MS) },
    },
  });
  if (recent > 0) return { ok: false, reason: "too-soon" };
  await sendVerification(user, send, now);
  return { ok: true };
}

export async function verifyEmail(token: string, now = new Date()): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
  const row = await db.emailToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      userId: true,
      purpose: true,
      email: true,
      expiresAt: true,
      user: { select: { email: true } },
    },
  });
  // A password-reset token is not a verification token (password-reset.ts).
  if (!row || row.purpose !== "verify-email") return false;
  if (row.expiresAt <= now || row.user.email !== row.email) return false;
  await db.$transaction([
    db.user.updateMany({
      where: { id: row.userId, emailVerifiedAt: null },
      data: { emailVerifiedAt: now },
    }),
    db.emailToken.deleteMany({ where: { userId: row.userId, purpose: "verify-email" } }),
  ]);
  forgetSessionUser(row.userId);
  return true;
}

/** Whether Stratus may mail `to` now: account mail always, anything else once it is verified. */
export async function mayReceiveMail(to: string, purpose: string | undefined): Promise<boolean> {
  if (purpose === "account") return true;
  const user = await db.user.findUnique({
    where: { email: to },
    select: { emailVerifiedAt: true },
  });
  return user?.emailVerifiedAt != null;
}
