import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { proxy } from "@/proxy";
import { addressRateFromEnv, RequestRate, requestRateFromEnv } from "./request-rate";

afterEach(() => vi.unstubAllEnvs());

describe("the request-rate bound", () => {
  it("lets a burst through, then refuses with how long to wait, and refills over time", () => {
    let now = 0;
    const rate = new RequestRate(
      () => ({ perSecond: 2, burst: 3 }),
      () => now,
    );
    expect([1, 2, 3].map(() => rate.take("alice").ok)).toEqual([true, true, true]);
    const refused = rate.take("alice");
    expect(refused).toEqual({
      ok: false,
      retryAfterSeconds: 1,
      message: "Too many requests (the limit is 2 per second). Wait a moment and try again.",
    });
    // Another client is not affected.
    expect(rate.take("bob").ok).toBe(true);
    now = 500; // half a second: one request's worth at 2/s
    expect(rate.take("alice").ok).toBe(true);
    expect(rate.take("alice").ok).toBe(false);
    now = 10_000; // refilled, but never beyond the burst
    expect([1, 2, 3, 4].map(() => rate.take("alice").ok)).toEqual([true, true, true, false]);
  });

  it("forgets clients whose bucket is full again once it holds many", () => {
    let now = 0;
    const rate = new RequestRate(
      () => ({ perSecond: 1, burst: 1 }),
      () => now,
    );
    for (let i = 0; i < 10_001; i++) rate.take(`c${i}`);
    now = 5_000;
    rate.take("new");
    expect(rate.size).toBe(1);
  });

  it("takes its limits from the environment", () => {
    expect(requestRateFromEnv({})).toEqual({ perSecond: 50, burst: 200 });
    expect(
      requestRateFromEnv({
        STRATUS_LIMIT_REQUESTS_PER_SECOND: "5",
        STRATUS_LIMIT_REQUEST_BURST: "7",
      }),
    ).toEqual({ perSecond: 5, burst: 7 });
    expect(requestRateFromEnv({ STRATUS_LIMIT_REQUESTS_PER_SECOND: "nope" }).perSecond).toBe(50);
    expect(addressRateFromEnv({})).toEqual({ perSecond: 200, burst: 800 });
    expect(
      addressRateFromEnv({
        STRATUS_LIMIT_ADDRESS_REQUESTS_PER_SECOND: "9",
        STRATUS_LIMIT_ADDRESS_REQUEST_BURST: "11",
      }),
    ).toEqual({ perSecond: 9, burst: 11 });
  });
});

// Each test's clients come from an address of their own (the address-wide buckets live on).
let address = "";
const ADDRESS = () => address;
const newAddress = () => {
  const b = () => Math.floor(Math.random() * 250) + 1;
  address = `10.${b()}.${b()}.${b()}`;
};

describe("the proxy under a flood", () => {
  it("answers 429 with Retry-After before any session work, per session", async () => {
    newAddress();
    vi.stubEnv("STRATUS_LIMIT_REQUESTS_PER_SECOND", "0.001");
    vi.stubEnv("STRATUS_LIMIT_REQUEST_BURST", "2");
    // A cookie that is no session at all: any session check would send this client to /login.
    const flooder = `flood-${Math.random()}`;
    const request = (cookie: string) =>
      proxy(
        new NextRequest("http://app.test/drive", {
          headers: { cookie: `next-auth.session-token=${cookie}`, "x-forwarded-for": ADDRESS() },
        }),
      );
    const first = await request(flooder);
    const second = await request(flooder);
    // Let through: the session check ran and found no session.
    expect([first.status, second.status]).toEqual([307, 307]);
    expect(first.headers.get("location")).toMatch(/\/login\?next=%2Fdrive$/);
    const answers = await Promise.all(Array.from({ length: 20 }, () => request(flooder)));
    for (const res of answers) {
      // Refused before the session check: not sent to /login.
      expect(res.status).toBe(429);
      expect(res.headers.get("location")).toBeNull();
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // A refusal costs no gzip (lib/server/route.ts jsonCacheControl).
      expect(res.headers.get("cache-control")).toBe("private, no-store, no-transform");
      expect((await res.json()) as unknown).toEqual({
        message: "Too many requests (the limit is 0.001 per second). Wait a moment and try again.",
      });
    }
    // Another session is not held back by the flood.
    expect((await request(`other-${Math.random()}`)).status).toBe(307);
  });

  it("attack: a made-up session cookie per request is still bounded by the client's address", async () => {
    vi.stubEnv("STRATUS_LIMIT_ADDRESS_REQUESTS_PER_SECOND", "0.001");
    vi.stubEnv("STRATUS_LIMIT_ADDRESS_REQUEST_BURST", "5");
    newAddress();
    const attacker = address;
    const request = (from: string) =>
      proxy(
        new NextRequest("http://app.test/drive", {
          headers: {
            // A fresh cookie each time: each one its own per-session bucket, full.
            cookie: `next-auth.session-token=made-up-${Math.random()}`,
            "x-forwarded-for": from,
          },
        }),
      );
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await request(attacker)).status);
    // The address's burst gets through to the session check, the rest is refused before it.
    expect(statuses.slice(0, 5)).toEqual([307, 307, 307, 307, 307]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
    const refused = await request(attacker);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { message: string }).message).toBe(
      "Too many requests from your network (the limit is 0.001 per second). Wait a moment and try again.",
    );
    // Another address is not held back by the flood.
    newAddress();
    expect((await request(address)).status).toBe(307);
  });
});
