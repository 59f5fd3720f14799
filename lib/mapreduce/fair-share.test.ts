// Fair share of a worker's task slots: one user's queue of big jobs cannot keep another user's
// job from running. The pool gives each user at most STRATUS_LIMIT_MAPREDUCE_TASKS_PER_USER slots
// and hands free slots out in turn between the users waiting for one.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CancelledError, warmEngine, type SlotWait } from "./engine";
import { runJobLocally, type JobContext } from "./run-local";
import { expected, makeJobDir, removeJobDirs, sortedOutput } from "./test-helpers";

const engine = { concurrency: 4 };

beforeAll(() => {
  vi.stubEnv("STRATUS_LIMIT_MAPREDUCE_TASKS_PER_USER", "2");
  warmEngine(engine);
});
afterEach(() => removeJobDirs());
afterAll(() => vi.unstubAllEnvs());

/** What one user's tasks went through: started, waited (and why). */
function observer(owner: string) {
  const seen = { owner, started: 0, finished: 0, waits: [] as SlotWait[] };
  const ctx: JobContext = {
    owner,
    engine,
    maxAttempts: 1,
    plan: { chunkBytes: 64 },
    onWait: (w) => seen.waits.push(w),
    onStart: async () => {
      seen.started++;
    },
  };
  return { seen, ctx };
}

let state: () => unknown = () => null;
async function until(what: string, ok: () => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(state())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A job whose map tasks read their split and then sleep until cancelled. */
function slowJob(id: string, ctx: JobContext, signal: AbortSignal) {
  const { dir, inputs } = makeJobDir(
    [{ name: "docs.tsv", fixture: "docs.tsv" }],
    ["slow_mapper.py"],
  );
  return runJobLocally(
    {
      jobId: id,
      job: { kind: "user", mapper: "slow_mapper.py", reducer: null, combiner: null },
      options: { combiner: "none", taskTimeoutSeconds: 300 },
      inputs,
    },
    dir,
    { ...ctx, signal },
  ).catch((e: unknown) => e);
}

describe("task slots per user", () => {
  it("user B's job runs while user A's three big jobs hold all the slots A may have", async () => {
    const a = observer("user-a");
    const c = observer("user-c");
    const stopA = new AbortController();
    const stopC = new AbortController();
    // A: three jobs of three sleeping map tasks each (9 tasks), on a pool of 4 slots.
    state = () => ({ a: a.seen, c: c.seen });
    const aJobs = [0, 1, 2].map((i) => slowJob(`a-${i}`, a.ctx, stopA.signal));
    await until(
      "A's 2 tasks to start and the rest to wait",
      () => a.seen.started === 2 && a.seen.waits.length >= 4,
    );
    // A is held at its limit though two slots are free, and says why.
    expect(a.seen.waits.every((w) => w.reason === "user-limit")).toBe(true);
    expect(a.seen.waits[0]!.message).toBe(
      "Waiting for a task slot: your jobs already run 2 tasks on this worker (the limit is 2 per user).",
    );

    // C takes the other two slots: the pool is full.
    const cJob = slowJob("c-0", c.ctx, stopC.signal);
    await until("C's 2 tasks to start", () => c.seen.started === 2);
    expect(a.seen.started).toBe(2);

    // B's small job waits for a free slot, not behind A's queue.
    const b = observer("user-b");
    const docs = makeJobDir([{ name: "docs.tsv", fixture: "docs.tsv" }]);
    const bJob = runJobLocally(
      { jobId: "b", job: { kind: "word-count" }, options: { reducers: 2 }, inputs: docs.inputs },
      docs.dir,
      b.ctx,
    );
    await until("B's tasks to wait", () => b.seen.waits.length > 0);
    expect(b.seen.started).toBe(0);
    expect(b.seen.waits[0]!.reason).toBe("pool-full");
    expect(b.seen.waits[0]!.message).toBe(
      "Waiting for a task slot: the worker runs 4 tasks at once, shared fairly between users.",
    );

    // C's job ends: its slots go to B, whose tasks were queued after A's seven.
    stopC.abort();
    expect(await cJob).toBeInstanceOf(CancelledError);
    const bResult = await bJob;
    expect(sortedOutput(bResult).split("\n").filter(Boolean).sort()).toEqual(
      expected("word-count.txt").split("\n").filter(Boolean).sort(),
    );
    expect(b.seen.started).toBeGreaterThanOrEqual(bResult.plan.mapTasks.length + 2);
    // All the while, A never held more than its two slots.
    expect(a.seen.started).toBe(2);

    stopA.abort();
    for (const r of await Promise.all(aJobs)) expect(r).toBeInstanceOf(CancelledError);
  });
});
