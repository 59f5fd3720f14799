import { afterEach, describe, expect, it, vi } from "vitest";
import { UserSlots, SLOT_KINDS } from "./user-slots";

afterEach(() => vi.unstubAllEnvs());

describe("per-user slots", () => {
  it("bounds one user and names the limit, leaving other users alone", () => {
    const slots = new UserSlots(SLOT_KINDS["zip-downloads"]);
    const a1 = slots.acquire("alice");
    const a2 = slots.acquire("alice");
    const a3 = slots.acquire("alice");
    expect(a1.ok && a2.ok).toBe(true);
    expect(a3).toEqual({
      ok: false,
      message:
        "You already have 2 zip downloads running (the limit is 2 per user). Wait for a download to finish.",
    });
    expect(slots.acquire("bob").ok).toBe(true);
    if (a1.ok) {
      a1.release();
      a1.release(); // twice is once
    }
    expect(slots.inUse("alice")).toBe(1);
    expect(slots.acquire("alice").ok).toBe(true);
    expect(slots.acquire("alice").ok).toBe(false);
  });

  it("takes its limit from the environment", () => {
    vi.stubEnv("STRATUS_LIMIT_PULSE_STREAMS_PER_USER", "1");
    const slots = new UserSlots(SLOT_KINDS["pulse-streams"]);
    expect(slots.acquire("alice").ok).toBe(true);
    const second = slots.acquire("alice");
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.message).toMatch(/\(the limit is 1 per user\)/);
  });
});
