import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localFetch } from "./local-api";
import { hashedSigningKey } from "./signing";
import { resetExecutorTables, startRig, type Rig } from "./testing/harness";

// The SDK's async checkpointing against the local executor (driver.ts, event-server.ts): one
// call runs a run's sequential steps, and each step's result is stored before the next starts.

let rig: Rig | undefined;
beforeEach(resetExecutorTables);
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const doneSteps = async (runId: string) => {
  const rows: { n: number | bigint }[] = await rig!.db.query(
    "SELECT COUNT(*) AS n FROM ExecStep WHERE runId = ? AND status = 'done'",
    [runId],
  );
  return Number(rows[0]?.n ?? -1);
};

// The SDK's checkpoints reach the event API over HTTP, or in process when the client was given
// localFetch (local-api.ts), as the worker's is: the same checks and the same statement both ways.
describe.each([
  { over: "HTTP", inProcess: false, through: fetch },
  { over: "in process", inProcess: true, through: localFetch },
])("checkpointing ($over)", ({ inProcess, through }) => {
  it("runs five steps in one call, each step's result stored before the next step starts", async () => {
    let calls = 0;
    const storedBefore: number[] = [];
    rig = await startRig(
      (client) => [
        client.createFunction(
          { id: "five", triggers: [{ event: "test/five" }] },
          async ({ step, runId }) => {
            calls++;
            let sum = 0;
            for (let i = 0; i < 5; i++) {
              sum += await step.run(`s${i}`, async () => {
                storedBefore.push(await doneSteps(runId));
                return i + 1;
              });
            }
            return sum;
          },
        ),
      ],
      {},
      undefined,
      { checkpointing: true, inProcess },
    );
    await rig.client.send({ name: "test/five", data: {} });
    const [run] = await rig.waitForRuns("five", 1);
    expect(run?.status).toBe("completed");
    expect(JSON.parse(run!.output ?? "null")).toBe(15);
    // One call to the serve endpoint ran the whole function (without checkpointing: six).
    expect(calls).toBe(1);
    expect(storedBefore).toEqual([0, 1, 2, 3, 4]);
    expect(await doneSteps(run!.id)).toBe(5);
  });

  it("hands a checkpointed result back to later calls as the step's value", async () => {
    let aCalls = 0;
    let bCalls = 0;
    rig = await startRig(
      (client) => [
        client.createFunction(
          { id: "memo", retries: 2, triggers: [{ event: "test/memo" }] },
          async ({ step }) => {
            const a = await step.run("a", () => {
              aCalls++;
              return { n: 41, s: "x", list: [1, null] };
            });
            // Fails once: the retry is a new call, which gets "a" from what the checkpoint stored.
            const b = await step.run("b", () => {
              bCalls++;
              if (bCalls === 1) throw new Error("once");
              return a.n + 1;
            });
            return { a, b };
          },
        ),
      ],
      { backoffBaseMs: 20 },
      undefined,
      { checkpointing: true, inProcess },
    );
    await rig.client.send({ name: "test/memo", data: {} });
    const [run] = await rig.waitForRuns("memo", 1);
    expect(run?.status).toBe("completed");
    expect(JSON.parse(run!.output ?? "null")).toEqual({
      a: { n: 41, s: "x", list: [1, null] },
      b: 42,
    });
    expect(aCalls).toBe(1);
    expect(bCalls).toBe(2);
  });

  it("stores a checkpoint only with the signing key and only for the worker holding the run", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    rig = await startRig(
      (client) => [
        client.createFunction(
          { id: "held", triggers: [{ event: "test/held" }] },
          async ({ step }) => {
            await step.run("wait", async () => {
              started();
              await held;
              return "ok";
            });
            return "done";
          },
        ),
      ],
      {},
      undefined,
      { checkpointing: true, inProcess },
    );
    await rig.client.send({ name: "test/held", data: {} });
    await running;
    const [run] = await rig.runs("held");
    const post = (auth: string, qi: string) =>
      through(`${rig!.executor.eventUrl}/v1/checkpoint/${run!.id}/async`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: auth },
        body: JSON.stringify({
          run_id: run!.id,
          fn_id: "contract-held",
          qi_id: qi,
          steps: [{ id: "forged", op: "StepRun", data: "x" }],
        }),
      }).then((r) => r.status);
    const bearer = `Bearer ${hashedSigningKey(rig.keys.signingKey)}`;
    expect(await post("Bearer signkey-test-00", rig.executor.workerId)).toBe(401);
    expect(await post(bearer, "another-worker")).toBe(409);
    expect(await doneSteps(run!.id)).toBe(0);
    release();
    const [finished] = await rig.waitForRuns("held", 1);
    expect(finished?.status).toBe("completed");
    // The held step, checkpointed by the SDK; nothing forged.
    expect(await doneSteps(run!.id)).toBe(1);
    // A finished run takes no checkpoint, even from the worker that held it.
    expect(await post(bearer, rig.executor.workerId)).toBe(409);
  });
});
