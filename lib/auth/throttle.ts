import "server-only";
import { db } from "@/lib/db/client";

export const THROTTLE = {
  windowMs: 15 * 60 * 1000,
  maxFailuresPerEmail: 5,
  maxFailuresPerIp: 20,
} as const;

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAt: Date };

// Failures count within the window; for an email, only those since its last successful sign-in.
export async function checkThrottle(
  email: string,
  ip: string,
  now = new Date(),
): Promise<ThrottleVerdict> {
  const since = new Date(now.getTime() - THROTTLE.windowMs);
  const lastSuccess = await db.loginAttempt.findFirst({
    where: { email, success: true, createdAt: { gte: since } },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  const emailSince = lastSuccess?.createdAt ?? since;

  const verdicts = await Promise.all([
    blockedUntil(
      { email, success: false, createdAt: { gt: emailSince } },
      THROTTLE.maxFailuresPerEmail,
    ),
    blockedUntil({ ip, success: false, createdAt: { gt: since } }, THROTTLE.maxFailuresPerIp),
  ]);
  const retryAt = verdicts
    .filter((d): d is Date => d !== null)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  return retryAt ? { allowed: false, retryAt } : { allowed: true };
}

// When `limit` failures match, the block lasts until the oldest of the latest `limit` leaves the window.
async function blockedUntil(
  where: NonNullable<Parameters<typeof db.loginAttempt.findMany>[0]>["where"],
  limit: number,
): Promise<Date | null> {
  const recent = await db.loginAttempt.findMany({
    where,
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { createdAt: true },
  });
  const oldest = recent[limit - 1];
  return oldest ? new Date(oldest.createdAt.getTime() + THROTTLE.windowMs) : null;
}

export async function recordAttempt(email: string, ip: string, success: boolean): Promise<void> {
  await db.loginAttempt.create({ data: { email, ip, success } });
}

// Old rows serve no purpose; trimmed opportunistically so the table stays small.
export async function pruneAttempts(now = new Date()): Promise<number> {
  const { count } = await db.loginAttempt.deleteMany({
    where: { createdAt: { lt: new Date(now.getTime() - 24 * 60 * 60 * 1000) } },
  });
  return count;
}
