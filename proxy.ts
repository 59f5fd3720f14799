import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { NONCE_HEADER, newNonce, securityHeaders } from "@/lib/http/security-headers";
import { REQUEST_ID_HEADER, requestIdFrom } from "@/lib/log/request-id";
import { addressRate, requestRate } from "@/lib/limits/request-rate";
import { clientIp } from "@/lib/auth/client-ip";
import {
  decodeSession,
  dueForRenewal,
  renewSession,
  sessionCookieName,
  sessionCookieOptions,
} from "@/lib/auth/session-cookie";

// Every request gets an id (nginx's, else a new one) that route handlers, actions and the jobs they
// start log with (lib/log); the response carries it back.
// Every response gets the security headers, with a fresh CSP nonce that Next puts on its own
// scripts (it reads the nonce from the request's Content-Security-Policy header).
// Then a first, cheap gate: signed-out visitors of app routes go to the login page and come back
// after. Pages, server actions and route handlers still check the session themselves
// (currentUser() also checks the session version and sign-outs, which need the database).
// Signed-in visits to app pages renew the session cookie (sliding expiry, lib/auth/session-cookie.ts).
const GATED = /^\/(home|drive|images|mapreduce|pulse|profile)(\/|$)/;

export async function proxy(request: NextRequest) {
  const requestId = requestIdFrom(request.headers);
  // First of all, before any session or database work: one client's flood is refused for the
  // price of a map lookup (lib/limits/request-rate.ts).
  const address = clientIp(request.headers, Number(process.env.TRUSTED_PROXY_HOPS) || 0);
  const byAddress = addressRate().take(`ip:${address}`);
  const rate = byAddress.ok ? requestRate().take(rateKey(request, address)) : byAddress;
  if (!rate.ok) {
    return NextResponse.json(
      { message: rate.message },
      {
        status: 429,
        headers: {
          "retry-after": String(rate.retryAfterSeconds),
          // Small: not gzipped (lib/server/route.ts, jsonCacheControl) — a flood's refusals
          // must cost the server as little as possible.
          "cache-control": "private, no-store, no-transform",
          [REQUEST_ID_HEADER]: requestId,
        },
      },
    );
  }
  const nonce = newNonce();
  const https =
    request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
  const security = securityHeaders({
    nonce,
    https,
    dev: process.env.NODE_ENV === "development",
  });
  const finish = (response: NextResponse) => {
    response.headers.set(REQUEST_ID_HEADER, requestId);
    for (const [name, value] of Object.entries(security)) response.headers.set(name, value);
    return response;
  };

  const { pathname, search } = request.nextUrl;
  let renewed: Awaited<ReturnType<typeof renewSession>> = null;
  if (GATED.test(pathname)) {
    const token = await getToken({
      req: request,
      secret: process.env.NEXTAUTH_SECRET,
      // The decoded-cookie cache of currentUser() too (HKDF + decryption once per 5 s).
      decode: ({ token }) => decodeSession(token),
    });
    if (token && dueForRenewal(token)) renewed = await renewSession(token);
    if (!token || (dueForRenewal(token) && !renewed)) {
      const login = new URL("/login", request.url);
      login.searchParams.set("next", `${pathname}${search}`);
      return finish(NextResponse.redirect(login));
    }
  }
  const headers = new Headers(request.headers);
  headers.set(REQUEST_ID_HEADER, requestId);
  headers.set(NONCE_HEADER, nonce);
  headers.set("content-security-policy", security["content-security-policy"]!);
  const response = NextResponse.next({ request: { headers } });
  if (renewed) {
    response.cookies.set(sessionCookieName(), renewed.value, sessionCookieOptions(renewed.maxAge));
  }
  return finish(response);
}

/** Whose bucket a request takes from: its session (each signed-in device), else its address.
 * (Every request takes from its address's bucket as well, above: a made-up cookie per request
 * must not be a fresh bucket each time.) */
function rateKey(request: NextRequest, address: string): string {
  const name = sessionCookieName();
  // next-auth splits a large session cookie into name.0, name.1…
  const session = request.cookies.get(name)?.value ?? request.cookies.get(`${name}.0`)?.value;
  if (session) return `s:${session}`;
  return `ip:${address}`;
}

export const config = {
  // Everything but build assets, which carry no work worth tracing.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
