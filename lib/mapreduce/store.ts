import "server-only";
import { db } from "@/lib/db/client";
import { createJob, createJobWithinLimit, jobSelect } from "@/lib/jobs/jobs";
import { JobId } from "@/lib/jobs/schemas";
import type { Counters } from "./counters";
import {
  JobRecipe,
  PartitionTotals,
  StoredCounters,
  StoredInputs,
  StoredOutputs,
  StoredPrograms,
  readJson,
  type StoredOutput,
} from "./records";
import { JobOptions, JobSpec } from "./schemas";

// MapReduce jobs in MySQL: the Job row (status, phase, progress) plus the job's recipe, its
// tasks and its outputs. Reads for the UI are scoped to the owner; the writes below come from
// the job's own function, which got the job id from an event the owner's action sent.

export const MAPREDUCE_KIND = "mapreduce";
const MAX_TEXT = 60_000;
const MAX_LOG = 256 * 1024;

/**
 * Records the job if its owner has fewer than `limit` MapReduce jobs queued or running, checked
 * with the owner's row locked in the same transaction (lib/jobs/jobs.ts), so that many submits
 * at once cannot all pass the check. Returns the new id, or how many are active.
 */
export async function createMapReduceJob(
  ownerId: string,
  recipe: JobRecipe,
  limit: number,
): Promise<{ ok: true; jobId: string } | { ok: false; active: number }> {
  const r = JobRecipe.parse(recipe);
  const made = await createJobWithinLimit(ownerId, [MAPREDUCE_KIND], limit, async (tx) => {
    const job = await createJob(ownerId, MAPREDUCE_KIND, tx);
    await tx.mapReduceJob.create({
      data: {
        jobId: job.id,
        name: r.name,
        spec: JSON.stringify(r.spec),
        options: JSON.stringify(r.options),
        inputs: JSON.stringify(r.inputs),
        programs: JSON.stringify(r.programs),
        target: r.target,
        inputBytes: r.inputs.reduce((n, i) => n + i.size, 0),
      },
    });
    return job.id;
  });
  return made.ok ? { ok: true, jobId: made.job } : made;
}

const taskSelect = {
  taskId: true,
  kind: true,
  state: true,
  attempts: true,
  inputName: true,
  inputBytes: true,
  counters: true,
  status: true,
  error: true,
  startedAt: true,
  finishedAt: true,
  durationMs: true,
} as const;

function parseRecord(row: {
  name: string;
  spec: string;
  options: string;
  inputs: string;
  programs: string;
  target: string;
}): JobRecipe {
  return JobRecipe.parse({
    name: row.name,
    spec: JobSpec.parse(JSON.parse(row.spec)),
    options: JobOptions.parse(JSON.parse(row.options)),
    inputs: StoredInputs.parse(JSON.parse(row.inputs)),
    programs: StoredPrograms.parse(JSON.parse(row.programs)),
    target: row.target,
  });
}

/** The owner's MapReduce jobs, newest first, with what the list shows. */
export async function listMapReduceJobs(ownerId: string, limit = 100) {
  const rows = await db.mapReduceJob.findMany({
    where: { job: { ownerId } },
    orderBy: [{ createdAt: "desc" }, { jobId: "desc" }],
    take: Math.min(Math.max(1, limit), 500),
    select: {
      name: true,
      spec: true,
      target: true,
      inputBytes: true,
      mapTotal: true,
      reduceTotal: true,
      job: { select: jobSelect },
    },
  });
  return rows.map((r) => ({
    ...r.job,
    name: r.name,
    jobKind: JobSpec.parse(JSON.parse(r.spec)).kind,
    target: r.target,
    inputBytes: Number(r.inputBytes),
  }));
}
export type MapReduceListItem = Awaited<ReturnType<typeof listMapReduceJobs>>[number];

async function loadJob(where: { jobId: string; job?: { ownerId: string } }) {
  // Prisma reads the job, its status row and its tasks in separate queries; in one transaction
  // (InnoDB's repeatable read) they are one snapshot, so a job that just ended is never shown
  // "succeeded" beside the outputs it had before its results were stored.
  const row = await db.$transaction((tx) =>
    tx.mapReduceJob.findFirst({
      where,
      include: {
        job: { select: { ...jobSelect, ownerId: true } },
        tasks: { select: taskSelect, orderBy: { taskId: "asc" } },
      },
    }),
  );
  if (!row) return null;
  const { job, tasks, ...rest } = row;
  return {
    job,
    ownerId: job.ownerId,
    recipe: parseRecord(rest),
    inputBytes: Number(rest.inputBytes),
    mapTotal: rest.mapTotal,
    reduceTotal: rest.reduceTotal,
    counters: readJson(StoredCounters, rest.counters),
    partitions: readJson(PartitionTotals, rest.partitions),
    mapStartedAt: rest.mapStartedAt,
    mapFinishedAt: rest.mapFinishedAt,
    reduceStartedAt: rest.reduceStartedAt,
    reduceFinishedAt: rest.reduceFinishedAt,
    outputFolderId: rest.outputFolderId,
    outputs: readJson(StoredOutputs, rest.outputs),
    zipKey: rest.zipKey,
    emr: rest.emr,
    tasks: tasks.map((t) => ({
      ...t,
      inputBytes: Number(t.inputBytes),
      counters: readJson(StoredCounters, t.counters),
    })),
  };
}
export type MapReduceDetail = NonNullable<Awaited<ReturnType<typeof loadJob>>>;

/** One of the owner's jobs with its tasks; null for anybody else's or a bad id. */
export async function getMapReduceJob(ownerId: string, jobId: string) {
  const id = JobId.safeParse(jobId);
  if (!id.success) return null;
  return loadJob({ jobId: id.data, job: { ownerId } });
}

/** Whether the job exists and is the owner's, without loading it (the page's 404 check). */
export async function ownsMapReduceJob(ownerId: string, jobId: string): Promise<boolean> {
  const id = JobId.safeParse(jobId);
  if (!id.success) return false;
  return (await db.mapReduceJob.count({ where: { jobId: id.data, job: { ownerId } } })) === 1;
}

/** For the job's function, which was handed the id by the owner's event. */
export async function getMapReduceJobForRun(jobId: string) {
  return loadJob({ jobId: JobId.parse(jobId) });
}

/** A task's full log, for its owner. */
/**
 * A task's stderr for its owner: one attempt's (1-based), or the last attempt's. Tasks that ran
 * before attempts were kept apart have only the last log, on the task row.
 */
export async function getTaskLog(ownerId: string, jobId: string, taskId: string, attempt?: number) {
  const id = JobId.safeParse(jobId);
  if (!id.success || !/^[mr]-\d{5}$/.test(taskId)) return null;
  const task = await db.mapReduceTask.findFirst({
    where: { jobId: id.data, taskId, job: { job: { ownerId } } },
    select: { log: true },
  });
  if (!task) return null;
  if (attempt === undefined) return task.log ?? "";
  const row = await db.mapReduceTaskAttempt.findUnique({
    where: { jobId_taskId_attempt: { jobId: id.data, taskId, attempt } },
    select: { log: true },
  });
  return row ? (row.log ?? "") : null;
}

export type TaskAttemptView = {
  attempt: number;
  state: "pending" | "running" | "succeeded" | "failed" | "cancelled";
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
};

/** A task's attempts (1-based), oldest first, for its owner; null when there is no such task. */
export async function listTaskAttempts(
  ownerId: string,
  jobId: string,
  taskId: string,
): Promise<TaskAttemptView[] | null> {
  const id = JobId.safeParse(jobId);
  if (!id.success || !/^[mr]-\d{5}$/.test(taskId)) return null;
  const task = await db.mapReduceTask.findFirst({
    where: { jobId: id.data, taskId, job: { job: { ownerId } } },
    select: {
      attemptsLog: {
        orderBy: { attempt: "asc" },
        select: { attempt: true, state: true, error: true, startedAt: true, finishedAt: true },
      },
    },
  });
  if (!task) return null;
  return task.attemptsLog.map((a) => ({
    ...a,
    startedAt: a.startedAt.toISOString(),
    finishedAt: a.finishedAt?.toISOString() ?? null,
  }));
}

// --- writes from the job's function ----------------------------------------------------------

export type PlannedTask = {
  taskId: string;
  kind: "map" | "reduce";
  inputName?: string;
  inputBytes?: number;
};

/** Records the plan: task rows (once: a retried planning step finds them there) and totals. */
export async function recordPlan(
  jobId: string,
  tasks: PlannedTask[],
  totals: { inputBytes: number; mapTotal: number; reduceTotal: number },
) {
  await db.$transaction([
    db.mapReduceTask.deleteMany({ where: { jobId } }),
    db.mapReduceTask.createMany({
      data: tasks.map((t) => ({
        jobId,
        taskId: t.taskId,
        kind: t.kind,
        inputName: t.inputName?.slice(0, 1024) ?? null,
        inputBytes: t.inputBytes ?? 0,
      })),
    }),
    db.mapReduceJob.update({
      where: { jobId },
      data: { ...totals, mapStartedAt: new Date() },
    }),
  ]);
}

/** The prefix of a waiting task's status line: what taskCounts counts as waiting. */
export const WAITING_STATUS = "Waiting for a task slot";

/** The task waits for a slot on the worker (pending, the reason in its status line). */
export async function taskWaiting(jobId: string, taskId: string, attempt: number, why: string) {
  await db.mapReduceTask.updateMany({
    where: { jobId, taskId, state: { in: ["pending", "failed"] } },
    data: {
      state: "pending",
      attempts: attempt + 1,
      status: why.startsWith(WAITING_STATUS) ? why.slice(0, 255) : WAITING_STATUS,
      startedAt: null,
      finishedAt: null,
      error: null,
    },
  });
}

export async function taskStarted(jobId: string, taskId: string, attempt: number) {
  await db.mapReduceTask.updateMany({
    where: { jobId, taskId, state: { in: ["pending", "running", "failed"] } },
    data: {
      state: "running",
      attempts: attempt + 1,
      status: null,
      startedAt: new Date(),
      finishedAt: null,
      error: null,
    },
  });
}

export async function taskProgress(
  jobId: string,
  taskId: string,
  counters: Counters,
  status: string | null,
) {
  await db.mapReduceTask.updateMany({
    where: { jobId, taskId, state: "running" },
    data: { counters: JSON.stringify(counters), status: status?.slice(0, 255) ?? null },
  });
}

export async function taskFinished(
  jobId: string,
  taskId: string,
  result: {
    state: "succeeded" | "failed" | "cancelled";
    counters?: Counters;
    status?: string | null;
    log?: string;
    error?: string;
    durationMs?: number;
  },
) {
  await db.mapReduceTask.updateMany({
    where: { jobId, taskId },
    data: {
      state: result.state,
      finishedAt: new Date(),
      ...(result.counters ? { counters: JSON.stringify(result.counters) } : {}),
      ...(result.status !== undefined ? { status: result.status?.slice(0, 255) ?? null } : {}),
      ...(result.log !== undefined ? { log: result.log.slice(0, MAX_LOG) } : {}),
      ...(result.error !== undefined ? { error: result.error.slice(0, MAX_TEXT) } : {}),
      ...(result.durationMs !== undefined ? { durationMs: result.durationMs } : {}),
    },
  });
}

/** An attempt (0-based, as the engine numbers them) started: its row, 1-based as users count. */
export async function attemptStarted(jobId: string, taskId: string, attempt: number) {
  const key = { jobId, taskId, attempt: attempt + 1 };
  await db.mapReduceTaskAttempt.upsert({
    where: { jobId_taskId_attempt: key },
    create: key,
    update: {
      state: "running",
      log: null,
      error: null,
      signature: null,
      startedAt: new Date(),
      finishedAt: null,
    },
  });
}

export async function attemptFinished(
  jobId: string,
  taskId: string,
  attempt: number,
  result: {
    state: "succeeded" | "failed" | "cancelled";
    log?: string;
    error?: string;
    signature?: string;
  },
) {
  await db.mapReduceTaskAttempt.updateMany({
    where: { jobId, taskId, attempt: attempt + 1 },
    data: {
      state: result.state,
      finishedAt: new Date(),
      ...(result.log !== undefined ? { log: result.log.slice(0, MAX_LOG) } : {}),
      ...(result.error !== undefined ? { error: result.error.slice(0, MAX_TEXT) } : {}),
      ...(result.signature !== undefined ? { signature: result.signature } : {}),
    },
  });
}

/** The failure signature of an attempt (0-based), if it failed. */
export async function attemptSignature(jobId: string, taskId: string, attempt: number) {
  if (attempt < 0) return null;
  const row = await db.mapReduceTaskAttempt.findUnique({
    where: { jobId_taskId_attempt: { jobId, taskId, attempt: attempt + 1 } },
    select: { signature: true, state: true },
  });
  return row?.state === "failed" ? row.signature : null;
}

/** Tasks that never got to run (a cancel, a failure elsewhere) are marked so the page says why. */
export async function cancelOpenTasks(jobId: string) {
  await db.mapReduceTask.updateMany({
    where: { jobId, state: { in: ["pending", "running"] } },
    data: { state: "cancelled", finishedAt: new Date() },
  });
}

export async function taskCounts(jobId: string) {
  const [groups, waiting] = await Promise.all([
    db.mapReduceTask.groupBy({
      by: ["kind", "state"],
      where: { jobId },
      _count: { _all: true },
    }),
    db.mapReduceTask.findMany({
      where: { jobId, state: "pending", status: { startsWith: WAITING_STATUS } },
      select: { status: true },
    }),
  ]);
  const count = (kind: string, state?: string) =>
    groups
      .filter((g) => g.kind === kind && (state === undefined || g.state === state))
      .reduce((n, g) => n + g._count._all, 0);
  return {
    map: { done: count("map", "succeeded"), running: count("map", "running"), total: count("map") },
    reduce: {
      done: count("reduce", "succeeded"),
      running: count("reduce", "running"),
      total: count("reduce"),
    },
    /** Tasks waiting for a slot, and the last reason one gave. */
    waiting: { count: waiting.length, why: waiting.at(-1)?.status ?? null },
  };
}

export async function recordMapDone(
  jobId: string,
  partitions: PartitionTotals,
  counters: Counters,
  reduceStarts: boolean,
) {
  const now = new Date();
  await db.mapReduceJob.update({
    where: { jobId },
    data: {
      mapFinishedAt: now,
      partitions: JSON.stringify(PartitionTotals.parse(partitions)),
      counters: JSON.stringify(counters),
      ...(reduceStarts ? { reduceStartedAt: now } : {}),
    },
  });
}

export async function recordOutputs(
  jobId: string,
  result: {
    counters: Counters;
    outputFolderId: string;
    outputs: StoredOutput[];
    zipKey: string | null;
    reduceFinished: boolean;
  },
) {
  await db.mapReduceJob.update({
    where: { jobId },
    data: {
      counters: JSON.stringify(result.counters),
      outputFolderId: result.outputFolderId,
      outputs: JSON.stringify(StoredOutputs.parse(result.outputs)),
      zipKey: result.zipKey,
      ...(result.reduceFinished ? { reduceFinishedAt: new Date() } : {}),
    },
  });
}

export async function recordEmr(jobId: string, emr: unknown) {
  await db.mapReduceJob.update({ where: { jobId }, data: { emr: JSON.stringify(emr) } });
}

/** The job's status as the owner last set it: a cancel shows up here first. */
export async function jobStatus(jobId: string) {
  const job = await db.job.findUnique({ where: { id: jobId }, select: { status: true } });
  return job?.status ?? null;
}

/** Deletes a finished job of the owner (its output files stay in the Drive). */
export async function deleteMapReduceJob(ownerId: string, jobId: string) {
  const id = JobId.safeParse(jobId);
  if (!id.success) return null;
  const row = await db.mapReduceJob.findFirst({
    where: {
      jobId: id.data,
      job: { ownerId, status: { in: ["succeeded", "failed", "cancelled"] } },
    },
    select: { zipKey: true },
  });
  if (!row) return null;
  await db.job.delete({ where: { id: id.data } });
  return { zipKey: row.zipKey };
}
