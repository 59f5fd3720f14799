import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb } from "./db";
import {
  databaseUrl,
  freePort,
  resetExecutorTables,
  startRig,
  testClient,
  testKeys,
  type Rig,
} from "./testing/harness";

const children: ChildProcess[] = [];
let dir = "";
let rig: Rig | undefined;

beforeEach(async () => {
  await resetExecutorTables();
  dir = mkdtempSync(path.join(os.tmpdir(), "stratus-durability-"));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await rig?.stop();
  rig = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Both ways the executor calls: one step per call, and the SDK's checkpointing (sequential steps
// in one call, each result stored before the next step starts).
describe.each([
  { mode: "one step per call", checkpointing: false, inProcess: false },
  { mode: "checkpointing", checkpointing: true, inProcess: false },
  { mode: "checkpointing in process", checkpointing: true, inProcess: true },
])("durability ($mode)", ({ checkpointing, inProcess }) => {
  it("completes a run after the worker is SIGKILLed mid-step, without repeating finished steps", async () => {
    const keys = testKeys();
    const stepLog = path.join(dir, "steps.log");
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl(),
      INNGEST_SIGNING_KEY: keys.signingKey,
      INNGEST_EVENT_KEY: keys.eventKey,
      EVENT_PORT: String(await freePort()),
      SERVE_PORT: String(await freePort()),
      STEP_LOG: stepLog,
      CHECKPOINTING: checkpointing ? "1" : "0",
      IN_PROCESS: inProcess ? "1" : "0",
    };
    const lines = () =>
      existsSync(stepLog) ? readFileSync(stepLog, "utf8").trim().split("\n") : [];
    const startWorker = () => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "lib/executor/testing/kill-worker.ts"],
        {
          cwd: process.cwd(),
          env,
          stdio: ["ignore", "inherit", "inherit"],
        },
      );
      children.push(child);
      return child;
    };

    const first = startWorker();
    await until("the first worker", () => lines().includes("ready"), 90_000);
    await testClient(keys, Number(env.EVENT_PORT)).send({ name: "test/durable", data: {} });
    await until("step two to start", () => lines().includes("two:start"));
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));

    startWorker();
    const db = createDb(databaseUrl(), 1);
    try {
      const status = await until(
        "the run to complete",
        async () => {
          const rows: { status: string; output: string | null }[] = await db.query(
            "SELECT status, output FROM ExecRun WHERE functionId = 'contract-durable'",
          );
          return rows[0] && ["completed", "failed"].includes(rows[0].status) ? rows[0] : undefined;
        },
        90_000,
      );
      expect(status).toEqual({ status: "completed", output: '"finished"' });
    } finally {
      await db.end();
    }
    const steps = lines().filter((l) => l !== "ready");
    // Step one finished before the kill and is never repeated; step two was cut off and re-ran.
    expect(steps.filter((l) => l === "one")).toHaveLength(1);
    expect(steps.filter((l) => l === "two:start")).toHaveLength(2);
    expect(steps.filter((l) => l === "two:end")).toHaveLength(1);
    expect(steps.filter((l) => l === "three")).toHaveLength(1);
  }, 240_000);

  it("lets two workers share one database without running any step twice", async () => {
    const counts = new Map<string, number>();
    const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
    rig = await startRig(
      (client) => [
        client.createFunction(
          { id: "shared", triggers: [{ event: "test/shared" }] },
          async ({ event, step }) => {
            for (const name of ["a", "b", "c"]) {
              await step.run(name, async () => {
                count(`${String(event.data.n)}:${name}`);
                await new Promise((r) => setTimeout(r, 5));
              });
            }
          },
        ),
      ],
      {},
      undefined,
      { checkpointing, inProcess },
    );
    const { startExecutor } = await import("./executor");
    const second = await startExecutor({
      databaseUrl: databaseUrl(),
      ...rig.keys,
      serveUrl: rig.serveUrl,
      eventPort: 0,
      leaseMs: 3_000,
      pollMs: 50,
      log: () => {},
    });
    try {
      await rig.client.send(
        Array.from({ length: 30 }, (_, n) => ({ name: "test/shared", data: { n } })),
      );
      const runs = await rig.waitForRuns("shared", 30, undefined, 30_000);
      expect(runs.every((r) => r.status === "completed")).toBe(true);
      expect(counts.size).toBe(90);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      const workers: { n: number }[] = await rig.db.query("SELECT COUNT(*) AS n FROM ExecWorker");
      expect(workers[0]?.n).toBe(2);
    } finally {
      await second.stop(2_000);
    }
  });
});
