import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startAppExecutor, stubAppClientEnv } from "@/lib/executor/testing/app-rig";
import { resetExecutorTables, testKeys } from "@/lib/executor/testing/harness";

// The app's own client with the local executor, as in the worker: a run's sequential steps in one
// call (checkpointing), each step's result reaching the executor's event API in process.

const keys = testKeys();
await stubAppClientEnv(keys);
const { inngest } = await import("./client");
afterAll(() => vi.unstubAllEnvs());

const stops: (() => Promise<void>)[] = [];
beforeEach(resetExecutorTables);
afterEach(async () => {
  vi.restoreAllMocks();
  for (const stop of stops.splice(0)) await stop();
});

describe("the app's Inngest client", () => {
  it("runs a function's three steps in one call, checkpointed in process", async () => {
    let calls = 0;
    const steps = inngest.createFunction(
      { id: "client-test-steps", triggers: [{ event: "test/client.steps" }] },
      async ({ step }) => {
        calls++;
        let sum = 0;
        for (const n of [1, 2, 3]) sum += await step.run(`s${n}`, () => n);
        return sum;
      },
    );
    const rig = await startAppExecutor(inngest, [steps], keys);
    stops.push(rig.stop);
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    await inngest.send({ name: "test/client.steps", data: {} });
    const deadline = Date.now() + 20_000;
    let rows: { id: string; status: string; output: string | null }[] = [];
    while (Date.now() < deadline) {
      rows = await rig.executor.db.query(
        "SELECT id, status, output FROM ExecRun WHERE functionId = 'stratus-client-test-steps'",
      );
      if (rows[0]?.status === "completed") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows[0]).toMatchObject({ status: "completed", output: "6" });
    // Without checkpointing: four calls (the function, then one per step).
    expect(calls).toBe(1);
    const stored: { n: number | bigint }[] = await rig.executor.db.query(
      "SELECT COUNT(*) AS n FROM ExecStep WHERE runId = ? AND status = 'done'",
      [rows[0]!.id],
    );
    expect(Number(stored[0]?.n)).toBe(3);
    // The send and the three checkpoints never left the process.
    const toExecutor = fetchSpy.mock.calls.filter(([input]) =>
      String(input instanceof URL ? input.href : input).startsWith(rig.executor.eventUrl),
    );
    expect(toExecutor).toEqual([]);
  });
});
