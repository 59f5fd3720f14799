import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/password";
import { forgetSessionUser } from "@/lib/auth/session-claims";
import { recordAttempt, type ThrottleVerdict } from "@/lib/auth/throttle";
import { queueEmail, type SendMail } from "@/lib/email/queue";
import { inngest } from "@/lib/events/client";
import { passwordResetRequested } from "@/lib/events/events";
import { appUrl } from "./email-verification";

// "Forgot password": a link by mail with a 32-byte token of which only the SHA-256 is stored
// (an EmailToken with purpose "reset-password"), valid for an hour, used once, for the address it
// was sent to. The request form answers the same whether or not the address has an account, and
// both the requests (per address and per client) and the failed link uses (per client) are
// throttled, counted in LoginAttempt under their own kinds. It also takes the same time either way:
// the request only throttles and queues, for any address; whether an account exists is looked up
// in the background (the send-password-reset function), where the token and the mail are made.
// Done in the request, the extra writes and the mail's event for a known address made its answer
// measurably slower, which told an attacker which addresses have accounts.
export const RESET_TTL_MS = 60 * 60 * 1000;
export const RESET_PURPOSE = "reset-password";

export const RESET_THROTTLE = {
  windowMs: 60 * 60 * 1000,
  // Mails to one address: enough for "it did not arrive, send again", too few to flood a mailbox.
  perEmail: 3,
  // Requests from one client, over any addresses: bounds probing and mail-bombing in bulk.
  perIp: 10,
  // Links that did not work, from one client: a 256-bit token cannot be guessed anyway, but a
  // client trying links by the thousand is an attack and gets nothing but waiting.
  badTokensPerIp: 10,
} as const;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

type Where = NonNullable<Parameters<typeof db.loginAttempt.findMany>[0]>["where"];

// At most `max` rows within the window, else the time the oldest of the last `max` leaves it.
async function windowVerdict(where: Where, max: number, now: Date): Promise<ThrottleVerdict> {
  const since = new Date(now.getTime() - RESET_THROTTLE.windowMs);
  const recent = await db.loginAttempt.findMany({
    where: { ...where, createdAt: { gt: since } },
    orderBy: { createdAt: "desc" },
    take: max,
    select: { createdAt: true },
  });
  const oldest = recent[max - 1];
  return oldest
    ? { allowed: false, retryAt: new Date(oldest.createdAt.getTime() + RESET_THROTTLE.windowMs) }
    : { allowed: true };
}

function later(a: ThrottleVerdict, b: ThrottleVerdict): ThrottleVerdict {
  if (a.allowed) return b;
  if (b.allowed) return a;
  return a.retryAt > b.retryAt ? a : b;
}

export type ResetRequestResult = { ok: true } | { ok: false; reason: "throttled"; retryAt: Date };

export type ResetRequest = { email: string; requestedAt: string };
export type QueueReset = (request: ResetRequest) => Promise<void>;

/** Hands an accepted request to the send-password-reset function. */
export const queuePasswordReset: QueueReset = async (request) => {
  await inngest.send(passwordResetRequested.create(request));
};

/**
 * Accepts a reset request for `email` unless throttled, and queues it: the same work and the same
 * answer whether or not the address has an account (the caller shows one message either way).
 * Counted against the address whether or not it exists, so the throttle does not tell either.
 */
export async function requestPasswordReset(
  email: string,
  ip: string,
  queue: QueueReset = queuePasswordReset,
  now = new Date(),
): Promise<ResetRequestResult> {
  const verdict = later(
    await windowVerdict({ kind: "reset", email }, RESET_THROTTLE.perEmail, now),
    await windowVerdict({ kind: "reset", ip }, RESET_THROTTLE.perIp, now),
  );
  if (!verdict.allowed) return { ok: false, reason: "throttled", retryAt: verdict.retryAt };
  await db.loginAttempt.create({
    data: { email, ip, success: true, kind: "reset", createdAt: now },
  });
  await queue({ email, requestedAt: now.toISOString() });
  return { ok: true };
}

/**
 * The background half of a request: mails a reset link when the address has an account. The link
 * lives an hour from the request, as the form said; a request that waited longer than that (the
 * worker was down) mails nothing, since its link could never work.
 */
export async function mailPasswordReset(
  request: ResetRequest,
  send: SendMail = queueEmail,
  now = new Date(),
): Promise<{ mailed: boolean }> {
  const requestedAt = new Date(request.requestedAt);
  const expiresAt = new Date(requestedAt.getTime() + RESET_TTL_MS);
  if (expiresAt <= now) return { mailed: false };
  const user = await db.user.findUnique({
    where: { email: request.email },
    select: { id: true, email: true, name: true },
  });
  if (!user) return { mailed: false };
  const token = randomBytes(32).toString("base64url");
  // One live link at a time: a new request makes the older mails' links useless.
  await db.$transaction([
    db.emailToken.deleteMany({ where: { userId: user.id, purpose: RESET_PURPOSE } }),
    db.emailToken.create({
      data: {
        userId: user.id,
        tokenHash: hashToken(token),
        purpose: RESET_PURPOSE,
        email: user.email,
        expiresAt,
        createdAt: requestedAt,
      },
    }),
  ]);
  await send({
    to: user.email,
    purpose: "account",
    subject: "Reset your Stratus password",
    text: [
      `Hello ${user.name},`,
      "",
      "Someone (we hope you) asked to reset the password of your Stratus account.",
      "Choose a new password by opening this link (valid for 1 hour from the request, once):",
      appUrl(`/reset-password?token=${token}`),
      "",
      "If you did not ask, ignore this mail: your password stays as it is.",
    ].join("\n"),
  });
  return { mailed: true };
}

async function liveToken(token: string, now: Date) {
  if (!TOKEN_SHAPE.test(token)) return null;
  const row = await db.emailToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      userId: true,
      purpose: true,
      email: true,
      expiresAt: true,
      user: { select: { email: true } },
    },
  });
  // A verification token is not a reset token; a link sent to an address the account no longer
  // has resets nothing.
  if (!row || row.purpose !== RESET_PURPOSE || row.expiresAt <= now) return null;
  if (row.user.email !== row.email) return null;
  return row;
}

/** The address a reset link is for, or null when it does not work (for the reset page). */
export async function resetLinkEmail(token: string, now = new Date()): Promise<string | null> {
  return (await liveToken(token, now))?.email ?? null;
}

export type ResetResult =
  | { ok: true; email: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAt: Date };

/**
 * Sets the new password when the link works, and uses the link up. Every session of the account
 * ends (its session version moves on), and the address counts as confirmed: the link proved it.
 */
export async function resetPassword(
  token: string,
  newPassword: string,
  ip: string,
  now = new Date(),
): Promise<ResetResult> {
  const verdict = await windowVerdict(
    { kind: "reset-token", ip, success: false },
    RESET_THROTTLE.badTokensPerIp,
    now,
  );
  if (!verdict.allowed) return { ok: false, reason: "throttled", retryAt: verdict.retryAt };

  const row = await liveToken(token, now);
  const refuse = async (): Promise<ResetResult> => {
    await db.loginAttempt.create({
      data: { email: "", ip, success: false, kind: "reset-token", createdAt: now },
    });
    return { ok: false, reason: "invalid" };
  };
  if (!row) return refuse();
  const passwordHash = await hashPassword(newPassword);
  const used = await db.$transaction(async (tx) => {
    // Deleting the row is the use: of two requests racing with one link, one deletes it.
    const { count } = await tx.emailToken.deleteMany({ where: { id: row.id } });
    if (count !== 1) return false;
    await tx.user.update({
      where: { id: row.userId },
      data: { passwordHash, sessionVersion: { increment: 1 } },
    });
    await tx.user.updateMany({
      where: { id: row.userId, emailVerifiedAt: null },
      data: { emailVerifiedAt: now },
    });
    await tx.emailToken.deleteMany({ where: { userId: row.userId, purpose: RESET_PURPOSE } });
    return true;
  });
  if (!used) return refuse();
  forgetSessionUser(row.userId);
  // A sign-in success for the address: the failures that led here (the owner's own guesses, or a
  // guesser's) no longer hold the owner back from signing in with the new password.
  await recordAttempt(row.email, ip, true);
  return { ok: true, email: row.email };
}
