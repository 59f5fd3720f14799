import { decode, encode, type JWT } from "next-auth/jwt";
import { SESSION_LIFETIME, sessionExpired } from "./session-lifetime";

// next-auth's cookie, read and written outside its own endpoints (no server-only imports: the
// proxy uses it): by currentUser(), by the proxy
// (sliding renewal) and by actions that change the session (a password change keeps this device
// signed in under the new session version).

export function sessionCookieName(): string {
  // next-auth's own rule (useSecureCookies): the __Secure- prefix when the site is https.
  return (process.env.NEXTAUTH_URL ?? "").startsWith("https:")
    ? "__Secure-next-auth.session-token"
    : "next-auth.session-token";
}

export function sessionCookieOptions(maxAge: number) {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    path: "/",
    secure: sessionCookieName().startsWith("__Secure-"),
    maxAge,
  };
}

function secret(): string {
  const s = process.env.NEXTAUTH_SECRET;
  if (!s) throw new Error("NEXTAUTH_SECRET is not set");
  return s;
}

// Decoded cookies, for a few seconds: next-auth's decode derives the key with HKDF and decrypts on
// every call, on the server's thread and its thread pool (where sign-ins' argon2 runs) — under
// another user's flood of requests the largest single cost in the bench's profile of the web
// server (docs/isolation-bench.md). A cookie decodes to the same claims every time; only its
// expiry depends on the clock, and it is checked again on a hit. Revocation is not decided here
// (session-claims.ts checks sign-outs and the session version).
const DECODED_MS = 5_000;
const DECODED_MAX = 2_000;
const decoded = new Map<string, { token: JWT; at: number }>();
/** Decodes done and cache hits (tests). */
export const decodeStats = { decoded: 0, hits: 0 };

export async function decodeSession(value: string | undefined): Promise<JWT | null> {
  if (!value) return null;
  const now = Date.now();
  const hit = decoded.get(value);
  if (hit && now - hit.at < DECODED_MS) {
    // jose's own rule at decode time: expired 15 s past `exp` (its clock tolerance).
    if (typeof hit.token.exp !== "number" || hit.token.exp + 15 > now / 1000) {
      decodeStats.hits += 1;
      return hit.token;
    }
    decoded.delete(value);
    return null;
  }
  try {
    decodeStats.decoded += 1;
    const token = await decode({ token: value, secret: secret() });
    if (token) {
      decoded.delete(value);
      decoded.set(value, { token, at: now });
      // Oldest first (a Map keeps insertion order): bounded whatever the traffic.
      while (decoded.size > DECODED_MAX) decoded.delete(decoded.keys().next().value!);
    }
    return token;
  } catch {
    return null;
  }
}

/** The token re-issued for another idle period, never past the absolute lifetime; null if over. */
export async function renewSession(
  token: JWT,
  now = Date.now(),
): Promise<{ value: string; maxAge: number } | null> {
  if (sessionExpired(token, now)) return null;
  const left = Math.floor(((token.authAt ?? now) + SESSION_LIFETIME.absoluteMs - now) / 1000);
  const maxAge = Math.max(1, Math.min(SESSION_LIFETIME.idleSeconds, left));
  // encode stamps iat, exp and jti anew.
  const claims: JWT = { ...token };
  delete claims.iat;
  delete claims.exp;
  delete claims.jti;
  return { value: await encode({ token: claims, secret: secret(), maxAge }), maxAge };
}

/** Whether the token is old enough to be worth renewing on this request. */
export function dueForRenewal(token: JWT, now = Date.now()): boolean {
  const iat = typeof token.iat === "number" ? token.iat : 0;
  return now / 1000 - iat > SESSION_LIFETIME.renewAfterSeconds;
}
