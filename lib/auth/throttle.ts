import "server-only";
import { db } from "@/lib/db/client";

// Three counters, each with a free allowance and then a delay that doubles with every further
// failure (after the last failure, not a fixed block): guessing gets slow fast, while a stranger
// hammering someone's e-mail cannot lock its owner out.
// - (email, IP): the attempts of one client at one account. Tight.
// - email, from any address: bounds a guesser who rotates addresses, loosely enough (and with a
//   short maximum delay) that the owner, on an address of their own, still gets in between.
// - IP, for any email: bounds one client spraying passwords over many accounts.
// Failures count within the window and, for an email, only since its last successful sign-in.
export const THROTTLE = {
  windowMs: 60 * 60 * 1000,
  pair: { free: 5, baseDelayMs: 60_000, maxDelayMs: 15 * 60 * 1000 },
  email: { free: 20, baseDelayMs: 15_000, maxDelayMs: 5 * 60 * 1000 },
  ip: { free: 20, baseDelayMs: 60_000, maxDelayMs: 15 * 60 * 1000 },
} as const;

type Rule = { free: number; baseDelayMs: number; maxDelayMs: number };

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAt: Date };

/** The delay after `failures` failures: none within the allowance, then doubling up to a cap. */
export function delayAfter(rule: Rule, failures: number): number {
  if (failures < rule.free) return 0;
  return Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** (failures - rule.free));
}

type Where = NonNullable<Parameters<typeof db.loginAttempt.findMany>[0]>["where"];

async function retryAt(where: Where, rule: Rule): Promise<Date | null> {
  const [failures, last] = await Promise.all([
    db.loginAttempt.count({ where }),
    db.loginAttempt.findFirst({
      where,
      orderBy: { createdAt: "desc" },
      select: { createdAt: true },
    }),
  ]);
  const delay = delayAfter(rule, failures);
  return delay > 0 && last ? new Date(last.createdAt.getTime() + delay) : null;
}

export async function checkThrottle(
  email: string,
  ip: string,
  now = new Date(),
): Promise<ThrottleVerdict> {
  const since = new Date(now.getTime() - THROTTLE.windowMs);
  const lastSuccess = await db.loginAttempt.findFirst({
    where: { email, kind: "signin", success: true, createdAt: { gte: since } },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  const emailSince = lastSuccess?.createdAt ?? since;
  const failed = { kind: "signin", success: false } as const;

  const verdicts = await Promise.all([
    retryAt({ ...failed, email, ip, createdAt: { gt: emailSince } }, THROTTLE.pair),
    retryAt({ ...failed, email, createdAt: { gt: emailSince } }, THROTTLE.email),
    retryAt({ ...failed, ip, createdAt: { gt: since } }, THROTTLE.ip),
  ]);
  const latest = verdicts
    .filter((d): d is Date => d !== null && d.getTime() > now.getTime())
    .sort((a, b) => b.getTime() - a.getTime())[0];
  return latest ? { allowed: false, retryAt: latest } : { allowed: true };
}

export async function recordAttempt(email: string, ip: string, success: boolean): Promise<void> {
  await db.loginAttempt.create({ data: { email, ip, success } });
}

// Sign-ups per client address: enough for a household or an office behind one address, too few
// to create accounts (or to probe addresses) in bulk.
export const SIGNUP_THROTTLE = { windowMs: 60 * 60 * 1000, maxPerIp: 10 } as const;

export async function checkSignUpThrottle(ip: string, now = new Date()): Promise<ThrottleVerdict> {
  const since = new Date(now.getTime() - SIGNUP_THROTTLE.windowMs);
  const recent = await db.loginAttempt.findMany({
    where: { kind: "signup", ip, createdAt: { gt: since } },
    orderBy: { createdAt: "desc" },
    take: SIGNUP_THROTTLE.maxPerIp,
    select: { createdAt: true },
  });
  const oldest = recent[SIGNUP_THROTTLE.maxPerIp - 1];
  return oldest
    ? { allowed: false, retryAt: new Date(oldest.createdAt.getTime() + SIGNUP_THROTTLE.windowMs) }
    : { allowed: true };
}

export async function recordSignUp(email: string, ip: string): Promise<void> {
  await db.loginAttempt.create({ data: { email, ip, success: true, kind: "signup" } });
}

// Old rows serve no purpose; trimmed opportunistically so the table stays small.
export async function pruneAttempts(now = new Date()): Promise<number> {
  const { count } = await db.loginAttempt.deleteMany({
    where: { createdAt: { lt: new Date(now.getTime() - 24 * 60 * 60 * 1000) } },
  });
  return count;
}
