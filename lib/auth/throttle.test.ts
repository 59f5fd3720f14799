import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { checkThrottle, recordAttempt, THROTTLE } from "./throttle";

const tag = randomUUID().slice(0, 8);
const email = (n: string) => `${n}-${tag}@throttle.test`;
const ip = (n: number) => `203.0.113.${n}`;

afterAll(async () => {
  await db.loginAttempt.deleteMany({ where: { email: { endsWith: `-${tag}@throttle.test` } } });
});

describe("checkThrottle", () => {
  it("allows four failures for an email and refuses the fifth onwards", async () => {
    const e = email("five");
    for (let i = 0; i < 4; i++) await recordAttempt(e, ip(1), false);
    expect(await checkThrottle(e, ip(1))).toEqual({ allowed: true });

    await recordAttempt(e, ip(1), false);
    const verdict = await checkThrottle(e, ip(1));
    expect(verdict.allowed).toBe(false);
    if (verdict.allowed) return;
    const minutes = (verdict.retryAt.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    // Another email from the same address is not affected.
    expect(await checkThrottle(email("other"), ip(1))).toEqual({ allowed: true });
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
