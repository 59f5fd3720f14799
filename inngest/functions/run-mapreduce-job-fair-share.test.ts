import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { startAppExecutor, stubAppClientEnv } from "@/lib/executor/testing/app-rig";
import { resetExecutorTables, testKeys } from "@/lib/executor/testing/harness";
import { putImage, waitForJob } from "@/lib/images/testing/fixtures";
import { fixture } from "@/lib/mapreduce/test-helpers";

// Fair share through the real executor and store: user A's three big jobs (sleeping mappers,
// more tasks than the worker has slots) run beside user B's small word count. A holds no more
// than its task slots, its waiting tasks and its jobs' phase say which limit holds them back, and
// B's job runs to the end while all of A's jobs are still running.

const keys = testKeys();
const eventPort = await stubAppClientEnv(keys);
vi.stubEnv("MAPREDUCE_CHUNK_BYTES", "64");
vi.stubEnv("MAPREDUCE_PARALLEL_TASKS", "4");
vi.stubEnv("STRATUS_LIMIT_MAPREDUCE_TASKS_PER_USER", "2");
// Waiting steps hand back every 2 s and ask again in a new step (in production every 5 min).
vi.stubEnv("MAPREDUCE_SLOT_WAIT_SECONDS", "2");
vi.stubEnv("MAPREDUCE_WORK_DIR", `/tmp/stratus-mr-fair-${process.pid}`);
const { inngest } = await import("@/lib/events/client");
const { runMapReduceJob } = await import("./run-mapreduce-job");
const { cleanUpMapReduceJob } = await import("./clean-up-mapreduce-job");
const { recipeFromInput, startMapReduceJob } = await import("@/lib/mapreduce/submit");
const { getMapReduceJob } = await import("@/lib/mapreduce/store");
const { cancelJob } = await import("@/lib/jobs/cancel");

let rig: Awaited<ReturnType<typeof startAppExecutor>>;
let alice = "";
let bob = "";
beforeAll(async () => {
  await resetExecutorTables();
  rig = await startAppExecutor(inngest, [runMapReduceJob, cleanUpMapReduceJob], keys, eventPort);
  alice = await makeUser();
  bob = await makeUser();
});
afterAll(async () => {
  await rig?.stop();
  await removeUsers(alice, bob);
  vi.unstubAllEnvs();
});

const putFixture = (owner: string, name: string, ...path: string[]) =>
  putImage(owner, name, readFileSync(fixture(...path)), "text/plain");

async function submit(owner: string, form: Record<string, unknown>) {
  const r = await recipeFromInput(owner, form);
  if (!r.ok) throw new Error(`form refused: ${JSON.stringify(r.errors)}`);
  const started = await startMapReduceJob(owner, r.recipe);
  if (!started.ok) throw new Error(started.message);
  return started.jobId!;
}

async function tasksOf(owner: string, jobIds: string[]) {
  const jobs = await Promise.all(jobIds.map((id) => getMapReduceJob(owner, id)));
  return jobs.flatMap((j) => j?.tasks ?? []);
}

async function until<T>(what: string, probe: () => Promise<T | null | false>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("run-mapreduce-job: task slots per user", () => {
  it("B's job runs to the end while A's three big jobs wait at A's limit of 2 slots", async () => {
    const docs = await putFixture(alice, "docs.tsv", "docs.tsv");
    const slow = await putFixture(alice, "slow_mapper.py", "programs", "slow_mapper.py");
    const aJobs: string[] = [];
    for (let i = 0; i < 3; i++) {
      aJobs.push(
        await submit(alice, {
          name: `A big ${i}`,
          kind: "user",
          inputs: [docs.id],
          mapper: slow.id,
          combiner: "none",
        }),
      );
    }
    // Every A job gets to its tasks; two of A's tasks run, the others wait and say why.
    const waitingWhy =
      "Waiting for a task slot: your jobs already run 2 tasks on this worker (the limit is 2 per user).";
    await until("A at its limit with tasks waiting", async () => {
      const tasks = await tasksOf(alice, aJobs);
      const running = tasks.filter((t) => t.state === "running").length;
      const waiting = tasks.filter((t) => t.state === "pending" && t.status === waitingWhy);
      return running === 2 && waiting.length >= 3;
    });
    const phases = await db.job.findMany({ where: { id: { in: aJobs } }, select: { phase: true } });
    expect(
      phases.some((p) => /waiting \(limit: 2 task slots per user\)$/.test(p.phase ?? "")),
    ).toBe(true);

    const bDocs = await putFixture(bob, "docs.tsv", "docs.tsv");
    const bJob = await submit(bob, { name: "B small", kind: "word-count", inputs: [bDocs.id] });
    const done = await waitForJob(bJob, 120_000);
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    const b = await getMapReduceJob(bob, bJob);
    expect(b!.tasks.length).toBeGreaterThanOrEqual(4);
    expect(b!.tasks.every((t) => t.state === "succeeded")).toBe(true);

    // All the while A's jobs kept running, still at two tasks.
    const aStatus = await db.job.findMany({
      where: { id: { in: aJobs } },
      select: { status: true },
    });
    expect(aStatus.map((j) => j.status)).toEqual(["running", "running", "running"]);
    const aTasks = await tasksOf(alice, aJobs);
    expect(aTasks.filter((t) => t.state === "running")).toHaveLength(2);
    expect(aTasks.filter((t) => t.state === "succeeded")).toHaveLength(0);
    // A waiting step hands back within MAPREDUCE_SLOT_WAIT_SECONDS and asks again in a new one…
    await until("a waiting task to ask again", async () =>
      (await db.execStep.count({ where: { name: { contains: "-ask-" } } })) > 0 ? true : null,
    );
    // …still on its first attempt.
    expect(aTasks.filter((t) => t.attempts > 1)).toEqual([]);
    expect(aTasks.filter((t) => t.state === "failed")).toEqual([]);

    for (const id of aJobs) expect(await cancelJob(alice, id)).toBe(true);
    await until("A's tasks to stop", async () =>
      (await tasksOf(alice, aJobs)).every((t) => t.state !== "running"),
    );
  });
});
