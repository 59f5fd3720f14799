import "server-only";
import { db } from "@/lib/db/client";
import { SESSION_LIFETIME, sessionExpired, type SessionClaims } from "./session-lifetime";

export { SESSION_LIFETIME, type SessionClaims };

// What Stratus puts in its session JWT besides the user id (`sub`), and the checks that make a
// stateless token revocable: every request compares the token's session version with the
// user's (a password change or "sign out everywhere" bumps it) and looks its session id up
// among signed-out sessions. One indexed read each, done together.

export async function sessionUser(claims: SessionClaims, now = Date.now()) {
  const { sub, sv, sid } = claims;
  if (!sub || typeof sv !== "number" || !sid || sessionExpired(claims, now)) return null;
  const [user, revoked] = await Promise.all([
    db.user.findUnique({
      where: { id: sub },
      select: {
        id: true,
        email: true,
        name: true,
        createdAt: true,
        emailVerifiedAt: true,
        sessionVersion: true,
      },
    }),
    db.revokedSession.findUnique({ where: { sid }, select: { sid: true } }),
  ]);
  if (!user || revoked || user.sessionVersion !== sv) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    createdAt: user.createdAt,
    emailVerifiedAt: user.emailVerifiedAt,
  };
}

/** Signing out: this session id is refused from now on, in every copy of the cookie. */
export async function revokeSession(claims: SessionClaims, now = new Date()): Promise<void> {
  if (!claims.sid) return;
  const expiresAt = new Date((claims.authAt ?? now.getTime()) + SESSION_LIFETIME.absoluteMs);
  await db.revokedSession.upsert({
    where: { sid: claims.sid },
    create: { sid: claims.sid, expiresAt },
    update: {},
  });
  // Rows past the absolute lifetime guard nothing any more.
  await db.revokedSession.deleteMany({ where: { expiresAt: { lt: now } } });
}

/** Ends every session of the user; returns the new version. */
export async function signOutEverywhere(userId: string): Promise<number> {
  const user = await db.user.update({
    where: { id: userId },
    data: { sessionVersion: { increment: 1 } },
    select: { sessionVersion: true },
  });
  return user.sessionVersion;
}
