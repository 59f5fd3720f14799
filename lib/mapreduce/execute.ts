import "server-only";
import { createWriteStream } from "node:fs";
import { chmod, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { liveFile } from "@/lib/drive/access";
import { reportProgress } from "@/lib/jobs/jobs";
import { getObjectStream } from "@/lib/storage/objects";
import { mapReduceConfig } from "./config";
import { sumCounters, type Counters } from "./counters";
import {
  CancelledError,
  planJob,
  runMapTask,
  warmEngine,
  runReduceTask,
  SlotWaitTimeout,
  TaskFailedError,
  taskSlotsPerUser,
  type JobPlan,
  type MapTaskResult,
  type ReduceTaskResult,
  type SlotWait,
} from "./engine";
import {
  checkResultsFit,
  countLines,
  discardResults,
  OutputError,
  outputFolder,
  readHead,
  storeOutputFile,
} from "./outputs";
import { jobPaths } from "./plan";
import type { PartitionTotals, StoredOutput } from "./records";
import type { JobDefinition } from "./schemas";
import { attemptFailure } from "./attempts";
import { failureSignature, retryDecision } from "./failure-kind";
import {
  attemptFinished,
  attemptSignature,
  attemptStarted,
  cancelOpenTasks,
  getMapReduceJobForRun,
  jobStatus,
  recordMapDone,
  recordOutputs,
  recordPlan,
  taskFinished,
  taskCounts,
  taskProgress,
  taskStarted,
  taskWaiting,
} from "./store";
import { UserFacingError } from "@/lib/server/errors";

// The local engine's side of a job's Inngest function (inngest/functions/run-mapreduce-job.ts): each
// export is the body of one step. Steps share the job directory on the worker's disk
// (MAPREDUCE_WORK_DIR); the plan is written there once, so every step output stays small.

/** A reason the owner can act on; becomes the job's error as is. */
export class JobRunError extends UserFacingError {}

const LOG_BYTES = 64 * 1024;
const CANCEL_POLL_MS = 1000;
const PROGRESS_EVERY_MS = 1000;

export function workRoot(): string {
  return mapReduceConfig().workDir;
}

export function jobDirOf(jobId: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(jobId)) throw new Error(`bad job id ${jobId}`);
  return join(workRoot(), jobId);
}

/** Tests and e2e runs use tiny chunks to get many map tasks out of small inputs. */
function chunkBytes(): number | undefined {
  return mapReduceConfig().chunkBytes;
}

/** How many tasks run at once on this worker, all jobs together: one per core. */
export function stepParallelism(): number {
  return mapReduceConfig().parallelTasks;
}

/**
 * How many tasks of one job are started together: the worker's slots, but no more than one user
 * may hold (a job alone then never waits on its own owner's limit).
 */
export function jobParallelism(): number {
  const slots = stepParallelism();
  return Math.min(slots, taskSlotsPerUser(slots));
}

async function download(key: string, to: string) {
  const object = await getObjectStream(key);
  if (!object) return false;
  await pipeline(Readable.fromWeb(object.body as never), createWriteStream(to, { mode: 0o600 }));
  return true;
}

/** A Drive name as a safe local (and S3 key) file name. */
export const safeName = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 100);

export type PreparedJob = {
  mapTasks: string[];
  reduceTasks: string[];
  parallel: number;
};

/**
 * Downloads the inputs and programs into a fresh job directory, plans the tasks and records them.
 * Files that went to the trash (or away) since the job was submitted fail the job with their name.
 */
export async function prepareJob(jobId: string, ownerId: string): Promise<PreparedJob> {
  const job = await getMapReduceJobForRun(jobId);
  if (!job || job.ownerId !== ownerId) throw new JobRunError("This job no longer exists.");
  const { recipe } = job;
  // Task threads take seconds to load; let them start while the inputs download.
  if (recipe.target === "local") warmEngine({ concurrency: stepParallelism() });
  const dir = jobDirOf(jobId);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, "inputs"), { recursive: true, mode: 0o700 });
  await mkdir(jobPaths(dir).programs, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);

  const inputs: JobDefinition["inputs"] = [];
  for (const [i, input] of recipe.inputs.entries()) {
    const file = await liveFile(ownerId, input.fileId);
    const path = `inputs/${String(i).padStart(4, "0")}-${safeName(input.name)}`;
    if (!file || !(await download(file.storageKey, join(dir, path)))) {
      throw new JobRunError(
        `The input “${input.name}” is no longer in your Drive (or is in the trash).`,
      );
    }
    inputs.push({ path, name: input.name, side: input.side });
  }
  for (const program of [
    recipe.programs.mapper,
    recipe.programs.reducer,
    recipe.programs.combiner,
  ]) {
    if (!program) continue;
    const file = await liveFile(ownerId, program.fileId);
    const to = join(jobPaths(dir).programs, program.name);
    if (!file || !(await download(file.storageKey, to))) {
      throw new JobRunError(
        `The program “${program.name}” is no longer in your Drive (or is in the trash).`,
      );
    }
  }

  const definition: JobDefinition = {
    jobId,
    job: recipe.spec,
    options: recipe.options,
    inputs,
  };
  const plan = await planJob(definition, dir, {
    concurrency: stepParallelism(),
    chunkBytes: chunkBytes(),
  });
  await writeFile(join(dir, "plan.json"), JSON.stringify(plan));
  await recordPlan(
    jobId,
    [
      ...plan.mapTasks.map((t) => ({
        taskId: t.taskId,
        kind: "map" as const,
        inputName: t.input.name,
        inputBytes: t.end - t.start,
      })),
      ...plan.reduceTasks.map((t) => ({ taskId: t.taskId, kind: "reduce" as const })),
    ],
    {
      inputBytes: plan.inputBytes,
      mapTotal: plan.mapTasks.length,
      reduceTotal: plan.reduceTasks.length,
    },
  );
  return {
    mapTasks: plan.mapTasks.map((t) => t.taskId),
    reduceTasks: plan.reduceTasks.map((t) => t.taskId),
    parallel: jobParallelism(),
  };
}

async function readPlan(jobId: string): Promise<JobPlan> {
  const text = await readFile(join(jobDirOf(jobId), "plan.json"), "utf8").catch(() => null);
  if (text === null) {
    // A worker that does not share the job directory (MAPREDUCE_WORK_DIR) cannot run its tasks.
    throw new Error(`job ${jobId}: plan.json is missing from ${jobDirOf(jobId)}`);
  }
  return JSON.parse(text) as JobPlan;
}

/** Aborts when the owner cancels: the job's status is the signal, checked every second. */
function watchCancel(jobId: string) {
  const controller = new AbortController();
  const timer = setInterval(() => {
    jobStatus(jobId).then(
      (status) => {
        if (status !== "queued" && status !== "running") controller.abort();
      },
      () => undefined,
    );
  }, CANCEL_POLL_MS);
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}

/**
 * The Job row's phase line and percentage from the task rows: the map phase is the first 60%,
 * the reduce phase up to 95%, storing the results the rest.
 */
export async function reportPhase(jobId: string): Promise<void> {
  const { map, reduce, waiting } = await taskCounts(jobId);
  // Tasks held back by the fair share are not an error: the phase line says why they wait.
  const limit = /the limit is (\d+) per user/.exec(waiting.why ?? "")?.[1];
  const held =
    waiting.count === 0
      ? ""
      : limit
        ? `, ${waiting.count} waiting (limit: ${limit} task slot${limit === "1" ? "" : "s"} per user)`
        : `, ${waiting.count} waiting for a free slot`;
  if (map.done < map.total || reduce.total === 0) {
    const progress =
      map.total === 0 ? 0 : Math.floor((map.done / map.total) * (reduce.total ? 60 : 95));
    await reportProgress(jobId, {
      phase: `Map: ${map.done} of ${map.total} tasks${held}`,
      progress,
    });
    return;
  }
  const progress = 60 + Math.floor((reduce.done / Math.max(1, reduce.total)) * 35);
  const phase =
    reduce.done === 0 && reduce.running === 0 && waiting.count === 0
      ? "Shuffle"
      : `Reduce: ${reduce.done} of ${reduce.total} tasks${held}`;
  await reportProgress(jobId, { phase, progress });
}

export type TaskStepResult =
  | { ok: true; partitions: [number, number][] }
  | { ok: false; cancelled: true }
  | {
      ok: false;
      cancelled: false;
      taskId: string;
      reason: string;
      stderrTail: string;
      /** Attempts the task had (fewer than the most when it failed fast, failure-kind.ts). */
      attempts: number;
      /** Why it was not retried again, when it had attempts left. */
      notRetried: string | null;
    };

/** No slot came free within MAPREDUCE_SLOT_WAIT_SECONDS: run the step again (a new one). */
export type TaskStepWaiting = { waiting: true; attempt: number };

/**
 * One attempt of one task, as one step. A failed attempt throws so the step is retried (each
 * retry is the next attempt); the last failed attempt returns the failure instead, so the job
 * fails with that task's reason rather than a generic one. An attempt that failed in a way a retry
 * cannot fix (failure-kind.ts) is the last one. Each attempt keeps its own log.
 */
export async function runTaskStep(
  jobId: string,
  taskId: string,
  attempt: number,
  maxAttempts: number,
  ownerId?: string,
): Promise<TaskStepResult | TaskStepWaiting> {
  const plan = await readPlan(jobId);
  const spec =
    plan.mapTasks.find((t) => t.taskId === taskId) ??
    plan.reduceTasks.find((t) => t.taskId === taskId);
  if (!spec) throw new Error(`job ${jobId} has no task ${taskId}`);
  const owner = ownerId ?? (await getMapReduceJobForRun(jobId))?.ownerId;
  const watch = watchCancel(jobId);
  let lastWrite = 0;
  // The waiting note is written before the start (a slot can come free at once).
  let waitNote: Promise<unknown> = Promise.resolve();
  const ctx = {
    signal: watch.signal,
    // Names the attempt's log file and Hadoop's attempt id in the program's environment.
    attempt,
    engine: { concurrency: stepParallelism(), jobOutputBytes: mapReduceConfig().jobOutputBytes },
    owner,
    maxWaitMs: mapReduceConfig().slotWaitSeconds * 1000,
    onWait: (wait: SlotWait) => {
      waitNote = taskWaiting(jobId, taskId, attempt, wait.message)
        .then(() => reportPhase(jobId))
        .catch(() => undefined);
    },
    onStart: async () => {
      await waitNote;
      await taskStarted(jobId, taskId, attempt);
      await attemptStarted(jobId, taskId, attempt);
      await reportPhase(jobId);
    },
    onProgress: (p: { counters: Counters; status: string | null }) => {
      const now = Date.now();
      if (now - lastWrite < PROGRESS_EVERY_MS) return;
      lastWrite = now;
      void taskProgress(jobId, taskId, p.counters, p.status).catch(() => undefined);
    },
  };
  const logPath = join(jobPaths(plan.jobDir).logs, `${taskId}.attempt-${attempt}.log`);
  try {
    const r: MapTaskResult | ReduceTaskResult =
      spec.kind === "map" ? await runMapTask(spec, ctx) : await runReduceTask(spec, ctx);
    const log = r.logFile ? await readHead(r.logFile, LOG_BYTES) : "";
    await taskFinished(jobId, taskId, {
      state: "succeeded",
      counters: r.counters,
      status: r.status,
      log,
      durationMs: r.durationMs,
    });
    await attemptFinished(jobId, taskId, attempt, { state: "succeeded", log });
    await reportPhase(jobId);
    const partitions: [number, number][] =
      r.kind === "map" ? r.partitions.map((p) => [p.bytes, p.records]) : [];
    return { ok: true, partitions };
  } catch (error) {
    // Still in the queue (the task shows why): the function asks again with a new step.
    if (error instanceof SlotWaitTimeout && !watch.signal.aborted) {
      await waitNote;
      return { waiting: true, attempt };
    }
    if (error instanceof CancelledError || watch.signal.aborted) {
      await taskFinished(jobId, taskId, { state: "cancelled" });
      await attemptFinished(jobId, taskId, attempt, { state: "cancelled" });
      return { ok: false, cancelled: true };
    }
    if (!(error instanceof TaskFailedError)) throw error;
    const decision = retryDecision({
      attempt,
      maxAttempts,
      reason: error.reason,
      stderrTail: error.stderrTail,
      previousSignature: await attemptSignature(jobId, taskId, attempt - 1),
    });
    const notRetried = !decision.retry && attempt + 1 < maxAttempts ? decision.why : null;
    const log = await readHead(logPath, LOG_BYTES);
    const message = attemptFailure(attempt + 1, maxAttempts, error.reason, notRetried);
    await attemptFinished(jobId, taskId, attempt, {
      state: "failed",
      error: message,
      log,
      signature: failureSignature(error.reason, error.stderrTail),
    });
    await taskFinished(jobId, taskId, { state: "failed", error: message, log });
    if (decision.retry) throw error;
    return {
      ok: false,
      cancelled: false,
      taskId,
      reason: error.reason,
      stderrTail: error.stderrTail,
      attempts: attempt + 1,
      notRetried,
    };
  } finally {
    watch.stop();
  }
}

/** Between the phases: what the shuffle moves, partition by partition. */
export async function recordShuffle(
  jobId: string,
  mapResults: [number, number][][],
  reduces: number,
): Promise<void> {
  const totals: PartitionTotals = [];
  for (const partitions of mapResults) {
    partitions.forEach(([bytes, records], partition) => {
      const t = (totals[partition] ??= { partition, bytes: 0, records: 0 });
      t.bytes += bytes;
      t.records += records;
    });
  }
  const job = await getMapReduceJobForRun(jobId);
  const counters = sumCounters(
    (job?.tasks ?? []).filter((t) => t.kind === "map").map((t) => t.counters ?? {}),
  );
  await recordMapDone(jobId, totals, counters, reduces > 0);
}

export type FinishedJob = {
  outputs: StoredOutput[];
  outputFolderId: string;
  records: number;
};

/**
 * Stores the part files in the owner's Drive, all of them or none (a job whose results do not fit
 * in the quota fails saying so), then the job's totals.
 */
export async function storeResults(jobId: string, ownerId: string): Promise<FinishedJob> {
  const job = await getMapReduceJobForRun(jobId);
  if (!job || job.ownerId !== ownerId) throw new JobRunError("This job no longer exists.");
  const dir = jobDirOf(jobId);
  const outputDir = jobPaths(dir).output;
  const names = (await readdir(outputDir).catch(() => [] as string[]))
    .filter((n) => /^part-\d{5}$/.test(n))
    .sort();
  const counters = sumCounters(job.tasks.map((t) => t.counters ?? {}));
  const recordsOf = (name: string) => {
    const index = Number(name.slice(5));
    const task = job.tasks.find(
      (t) => t.taskId === `${job.reduceTotal > 0 ? "r" : "m"}-${String(index).padStart(5, "0")}`,
    );
    const c = task?.counters?.["Map-Reduce Framework"];
    return (job.reduceTotal > 0 ? c?.["Reduce output records"] : c?.["Map output records"]) ?? 0;
  };
  if (names.length === 0) throw new OutputError("The job produced no output files.");
  const parts = names.map((name) => ({ name, path: join(outputDir, name) }));
  // All or nothing: nothing is stored unless every part fits in the owner's quota.
  await checkResultsFit(ownerId, jobId, job.recipe.name, parts);
  const folderId = await outputFolder(ownerId, jobId, job.recipe.name);
  const outputs: StoredOutput[] = [];
  try {
    for (const part of parts) {
      outputs.push(
        await storeOutputFile(ownerId, folderId, {
          ...part,
          records: job.tasks.length > 0 ? recordsOf(part.name) : await countLines(part.path),
        }),
      );
    }
  } catch (error) {
    // Another upload took the room meanwhile: the Drive is left as it was before the job.
    if (error instanceof OutputError) {
      await discardResults(
        ownerId,
        outputs.map((o) => o.fileId),
        folderId,
      );
    }
    throw error;
  }
  await recordOutputs(jobId, {
    counters,
    outputFolderId: folderId,
    outputs,
    // No zip is stored any more (outputs.ts); older jobs' keys are still removed with them.
    zipKey: null,
    reduceFinished: job.reduceTotal > 0,
  });
  return {
    outputs,
    outputFolderId: folderId,
    records: outputs.reduce((n, o) => n + o.records, 0),
  };
}

/** Removes the job directory and marks tasks that will not run; safe to call twice. */
export async function cleanUpJob(jobId: string): Promise<void> {
  await rm(jobDirOf(jobId), { recursive: true, force: true });
  await cancelOpenTasks(jobId);
}
