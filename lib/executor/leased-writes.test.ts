import { afterAll, describe, expect, it } from "vitest";
import { createDb, transaction } from "./db";
import { newId } from "./ids";
import { claimRuns } from "./leases";
import { completeLeasedRun } from "./lifecycle";
import { completeLeasedStep, createRuns, getRun, getSteps } from "./store";
import { databaseUrl } from "./testing/harness";

// The one-statement writes a driver uses for a step's result and a run's end must write only
// while the lease is the writer's, exactly as the transaction under the row lock does.

const db = createDb(databaseUrl(), 2);
afterAll(() => db.end());

const step = (id: string) => ({ id, op: "StepRun", name: id });

async function leasedRun(owner: string) {
  const functionId = `leased-writes-${newId()}`;
  const now = Date.now();
  const [run] = await transaction(db, (tx) =>
    createRuns(
      tx,
      [
        {
          functionId,
          eventId: newId(),
          event: { name: "x" },
          lease: { owner, until: now + 60_000 },
        },
      ],
      now,
    ),
  );
  return run!;
}

describe("writes conditional on the lease", () => {
  it("records steps in order for the lease holder and nothing for anyone else", async () => {
    const run = await leasedRun("worker-a");
    expect(await completeLeasedStep(db, run.id, "worker-b", step("s0"), { data: 1 }, 1)).toBeNull();
    expect(await getSteps(db, run.id)).toEqual([]);

    expect(await completeLeasedStep(db, run.id, "worker-a", step("s1"), { data: 1 }, 1)).toBe(
      '{"data":1}',
    );
    await completeLeasedStep(db, run.id, "worker-a", step("s2"), { error: { message: "x" } }, 2);
    const steps = await getSteps(db, run.id);
    expect(steps.map((s) => [s.id, s.status, s.seq])).toEqual([
      ["s1", "done", 0],
      ["s2", "done", 1],
    ]);
  });

  it("records nothing once the run was cancelled or its lease taken over", async () => {
    const cancelled = await leasedRun("worker-a");
    await db.query("UPDATE ExecRun SET status = 'cancelled', leaseOwner = NULL WHERE id = ?", [
      cancelled.id,
    ]);
    expect(
      await completeLeasedStep(db, cancelled.id, "worker-a", step("s1"), { data: 1 }, 1),
    ).toBeNull();
    expect(await completeLeasedRun(db, cancelled, "worker-a", "done", 1)).toBe(false);
    expect((await getRun(db, cancelled.id))?.status).toBe("cancelled");

    // The lease expired and another worker claimed the run.
    const taken = await leasedRun("worker-a");
    await db.query("UPDATE ExecRun SET leaseUntil = 0 WHERE id = ?", [taken.id]);
    const claims = await claimRuns(db, "worker-b", 100, 60_000);
    expect(claims.map((c) => c.run.id)).toContain(taken.id);
    expect(
      await completeLeasedStep(db, taken.id, "worker-a", step("s1"), { data: 1 }, 1),
    ).toBeNull();
    expect(await completeLeasedRun(db, taken, "worker-a", "done", 1)).toBe(false);
    expect(await completeLeasedRun(db, taken, "worker-b", "done", 1)).toBe(true);
    const done = await getRun(db, taken.id);
    expect([done?.status, done?.output, done?.leaseOwner]).toEqual(["completed", '"done"', null]);
  });

  it("hands a resumed run's steps to its claimer, and none for a first claim", async () => {
    const resumed = await leasedRun("worker-a");
    await completeLeasedStep(db, resumed.id, "worker-a", step("s1"), { data: 1 }, 1);
    await db.query("UPDATE ExecRun SET status = 'queued', leaseOwner = NULL WHERE id = ?", [
      resumed.id,
    ]);
    const [fresh] = await transaction(db, (tx) =>
      createRuns(tx, [{ functionId: resumed.functionId, eventId: newId(), event: {} }], 0),
    );
    const claims = await claimRuns(db, "worker-c", 100, 60_000);
    const byId = new Map(claims.map((c) => [c.run.id, c]));
    expect(byId.get(resumed.id)?.steps.map((s) => s.id)).toEqual(["s1"]);
    expect(byId.get(resumed.id)?.run).toMatchObject({ status: "running", leaseOwner: "worker-c" });
    expect(byId.get(fresh!.id)?.steps).toEqual([]);
    expect(await getRun(db, fresh!.id)).toMatchObject({
      status: "running",
      leaseOwner: "worker-c",
    });
  });
});
