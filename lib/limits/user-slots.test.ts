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

describe("waiting for a slot", () => {
  afterEach(() => vi.useRealTimers());

  const zips = () => new UserSlots(SLOT_KINDS["zip-downloads"]);
  const hold = (slots: UserSlots, user: string) => {
    const slot = slots.acquire(user);
    if (!slot.ok) throw new Error("expected a slot");
    return slot;
  };

  it("hands a released slot to the user's first waiting request, in order, without counting it twice", async () => {
    const slots = zips();
    const a = hold(slots, "alice");
    const b = hold(slots, "alice");
    const third = slots.acquireWithin("alice", undefined, 60_000);
    const fourth = slots.acquireWithin("alice", undefined, 60_000);
    a.release();
    const got = await third;
    expect(got.ok).toBe(true);
    expect(slots.inUse("alice")).toBe(2);
    b.release();
    expect((await fourth).ok).toBe(true);
    expect(slots.inUse("alice")).toBe(2);
    if (got.ok) got.release();
    expect(slots.inUse("alice")).toBe(1);
  });

  it("refuses, naming the limit, only when none is released within the wait", async () => {
    vi.useFakeTimers();
    const slots = zips();
    hold(slots, "alice");
    hold(slots, "alice");
    let answer: Awaited<ReturnType<UserSlots["acquireWithin"]>> | undefined;
    void slots.acquireWithin("alice", undefined, 1000).then((a) => (answer = a));
    await vi.advanceTimersByTimeAsync(999);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer).toEqual({
      ok: false,
      message:
        "You already have 2 zip downloads running (the limit is 2 per user). Wait for a download to finish.",
    });
    // Another user never waits.
    expect((await slots.acquireWithin("bob")).ok).toBe(true);
  });

  it("holds a client that retries as soon as it is refused to one request per wait", async () => {
    // The attack: a client at its limit asks again the moment it is refused. Answered at once,
    // it would make requests as fast as the server can refuse them.
    vi.useFakeTimers();
    const slots = zips();
    hold(slots, "alice");
    hold(slots, "alice");
    let requests = 0;
    let stop = false;
    const loop = (async () => {
      // (Bounded, so that refusals at once end the loop rather than spin it forever.)
      while (!stop && requests < 1000) {
        requests++;
        await slots.acquireWithin("alice", undefined, 1000);
      }
    })();
    await vi.advanceTimersByTimeAsync(5_000);
    stop = true;
    await vi.advanceTimersByTimeAsync(1_000);
    await loop;
    expect(requests).toBeLessThanOrEqual(6);
  });

  it("gives up at once when the request is aborted, and the slot it would have had goes on", async () => {
    const slots = zips();
    const a = hold(slots, "alice");
    hold(slots, "alice");
    const abort = new AbortController();
    const gone = slots.acquireWithin("alice", abort.signal, 60_000);
    const next = slots.acquireWithin("alice", undefined, 60_000);
    abort.abort();
    expect((await gone).ok).toBe(false);
    a.release();
    expect((await next).ok).toBe(true);
    expect(slots.inUse("alice")).toBe(2);
  });

  it("does not wait when STRATUS_LIMIT_SLOT_WAIT_MS is 0", async () => {
    vi.stubEnv("STRATUS_LIMIT_SLOT_WAIT_MS", "0");
    const slots = zips();
    hold(slots, "alice");
    hold(slots, "alice");
    vi.useFakeTimers();
    expect((await slots.acquireWithin("alice")).ok).toBe(false);
  });
});
