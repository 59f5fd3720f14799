import type { Inngest } from "inngest";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb, transaction } from "./db";
import { startExecutor, type Executor } from "./executor";
import { newId } from "./ids";
import { claimStep, findSharedSteps, renewStep, writeSharedStep } from "./step-leases";
import { createRuns, getSteps, pendStep } from "./store";
import {
  databaseUrl,
  freePort,
  resetExecutorTables,
  startRig,
  startServeEndpoint,
  testClient,
  testKeys,
  type Rig,
} from "./testing/harness";

// Scale-out of one run (issue 19): the steps of a parallel batch carry their own leases, so any
// worker sharing the database runs some of them, with the run lease's guarantees per step.

const db = createDb(databaseUrl(), 2);
afterAll(() => db.end());

let rig: Rig | undefined;
const extra: (() => Promise<void>)[] = [];
beforeEach(resetExecutorTables);
afterEach(async () => {
  for (const stop of extra.splice(0)) await stop();
  await rig?.stop();
  rig = undefined;
});

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("two workers sharing one run's parallel steps", () => {
  it("runs the steps of one parallel batch on both workers, each step once", async () => {
    const keys = testKeys();
    const ran: { worker: string; part: number }[] = [];
    const active = new Map<string, number>();
    let peakTotal = 0;
    let peakPerWorker = 0;
    // The same function served by each worker; a step records which worker's endpoint ran it.
    // Each worker runs one shared step at a time (maxParallelSteps 1), so the steps can only
    // ever run two at once if the second worker took some: every step waits until that happens.
    const define = (worker: string) => (client: Inngest) => [
      client.createFunction(
        { id: "spread", triggers: [{ event: "test/spread" }] },
        async ({ step }) => {
          const parts = await Promise.all(
            [1, 2, 3, 4].map((part) =>
              step.run(`part-${part}`, async () => {
                ran.push({ worker, part });
                active.set(worker, (active.get(worker) ?? 0) + 1);
                const total = [...active.values()].reduce((a, b) => a + b, 0);
                peakTotal = Math.max(peakTotal, total);
                peakPerWorker = Math.max(peakPerWorker, active.get(worker)!);
                await until(
                  "a step running on the other worker at the same time",
                  () => peakTotal >= 2,
                );
                active.set(worker, active.get(worker)! - 1);
                return part * 10;
              }),
            ),
          );
          return step.run("sum", () => parts.reduce((a, b) => a + b, 0));
        },
      ),
    ];
    rig = await startRig(define("a"), { maxParallelSteps: 1 }, keys);
    const eventPort = await freePort();
    const clientB = testClient(keys, eventPort);
    const endpointB = await startServeEndpoint(clientB, define("b")(clientB));
    const b: Executor = await startExecutor({
      databaseUrl: databaseUrl(),
      ...keys,
      serveUrl: endpointB.url,
      eventPort,
      leaseMs: 3_000,
      pollMs: 50,
      backoffBaseMs: 50,
      maxParallelSteps: 1,
      log: () => {},
    });
    extra.push(async () => {
      await b.stop(2_000);
      await endpointB.close();
    });

    await rig.client.send({ name: "test/spread", data: {} });
    const [run] = await rig.waitForRuns("spread", 1, undefined, 60_000);
    expect(run?.status).toBe("completed");
    expect(JSON.parse(run!.output ?? "null")).toBe(100);
    // Each part ran exactly once, some on each worker, never two at once on one worker.
    expect(ran.map((r) => r.part).sort()).toEqual([1, 2, 3, 4]);
    expect(new Set(ran.map((r) => r.worker))).toEqual(new Set(["a", "b"]));
    expect(peakPerWorker).toBe(1);
    // The done steps say which worker ran them.
    const steps = await getSteps(db, run!.id);
    const parts = steps.filter((s) => s.name.startsWith("part-"));
    expect(parts.every((s) => s.status === "done" && s.leaseUntil === null)).toBe(true);
    expect(new Set(parts.map((s) => s.leaseOwner))).toEqual(
      new Set([rig.executor.workerId, b.workerId]),
    );
  });
});

describe("step leases", () => {
  async function sharedStep() {
    const now = Date.now();
    const [run] = await transaction(db, async (tx) => {
      const runs = await createRuns(
        tx,
        [
          {
            functionId: `step-leases-${newId()}`,
            eventId: newId(),
            event: { name: "x" },
            lease: { owner: "holder", until: now + 60_000 },
          },
        ],
        now,
      );
      await pendStep(
        tx,
        runs[0]!.id,
        { id: "s1", op: "StepPlanned", name: "s1", attempt: 0, availableAt: now, shared: true },
        now,
      );
      // A sequential step: the run's lease covers it, nobody may claim it.
      await pendStep(
        tx,
        runs[0]!.id,
        { id: "s2", op: "StepPlanned", name: "s2", attempt: 0, availableAt: now },
        now,
      );
      return runs;
    });
    return run!;
  }
  const done = (id: string) => ({
    kind: "done" as const,
    step: { id, op: "StepRun", name: id },
    result: { data: id },
  });

  it("lets one worker at a time claim a shared step, and only its holder store the outcome", async () => {
    const run = await sharedStep();
    expect(await findSharedSteps(db, 10)).toEqual([{ runId: run.id, stepId: "s1" }]);
    expect(await claimStep(db, run.id, "s2", "b", 60_000)).toBe(false);
    expect(await claimStep(db, run.id, "s1", "b", 60_000)).toBe(true);
    expect(await claimStep(db, run.id, "s1", "c", 60_000)).toBe(false);
    expect(await findSharedSteps(db, 10)).toEqual([]);
    expect((await writeSharedStep(db, run.id, "s1", "c", done("s1"))).written).toBe(false);
    expect((await writeSharedStep(db, run.id, "s1", "b", done("s1"))).written).toBe(true);
    // Written once: the holder's second write (a duplicate) stores nothing.
    expect((await writeSharedStep(db, run.id, "s1", "b", done("s1"))).written).toBe(false);
    const s1 = (await getSteps(db, run.id)).find((s) => s.id === "s1");
    expect(s1).toMatchObject({ status: "done", leaseOwner: "b", leaseUntil: null, seq: 0 });
  });

  it("gives a step whose holder stalled past its lease to another worker; the stalled one stores nothing", async () => {
    const run = await sharedStep();
    const claimedAt = Date.now();
    expect(await claimStep(db, run.id, "s1", "b", 1, claimedAt)).toBe(true);
    await until("the lease to pass", () => Date.now() > claimedAt + 1);
    expect(await claimStep(db, run.id, "s1", "c", 60_000)).toBe(true);
    expect(await renewStep(db, run.id, "s1", "b", 60_000)).toBe(false);
    expect((await writeSharedStep(db, run.id, "s1", "b", done("s1"))).written).toBe(false);
    expect(await renewStep(db, run.id, "s1", "c", 60_000)).toBe(true);
    expect((await writeSharedStep(db, run.id, "s1", "c", done("s1"))).written).toBe(true);
  });

  it("stores nothing for a cancelled run and brings a run waiting in the queue forward", async () => {
    const cancelled = await sharedStep();
    expect(await claimStep(db, cancelled.id, "s1", "b", 60_000)).toBe(true);
    await db.query("UPDATE ExecRun SET status = 'cancelled', leaseOwner = NULL WHERE id = ?", [
      cancelled.id,
    ]);
    expect(await renewStep(db, cancelled.id, "s1", "b", 60_000)).toBe(false);
    expect((await writeSharedStep(db, cancelled.id, "s1", "b", done("s1"))).written).toBe(false);

    // The holder handed the run back to wait for the step another worker holds.
    const queued = await sharedStep();
    expect(await claimStep(db, queued.id, "s1", "b", 60_000)).toBe(true);
    const later = Date.now() + 60_000;
    await db.query(
      "UPDATE ExecRun SET status = 'queued', leaseOwner = NULL, availableAt = ? WHERE id = ?",
      [later, queued.id],
    );
    const now = Date.now();
    expect(await writeSharedStep(db, queued.id, "s1", "b", done("s1"), now)).toEqual({
      written: true,
      queued: true,
    });
    const rows: { availableAt: number }[] = await db.query(
      "SELECT availableAt FROM ExecRun WHERE id = ?",
      [queued.id],
    );
    expect(Number(rows[0]?.availableAt)).toBe(now);
  });
});
