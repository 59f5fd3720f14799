import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";
import { proxy } from "@/proxy";
import { decodeSession, sessionCookieName } from "./session-cookie";
import { SESSION_LIFETIME } from "./session-lifetime";

const SECRET = process.env.NEXTAUTH_SECRET!;
const HOUR = 60 * 60 * 1000;

async function cookieFor(claims: { authAt: number; iatMs: number }) {
  const token = { sub: "user-1", sv: 0, sid: "sid-1", authAt: claims.authAt };
  // next-auth's encode stamps iat = now; the proxy reads iat to decide on renewal.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(claims.iatMs);
  try {
    return await encode({ token, secret: SECRET, maxAge: SESSION_LIFETIME.idleSeconds });
  } finally {
    vi.useRealTimers();
  }
}

function visit(path: string, cookie: string) {
  return proxy(
    new NextRequest(`http://localhost:3000${path}`, {
      headers: { cookie: `${sessionCookieName()}=${cookie}` },
    }),
  );
}

describe("sliding session renewal in the proxy", () => {
  it("re-issues a session cookie older than an hour for another idle week", async () => {
    const now = Date.now();
    const res = await visit(
      "/home",
      await cookieFor({ authAt: now - 2 * HOUR, iatMs: now - 2 * HOUR }),
    );
    expect(res.headers.get("location")).toBeNull();
    const set = res.cookies.get(sessionCookieName());
    expect(set?.maxAge).toBe(SESSION_LIFETIME.idleSeconds);
    const token = await decodeSession(set?.value);
    expect(token).toMatchObject({ sub: "user-1", sv: 0, sid: "sid-1", authAt: now - 2 * HOUR });
  });

  it("leaves a fresh cookie alone", async () => {
    const now = Date.now();
    const res = await visit("/home", await cookieFor({ authAt: now, iatMs: now }));
    expect(res.cookies.get(sessionCookieName())).toBeUndefined();
  });

  it("sends a session past its absolute lifetime to the login page", async () => {
    const now = Date.now();
    const authAt = now - SESSION_LIFETIME.absoluteMs - HOUR;
    const res = await visit("/drive", await cookieFor({ authAt, iatMs: now - 2 * HOUR }));
    expect(res.headers.get("location")).toMatch(/\/login\?next=%2Fdrive$/);
  });
});
