// How long sessions live. No server imports: the proxy renews cookies with it.

// The claims Stratus puts in its session JWT besides the user id (`sub`) (lib/auth/options.ts).
export type SessionClaims = { sub?: string; sv?: number; sid?: string; authAt?: number };

// A session is renewed while used (lib/auth/session-cookie.ts) and ends after a week without
// use; however active, it ends 30 days after sign-in (Google Workspace and GitHub sit in the
// same range: weeks, not months).
export const SESSION_LIFETIME = {
  idleSeconds: 7 * 24 * 60 * 60,
  absoluteMs: 30 * 24 * 60 * 60 * 1000,
  renewAfterSeconds: 60 * 60,
} as const;

export function sessionExpired(claims: SessionClaims, now = Date.now()): boolean {
  return typeof claims.authAt !== "number" || now - claims.authAt > SESSION_LIFETIME.absoluteMs;
}
