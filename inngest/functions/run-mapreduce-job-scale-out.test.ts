import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { createDb } from "@/lib/executor/db";
import { startExecutor, type Executor } from "@/lib/executor/executor";
import { startAppExecutor, stubAppClientEnv } from "@/lib/executor/testing/app-rig";
import { databaseUrl, resetExecutorTables, testKeys } from "@/lib/executor/testing/harness";
import { putImage, waitForJob } from "@/lib/images/testing/fixtures";
import { fixture } from "@/lib/mapreduce/test-helpers";

// Issue 19, the scale-out of one run: two workers sharing the database (and, here, the job
// directory: both run in this process, as two workers on one machine share its disk) split one
// MapReduce job's map tasks between them (bench:jobs:scale-out shows two worker processes). Each worker runs one task at a time, and the first
// tasks wait until two are running at once, which only happens if the second worker took one.

const keys = testKeys();
const eventPort = await stubAppClientEnv(keys);
// Small chunks: the 199-byte input becomes several map tasks; four of them in a wave.
vi.stubEnv("MAPREDUCE_CHUNK_BYTES", "48");
vi.stubEnv("MAPREDUCE_PARALLEL_TASKS", "4");
vi.stubEnv("MAPREDUCE_WORK_DIR", `/tmp/stratus-mr-scale-${process.pid}`);
const { inngest } = await import("@/lib/events/client");
const { runMapReduceJob } = await import("./run-mapreduce-job");
const { cleanUpMapReduceJob } = await import("./clean-up-mapreduce-job");
const { recipeFromInput, startMapReduceJob } = await import("@/lib/mapreduce/submit");
const { getMapReduceJob } = await import("@/lib/mapreduce/store");
const execute = await import("@/lib/mapreduce/execute");

const db = createDb(databaseUrl(), 1);
let first: Awaited<ReturnType<typeof startAppExecutor>>;
let second: Executor | undefined;
let alice = "";
beforeAll(async () => {
  await resetExecutorTables();
  const functions = [runMapReduceJob, cleanUpMapReduceJob];
  first = await startAppExecutor(inngest, functions, keys, eventPort, { maxParallelSteps: 1 });
  // The second worker's executor calls the same serve endpoint: one SDK serve handler per client
  // in a process. Its steps are its own all the same (claimed, leased and written by it).
  second = await startExecutor({
    databaseUrl: databaseUrl(),
    ...keys,
    serveUrl: first.serveUrl,
    eventPort: 0,
    pollMs: 50,
    maxParallelSteps: 1,
    log: () => {},
  });
  alice = await makeUser();
});
afterAll(async () => {
  await second?.stop(2_000);
  await first?.stop();
  await db.end();
  await removeUsers(alice);
  vi.unstubAllEnvs();
});

describe("one MapReduce job on two workers", () => {
  it("runs the job's map tasks on both workers and produces the same output", async () => {
    const real = execute.runTaskStep;
    let running = 0;
    let together = 0;
    const spy = vi.spyOn(execute, "runTaskStep").mockImplementation(async (...args) => {
      running++;
      together = Math.max(together, running);
      const deadline = Date.now() + 60_000;
      while (together < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      try {
        return await real(...args);
      } finally {
        running--;
      }
    });
    try {
      const input = await putImage(
        alice,
        "docs.tsv",
        readFileSync(fixture("docs.tsv")),
        "text/plain",
      );
      const r = await recipeFromInput(alice, { kind: "word-count", inputs: [input.id] });
      if (!r.ok) throw new Error(`form refused: ${JSON.stringify(r.errors)}`);
      const started = await startMapReduceJob(alice, r.recipe);
      const done = await waitForJob(started.jobId!, 280_000);
      expect(done).toMatchObject({ status: "succeeded", error: null });
      expect(together).toBe(2);
      const job = await getMapReduceJob(alice, started.jobId!);
      expect(job!.mapTotal).toBeGreaterThanOrEqual(4);
      expect(job!.counters?.["Map-Reduce Framework"]?.["Map input records"]).toBe(5);

      // Which worker ran each map task: its step's lease holder, kept on the done step.
      const rows: { name: string; leaseOwner: string | null }[] = await db.query(
        "SELECT name, leaseOwner FROM ExecStep WHERE name LIKE 'task-m%' AND status = 'done'",
      );
      expect(rows.length).toBeGreaterThanOrEqual(job!.mapTotal);
      expect(new Set(rows.map((row) => row.leaseOwner))).toEqual(
        new Set([first.executor.workerId, second!.workerId]),
      );
    } finally {
      spy.mockRestore();
    }
  }, 300_000);
});
