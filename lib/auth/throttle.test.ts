import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { checkThrottle, delayAfter, recordAttempt, THROTTLE } from "./throttle";

const tag = randomUUID().slice(0, 8);
const email = (n: string) => `${n}-${tag}@throttle.test`;
const ip = (n: number) => `203.0.113.${n}`;

afterAll(async () => {
  await db.loginAttempt.deleteMany({ where: { email: { endsWith: `-${tag}@throttle.test` } } });
});

describe("checkThrottle", () => {
  it("allows four failures for an (email, IP), then delays, doubling with each failure", async () => {
    const e = email("five");
    for (let i = 0; i < 4; i++) await recordAttempt(e, ip(1), false);
    expect(await checkThrottle(e, ip(1))).toEqual({ allowed: true });

    await recordAttempt(e, ip(1), false);
    const first = await checkThrottle(e, ip(1));
    if (first.allowed) throw new Error("expected a delay after the fifth failure");
    const minutes = (first.retryAt.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(0.9);
    expect(minutes).toBeLessThanOrEqual(1);

    await recordAttempt(e, ip(1), false);
    const second = await checkThrottle(e, ip(1));
    if (second.allowed) throw new Error("expected a longer delay");
    expect((second.retryAt.getTime() - Date.now()) / 60_000).toBeGreaterThan(1.9);
    // Another email from the same address is not affected.
    expect(await checkThrottle(email("other"), ip(1))).toEqual({ allowed: true });
  });

  it("never delays more than the cap", () => {
    expect(delayAfter(THROTTLE.pair, 4)).toBe(0);
    expect(delayAfter(THROTTLE.pair, 5)).toBe(60_000);
    expect(delayAfter(THROTTLE.pair, 50)).toBe(THROTTLE.pair.maxDelayMs);
    expect(delayAfter(THROTTLE.email, 500)).toBe(5 * 60_000);
  });

  it("forgets failures older than the window", async () => {
    const e = email("old");
    const old = new Date(Date.now() - THROTTLE.windowMs - 60_000);
    await db.loginAttempt.createMany({
      data: Array.from({ length: 6 }, () => ({
        email: e,
        ip: ip(2),
        success: false,
        createdAt: old,
      })),
    });
    expect(await checkThrottle(e, ip(2))).toEqual({ allowed: true });
  });

  it("starts counting again after a successful sign-in", async () => {
    const e = email("reset");
    const earlier = new Date(Date.now() - 60_000);
    await db.loginAttempt.createMany({
      data: Array.from({ length: 4 }, () => ({
        email: e,
        ip: ip(3),
        success: false,
        createdAt: earlier,
      })),
    });
    await recordAttempt(e, ip(3), true);
    await recordAttempt(e, ip(3), false);
    expect(await checkThrottle(e, ip(3))).toEqual({ allowed: true });
  });

  it("refuses an address after twenty failures across any emails", async () => {
    for (let i = 0; i < 19; i++) await recordAttempt(email(`spray${i}`), ip(4), false);
    expect(await checkThrottle(email("victim"), ip(4))).toEqual({ allowed: true });
    await recordAttempt(email("spray19"), ip(4), false);
    expect((await checkThrottle(email("victim"), ip(4))).allowed).toBe(false);
    expect(await checkThrottle(email("victim"), ip(5))).toEqual({ allowed: true });
  });
});

describe("attack: a stranger locks an account owner out (issue 14 item 7)", () => {
  it("failures from a stranger's address do not lock the owner out on theirs", async () => {
    const e = email("victim-owner");
    for (let i = 0; i < 10; i++) await recordAttempt(e, ip(66), false);
    expect(await checkThrottle(e, ip(67))).toEqual({ allowed: true });
    // The stranger himself is slowed down.
    expect((await checkThrottle(e, ip(66))).allowed).toBe(false);
  });
});

describe("attack: guessing one account's password from many addresses (issue 14 item 7)", () => {
  it("is slowed by the per-email cap, which delays by minutes, never locks for long", async () => {
    const e = email("rotated");
    for (let i = 0; i < 20; i++) await recordAttempt(e, `198.51.100.${i + 1}`, false);
    const verdict = await checkThrottle(e, "198.51.100.99");
    if (verdict.allowed) throw new Error("expected the per-email delay");
    expect(verdict.retryAt.getTime() - Date.now()).toBeLessThanOrEqual(THROTTLE.email.maxDelayMs);
  });
});
