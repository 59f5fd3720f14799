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

export async function decodeSession(value: string | undefined): Promise<JWT | null> {
  if (!value) return null;
  try {
    return await decode({ token: value, secret: secret() });
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
