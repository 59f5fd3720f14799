import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  countFileRows,
  countFolderRows,
  makeUser,
  removeUsers,
  seedFileRow,
  seedFileRows,
  seedFolderRow,
} from "@/lib/drive/test-helpers";
import { startAppExecutor, stubAppClientEnv } from "@/lib/executor/testing/app-rig";
import {
  databaseUrl,
  freePort,
  resetExecutorTables,
  testClient,
  testKeys,
} from "@/lib/executor/testing/harness";
import * as trash from "@/lib/drive/trash";
import { createJob, getJob, markJobCancelled } from "@/lib/jobs/jobs";
import { newObjectKey } from "@/lib/storage/keys";
import { headObject } from "@/lib/storage/objects";
import { putDirect } from "@/lib/storage/test-helpers";

// The Trash page's job, driven by the real executor over HTTP against the real database and store:
// in-process for the happy path and cancel, and as the real worker process (scripts/worker.ts)
// for the SIGKILL-and-restart case.

const keys = testKeys();
await stubAppClientEnv(keys);
const { inngest } = await import("@/lib/events/client");
const { jobCancelRequested, trashEmptyRequested } = await import("@/lib/events/events");
const { emptyTrashJob, EMPTY_TRASH_BATCH } = await import("./empty-trash");

const users: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
beforeEach(resetExecutorTables);
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await removeUsers(...users);
  vi.unstubAllEnvs();
});

async function newUser(): Promise<string> {
  const id = await makeUser();
  users.push(id);
  return id;
}

/** `files` trashed files (two with real objects) inside one trashed folder, plus a kept file. */
async function fillTrash(ownerId: string, files: number) {
  const trashedAt = new Date();
  const folder = await seedFolderRow(ownerId, { name: "Old", trashedAt, originalPath: "/" });
  const stored = [newObjectKey(ownerId), newObjectKey(ownerId)];
  for (const key of stored) await putDirect(key, "bytes", "text/plain");
  await seedFileRows(
    ownerId,
    Array.from({ length: files }, (_, i) => ({
      folderId: folder.id,
      name: `f${i}.txt`,
      size: 5,
      storageKey: stored[i] ?? newObjectKey(ownerId),
      trashedAt,
    })),
  );
  const keptKey = newObjectKey(ownerId);
  await putDirect(keptKey, "keep", "text/plain");
  const kept = await seedFileRow(ownerId, { name: "keep.txt", size: 4, storageKey: keptKey });
  return { stored, kept };
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const finished = (ownerId: string, jobId: string) =>
  until("the job to finish", async () => {
    const job = await getJob(ownerId, jobId);
    return job && !["queued", "running"].includes(job.status) ? job : null;
  });

describe("empty-trash", () => {
  it("never writes an internal error's text into the job, only a message with the request id", async () => {
    const rig = await startAppExecutor(inngest, [emptyTrashJob], keys, undefined, {
      backoffBaseMs: 20,
    });
    cleanups.push(rig.stop);
    // The fault stands for a bug or an outage deep inside a step: nothing real fails on demand.
    const secret = "Can't reach database server at `10.1.2.3:3306` (user stratus, pw hunter2)";
    vi.spyOn(trash, "purgeTrashBatch").mockRejectedValue(new Error(secret));
    cleanups.push(async () => void vi.restoreAllMocks());
    const owner = await newUser();
    await fillTrash(owner, 2);
    const job = await createJob(owner, "drive.empty-trash");
    const requestId = `req-trash-${job.id.slice(-8)}`;
    await testClient(keys, rig.eventPort, "stratus").send({
      name: "stratus/drive.trash.empty",
      data: { jobId: job.id, ownerId: owner, requestId },
    });
    const done = await finished(owner, job.id);
    expect(done.status).toBe("failed");
    expect(done.error).toBe(
      `The trash could not be emptied because of a server problem. Try again in a moment. (Request id: ${requestId}.)`,
    );
    expect(done.error).not.toMatch(/hunter2|10\.1\.2\.3|database/);
  });

  it("deletes the owner's trash in slices, reporting progress, and nobody else's", async () => {
    const rig = await startAppExecutor(inngest, [emptyTrashJob], keys);
    cleanups.push(rig.stop);
    const sender = testClient(keys, rig.eventPort, "stratus");
    const owner = await newUser();
    const other = await newUser();
    const files = EMPTY_TRASH_BATCH * 2 + 7;
    const { stored, kept } = await fillTrash(owner, files);
    const theirs = await fillTrash(other, 3);

    const job = await createJob(owner, "drive.empty-trash");
    await sender.send(trashEmptyRequested.create({ jobId: job.id, ownerId: owner }));
    const done = await finished(owner, job.id);

    expect(done).toMatchObject({
      status: "succeeded",
      progress: 100,
      phase: `Deleted ${files} files and 1 folder forever.`,
    });
    expect(await countFileRows({ ownerId: owner })).toBe(1);
    expect(await countFolderRows({ ownerId: owner })).toBe(0);
    for (const key of stored) expect(await headObject(key)).toBeNull();
    expect(await headObject(kept.storageKey)).not.toBeNull();
    expect(await countFileRows({ ownerId: other })).toBe(4);
    expect(await headObject(theirs.stored[0]!)).not.toBeNull();

    // One step per slice: three slices of files, one of the folder, one that finds nothing.
    const [steps] = (await rig.executor.db.query(
      "SELECT COUNT(*) AS n FROM ExecStep s JOIN ExecRun r ON r.id = s.runId WHERE r.functionId = 'stratus-empty-trash' AND s.name LIKE 'delete-%'",
    )) as { n: number }[];
    expect(Number(steps?.n)).toBe(5);
  });

  it("stops between slices when its owner cancels, and leaves the rest", async () => {
    vi.stubEnv("EMPTY_TRASH_SLICE_DELAY_MS", "700");
    const rig = await startAppExecutor(inngest, [emptyTrashJob], keys);
    cleanups.push(rig.stop);
    const sender = testClient(keys, rig.eventPort, "stratus");
    const owner = await newUser();
    const files = EMPTY_TRASH_BATCH * 3;
    await fillTrash(owner, files);
    const job = await createJob(owner, "drive.empty-trash");
    await sender.send(trashEmptyRequested.create({ jobId: job.id, ownerId: owner }));
    await until("the first slice", async () => ((await getJob(owner, job.id))?.progress ?? 0) > 0);

    // What cancelJob (lib/jobs/cancel.ts) does, with the event sent to this executor.
    expect(await markJobCancelled(owner, job.id)).toBe(true);
    await sender.send(jobCancelRequested.create({ jobId: job.id }));
    const run = await until("the run to end", async () => {
      const [r] = (await rig.executor.db.query(
        "SELECT status FROM ExecRun WHERE functionId = 'stratus-empty-trash'",
      )) as { status: string }[];
      return r && !["queued", "running"].includes(r.status) ? r : null;
    });
    vi.stubEnv("EMPTY_TRASH_SLICE_DELAY_MS", "0");
    expect(run.status).toBe("cancelled");
    expect(await getJob(owner, job.id)).toMatchObject({ status: "cancelled" });
    const left = await countFileRows({ ownerId: owner, trashed: true });
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(files);
  });
});

describe("empty-trash in the worker process", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  });

  async function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
    const child = spawn(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"],
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(child);
    let output = "";
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    await until("the worker to start", async () => {
      if (child.exitCode !== null) throw new Error(`the worker exited:\n${output}`);
      return output.includes("event API on");
    });
    return child;
  }

  it("finishes after the worker is SIGKILLed mid-job, with exact counts", async () => {
    const eventPort = await freePort();
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl(),
      INNGEST_SIGNING_KEY: keys.signingKey,
      INNGEST_EVENT_KEY: keys.eventKey,
      INNGEST_BASE_URL: `http://127.0.0.1:${eventPort}`,
      EXECUTOR_EVENT_PORT: String(eventPort),
      WORKER_SERVE_PORT: String(await freePort()),
      // A killed worker's lease must lapse quickly for the restarted one to take the run over.
      EXECUTOR_LEASE_MS: "2000",
      // Each slice waits this long before deleting, so the kill lands between slices.
      EMPTY_TRASH_SLICE_DELAY_MS: "1500",
    };
    const sender = testClient(keys, eventPort, "stratus");
    const owner = await newUser();
    const files = EMPTY_TRASH_BATCH * 3;
    await fillTrash(owner, files);

    const first = await startWorker(env);
    const job = await createJob(owner, "drive.empty-trash");
    await sender.send(trashEmptyRequested.create({ jobId: job.id, ownerId: owner }));
    await until("the first slice", async () => {
      const j = await getJob(owner, job.id);
      return j && j.progress > 0 && j.progress < 99;
    });
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const left = await countFileRows({ ownerId: owner, trashed: true });
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(files);
    expect(await getJob(owner, job.id)).toMatchObject({ status: "running" });

    await startWorker(env);
    const done = await finished(owner, job.id);
    expect(done).toMatchObject({
      status: "succeeded",
      phase: `Deleted ${files} files and 1 folder forever.`,
    });
    expect(await countFileRows({ ownerId: owner })).toBe(1);
  });
});
