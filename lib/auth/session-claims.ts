import "server-only";
import { db } from "@/lib/db/client";
import { SESSION_LIFETIME, sessionExpired, type SessionClaims } from "./session-lifetime";

export { SESSION_LIFETIME, type SessionClaims };

// What Stratus puts in its session JWT besides the user id (`sub`), and the checks that make a
// stateless token revocable: every request compares the token's session version with the
// user's (a password change or "sign out everywhere" bumps it) and looks its session id up
// among signed-out sessions. One indexed read each, done together.
//
// Both answers are remembered per server process for a few seconds (SESSION_CHECK_CACHE_MS):
// under a flood of requests the two database round trips per request were the largest share of
// the server thread's time (docs/isolation-bench.md). Whatever ends a session through this
// process — signing out, "sign out everywhere", a password change or reset, deleting the
// account — forgets the remembered answer at once (forgetSessionUser / revokeSession), so it
// takes effect immediately here and within the window on the other app servers.

/** How long one process trusts a session check it made (ms); STRATUS_SESSION_CACHE_MS, 0: off. */
export function sessionCheckCacheMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.STRATUS_SESSION_CACHE_MS;
  const n = Number(raw);
  return raw !== undefined && raw !== "" && Number.isFinite(n) && n >= 0 ? n : 5_000;
}

type UserRow = {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
  emailVerifiedAt: Date | null;
  sessionVersion: number;
};

/** Above this many entries the oldest are dropped (a Map iterates in insertion order). */
const CACHE_MAX = 10_000;

type SessionCache = {
  users: Map<string, { row: UserRow | null; until: number }>;
  /** Session ids known not to be signed out, until when; signed-out ones are never cached. */
  liveSids: Map<string, number>;
  /** Signed out through this process: refused without asking the database. */
  revokedSids: Map<string, number>;
};

// On globalThis so a dev server's reloads keep one cache (and one place to forget in).
const GLOBAL = globalThis as typeof globalThis & { __stratusSessionCache?: SessionCache };
function cache(): SessionCache {
  GLOBAL.__stratusSessionCache ??= {
    users: new Map(),
    liveSids: new Map(),
    revokedSids: new Map(),
  };
  return GLOBAL.__stratusSessionCache;
}

function remember<V>(map: Map<string, V>, key: string, value: V) {
  map.delete(key);
  map.set(key, value);
  while (map.size > CACHE_MAX) map.delete(map.keys().next().value!);
}

/** Forgets what this process remembers of the user's sessions (their version or row changed). */
export function forgetSessionUser(userId: string): void {
  cache().users.delete(userId);
}

const USER_SELECT = {
  id: true,
  email: true,
  name: true,
  createdAt: true,
  emailVerifiedAt: true,
  sessionVersion: true,
} as const;

export async function sessionUser(claims: SessionClaims, now = Date.now()) {
  const { sub, sv, sid } = claims;
  if (!sub || typeof sv !== "number" || !sid || sessionExpired(claims, now)) return null;
  const c = cache();
  if (c.revokedSids.has(sid)) return null;
  const ttl = sessionCheckCacheMs();
  const cachedUser = c.users.get(sub);
  const knownUser = cachedUser && cachedUser.until > now ? cachedUser : undefined;
  const knownLive = (c.liveSids.get(sid) ?? 0) > now;
  const [user, revoked] = await Promise.all([
    knownUser
      ? knownUser.row
      : db.user.findUnique({ where: { id: sub }, select: USER_SELECT }).then((row) => {
          if (ttl > 0) remember(c.users, sub, { row, until: now + ttl });
          return row;
        }),
    knownLive
      ? null
      : db.revokedSession.findUnique({ where: { sid }, select: { sid: true } }).then((row) => {
          if (!row && ttl > 0) remember(c.liveSids, sid, now + ttl);
          return row;
        }),
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
  const c = cache();
  c.liveSids.delete(claims.sid);
  remember(c.revokedSids, claims.sid, now.getTime());
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
  forgetSessionUser(userId);
  return user.sessionVersion;
}
