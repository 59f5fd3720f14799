import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/db/client";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { forgetSessionUser } from "@/lib/auth/session-claims";
import {
  checkSignUpThrottle,
  checkThrottle,
  recordAttempt,
  recordSignUp,
} from "@/lib/auth/throttle";
import { deleteDriveData, detachFolderTree } from "@/lib/drive/account-cleanup";
import { queueEmail, type SendMail } from "@/lib/email/queue";
import { appUrl, sendVerification } from "./email-verification";

// Data access for accounts. Inputs are already parsed by the zod schemas in lib/auth/schemas.ts.

export async function createAccount(input: { name: string; email: string; password: string }) {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await db.user.create({
      data: { name: input.name, email: input.email, passwordHash },
      select: { id: true, email: true, name: true },
    });
    return { ok: true as const, user };
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") {
      return { ok: false as const, reason: "email-taken" as const };
    }
    throw e;
  }
}

export type SignUpResult = { ok: true } | { ok: false; reason: "throttled"; retryAt: Date };

/**
 * Sign-up as the visitor sees it: one answer ("check your mail") whether or not the address
 * already has an account, so the form cannot be used to find out. A new account gets the
 * verification link; the owner of an existing one is told that someone tried. Throttled per
 * client address (SIGNUP_THROTTLE).
 */
export async function signUp(
  input: { name: string; email: string; password: string },
  ip: string,
  send: SendMail = queueEmail,
): Promise<SignUpResult> {
  const verdict = await checkSignUpThrottle(ip);
  if (!verdict.allowed) return { ok: false, reason: "throttled", retryAt: verdict.retryAt };
  await recordSignUp(input.email, ip);
  // Hashes in both cases, so the time taken does not tell either.
  const created = await createAccount(input);
  if (created.ok) {
    await sendVerification(created.user, send);
  } else {
    await send({
      to: input.email,
      purpose: "account",
      subject: "Someone tried to sign up to Stratus with your address",
      text: [
        "Someone tried to create a Stratus account with this e-mail address, which already has one.",
        "",
        `If it was you, sign in instead: ${appUrl("/login")}`,
        "If it was not, you can ignore this mail: nothing about your account has changed.",
      ].join("\n"),
    });
  }
  return { ok: true };
}

export async function updateName(userId: string, name: string) {
  await db.user.update({ where: { id: userId }, data: { name } });
  forgetSessionUser(userId);
}

type PasswordCheck =
  | { ok: true }
  | { ok: false; reason: "wrong-password" }
  | { ok: false; reason: "throttled"; retryAt: Date };

// A current-password check is a sign-in attempt: it shares the sign-in throttle (per e-mail and
// address), so a session left open on a shared computer cannot be used to guess the password.
async function checkCurrentPassword(
  userId: string,
  password: string,
  ip: string,
): Promise<PasswordCheck> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { email: true, passwordHash: true },
  });
  if (!user) return { ok: false, reason: "wrong-password" };
  const verdict = await checkThrottle(user.email, ip);
  if (!verdict.allowed) return { ok: false, reason: "throttled", retryAt: verdict.retryAt };
  const ok = await verifyPassword(user.passwordHash, password);
  await recordAttempt(user.email, ip, ok);
  return ok ? { ok: true } : { ok: false, reason: "wrong-password" };
}

/** Sets the new password and ends every session (returns the new session version). */
export async function changePassword(userId: string, current: string, next: string, ip: string) {
  const check = await checkCurrentPassword(userId, current, ip);
  if (!check.ok) return check;
  const user = await db.user.update({
    where: { id: userId },
    data: { passwordHash: await hashPassword(next), sessionVersion: { increment: 1 } },
    select: { sessionVersion: true },
  });
  forgetSessionUser(userId);
  return { ok: true as const, sessionVersion: user.sessionVersion };
}

// Removes every row the user owns. Features that own rows (files, jobs, …) hang them off User
// with ON DELETE CASCADE or add their cleanup here.
export async function deleteAccount(userId: string, password: string, ip: string) {
  const check = await checkCurrentPassword(userId, password, ip);
  if (!check.ok) return check;
  // Objects first: once the rows are gone nothing would record which objects were the user's.
  await deleteDriveData(userId);
  await db.$transaction(async (tx) => {
    await detachFolderTree(tx, userId);
    const user = await tx.user.delete({ where: { id: userId }, select: { email: true } });
    await tx.loginAttempt.deleteMany({ where: { email: user.email } });
  });
  forgetSessionUser(userId);
  return { ok: true as const };
}
