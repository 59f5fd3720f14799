import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { checkWorker, WORKER_STALE_MS } from "./health";
import {
  createJob,
  failJob,
  getJob,
  listJobs,
  markJobCancelled,
  reportProgress,
  startJob,
  succeedJob,
} from "./jobs";

const users: string[] = [];
async function makeUser(): Promise<string> {
  const id = `jobs${randomBytes(8).toString("hex")}`;
  await db.user.create({
    data: { id, email: `${id}@jobs.test`, name: "Job Tester", passwordHash: "unused" },
  });
  users.push(id);
  return id;
}

let alice = "";
let bob = "";
beforeAll(async () => {
  alice = await makeUser();
  bob = await makeUser();
});
afterAll(async () => {
  await db.user.deleteMany({ where: { id: { in: users } } });
});

describe("jobs", () => {
  it("moves through queued, running and succeeded with progress", async () => {
    const job = await createJob(alice, "image.filter");
    expect(job).toMatchObject({ status: "queued", progress: 0, phase: null });
    expect(await startJob(job.id, { phase: "Loading", progress: 5 })).toBe(true);
    expect(await reportProgress(job.id, { phase: "Filtering", progress: 60 })).toBe(true);
    expect(await getJob(alice, job.id)).toMatchObject({
      status: "running",
      phase: "Filtering",
      progress: 60,
    });
    expect(await succeedJob(job.id, "file_123")).toBe(true);
    const done = await getJob(alice, job.id);
    expect(done).toMatchObject({ status: "succeeded", progress: 100, resultRef: "file_123" });
    expect(done?.startedAt).toBeInstanceOf(Date);
    expect(done?.finishedAt).toBeInstanceOf(Date);
  });

  it("shows owners only their own jobs", async () => {
    const job = await createJob(alice, "mapreduce.run");
    expect(await getJob(bob, job.id)).toBeNull();
    expect((await listJobs(bob)).map((j) => j.id)).not.toContain(job.id);
    expect((await listJobs(alice)).map((j) => j.id)).toContain(job.id);
    expect(await markJobCancelled(bob, job.id)).toBe(false);
  });

  it("never reopens a cancelled or failed job", async () => {
    const job = await createJob(alice, "image.filter");
    await startJob(job.id);
    expect(await markJobCancelled(alice, job.id)).toBe(true);
    expect(await reportProgress(job.id, { progress: 90 })).toBe(false);
    expect(await succeedJob(job.id)).toBe(false);
    expect(await getJob(alice, job.id)).toMatchObject({ status: "cancelled" });

    const other = await createJob(alice, "image.filter");
    expect(await failJob(other.id, "the image is corrupt")).toBe(true);
    expect(await startJob(other.id)).toBe(false);
    expect(await getJob(alice, other.id)).toMatchObject({
      status: "failed",
      error: "the image is corrupt",
    });
  });

  it("refuses malformed input", async () => {
    await expect(createJob(alice, "Not A Kind")).rejects.toThrow();
    await expect(reportProgress("x", { progress: 101 })).rejects.toThrow();
    expect(await getJob(alice, "x".repeat(40))).toBeNull();
  });
});

describe("checkWorker", () => {
  it("throws without a recent heartbeat and passes with one", async () => {
    await db.execWorker.deleteMany({});
    await expect(checkWorker()).rejects.toThrow(/no job worker is running/);
    const now = new Date();
    await db.execWorker.create({
      data: { id: "health-test", host: "test", pid: 1, startedAt: now, heartbeatAt: now },
    });
    await expect(checkWorker()).resolves.toBeUndefined();
    await expect(checkWorker(now.getTime() + WORKER_STALE_MS + 1_000)).rejects.toThrow(
      /no job worker heartbeat/,
    );
    await db.execWorker.deleteMany({});
  });
});
