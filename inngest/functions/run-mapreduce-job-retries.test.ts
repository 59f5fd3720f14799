import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { startAppExecutor, stubAppClientEnv } from "@/lib/executor/testing/app-rig";
import { resetExecutorTables, testClient, testKeys } from "@/lib/executor/testing/harness";
import { putImage, waitForJob } from "@/lib/images/testing/fixtures";
import { fixture } from "@/lib/mapreduce/test-helpers";

// Fail fast (lib/mapreduce/failure-kind.ts) through the real job function, executor, store and
// sandbox: a program that cannot be loaded is not retried, one that fails the same way twice gets
// no third attempt, a flaky one still gets its second, and every attempt keeps its own log.

const keys = testKeys();
const eventPort = await stubAppClientEnv(keys);
vi.stubEnv("MAPREDUCE_WORK_DIR", `/tmp/stratus-mr-retries-${process.pid}`);
const { inngest } = await import("@/lib/events/client");
const { runMapReduceJob } = await import("./run-mapreduce-job");
const { cleanUpMapReduceJob } = await import("./clean-up-mapreduce-job");
const { recipeFromInput, startMapReduceJob } = await import("@/lib/mapreduce/submit");
const { getTaskLog, listTaskAttempts } = await import("@/lib/mapreduce/store");

let rig: Awaited<ReturnType<typeof startAppExecutor>>;
let alice = "";
beforeAll(async () => {
  await resetExecutorTables();
  rig = await startAppExecutor(inngest, [runMapReduceJob, cleanUpMapReduceJob], keys, eventPort, {
    backoffBaseMs: 20,
  });
  alice = await makeUser();
});
afterAll(async () => {
  await rig?.stop();
  await removeUsers(alice);
  vi.unstubAllEnvs();
});
void testClient;

const putProgram = (name: string) =>
  putImage(alice, name, readFileSync(fixture("programs", name)), "text/plain");

async function runWith(mapper: string) {
  const input = await putImage(alice, "docs.tsv", readFileSync(fixture("docs.tsv")), "text/plain");
  const program = await putProgram(mapper);
  const r = await recipeFromInput(alice, {
    name: `Retries ${mapper}`,
    kind: "user",
    inputs: [input.id],
    mapper: program.id,
    combiner: "none",
  });
  if (!r.ok) throw new Error(`form refused: ${JSON.stringify(r.errors)}`);
  const started = await startMapReduceJob(alice, r.recipe);
  expect(started.ok).toBe(true);
  const jobId = started.jobId!;
  const done = await waitForJob(jobId, 120_000);
  const tasks = await db.mapReduceTask.findMany({ where: { jobId }, orderBy: { taskId: "asc" } });
  return { jobId, done, tasks };
}

describe("retries of failed task attempts", () => {
  it("does not retry a mapper with a syntax error: the job fails after 1 attempt", async () => {
    const { jobId, done, tasks } = await runWith("syntax_error_mapper.py");
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/^Map task m-\d{5} failed after 1 attempt: The mapper exited/);
    expect(done.error).toContain("not retried: the program cannot be loaded (SyntaxError");
    const failed = tasks.find((t) => t.state === "failed")!;
    expect(failed.attempts).toBe(1);
    const attempts = await listTaskAttempts(alice, jobId, failed.taskId);
    expect(attempts?.map((a) => [a.attempt, a.state])).toEqual([[1, "failed"]]);
    expect(await getTaskLog(alice, jobId, failed.taskId, 1)).toContain("SyntaxError");
    expect(await getTaskLog(alice, jobId, failed.taskId, 2)).toBeNull();
  });

  it("still retries a flaky mapper that fails once, and keeps each attempt's log", async () => {
    const { jobId, done, tasks } = await runWith("flaky_mapper.py");
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    const map = tasks.filter((t) => t.kind === "map");
    expect(map.length).toBeGreaterThan(0);
    for (const t of map) {
      expect(t.attempts).toBe(2);
      const attempts = await listTaskAttempts(alice, jobId, t.taskId);
      expect(attempts?.map((a) => [a.attempt, a.state])).toEqual([
        [1, "failed"],
        [2, "succeeded"],
      ]);
      expect(attempts?.[0]?.error).toMatch(
        /^Attempt 1 of up to 3: The mapper exited with status 2/,
      );
      // The first attempt's stderr is its own; the second (which succeeded) wrote none.
      expect(await getTaskLog(alice, jobId, t.taskId, 1)).toContain("failing on purpose");
      expect(await getTaskLog(alice, jobId, t.taskId, 2)).toBe("");
    }
  });

  it("gives all three attempts to a mapper that fails differently each time", async () => {
    const { jobId, done, tasks } = await runWith("changing_mapper.py");
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/^Map task m-\d{5} failed after 3 attempts: /);
    const failed = tasks.find((t) => t.state === "failed")!;
    const attempts = await listTaskAttempts(alice, jobId, failed.taskId);
    expect(attempts?.map((a) => a.state)).toEqual(["failed", "failed", "failed"]);
    expect(await getTaskLog(alice, jobId, failed.taskId, 1)).toContain("after 3 s");
    expect(await getTaskLog(alice, jobId, failed.taskId, 3)).toContain("after 17 s");
  });
});
