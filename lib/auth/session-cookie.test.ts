import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";
import { proxy } from "@/proxy";
import { decodeSession, decodeStats, sessionCookieName } from "./session-cookie";
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

describe("decoded session cookies", () => {
  it("decodes a cookie once per few seconds: the proxy and the route share it", async () => {
    const now = Date.now();
    const cookie = await cookieFor({ authAt: now, iatMs: now });
    const before = { ...decodeStats };
    await visit("/drive", cookie);
    const token = await decodeSession(cookie);
    expect(token?.sub).toBe("user-1");
    expect(decodeStats.decoded - before.decoded).toBe(1);
    expect(decodeStats.hits - before.hits).toBe(1);
    // Anything else than the cookie itself is decoded (and refused) on its own.
    expect(await decodeSession(`${cookie.slice(0, -2)}xx`)).toBeNull();
  });

  it("refuses a cached cookie once it has expired", async () => {
    const t0 = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(t0);
      const token = { sub: "user-1", sv: 0, sid: "sid-1", authAt: t0 };
      const cookie = await encode({ token, secret: SECRET, maxAge: 1 });
      // Valid within jose's 15 s tolerance past exp, and cached…
      vi.setSystemTime(t0 + 14_000);
      expect(await decodeSession(cookie)).not.toBeNull();
      // …then past it, within the cache's few seconds: refused all the same.
      vi.setSystemTime(t0 + 17_000);
      const hits = decodeStats.hits;
      expect(await decodeSession(cookie)).toBeNull();
      expect(decodeStats.hits).toBe(hits);
    } finally {
      vi.useRealTimers();
    }
  });
});
