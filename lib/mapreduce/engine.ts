// The local MapReduce engine. The Inngest function calls it phase by phase — planJob, then
// runMapTask for every map task, then runReduceTask for every partition, one attempt each: a failed
// attempt is retried by the function's step retries. (The search indexer, the tests and the bench
// drive the same phases in one process with lib/mapreduce/run-local.ts.)
// Storage stays outside: everything happens in a job directory on local disk that the caller fills and empties:
//   inputs/…    the input files (paths named in the job definition), downloaded by the caller
//   programs/   uploaded mapper, reducer and combiner files, under their upload names
//   work/       intermediate files (map output, sort spills); removeIntermediate() deletes them
//   output/     part-00000 … : the result, for the caller to upload
//   logs/       <task>.attempt-<n>.log: the stderr of uploaded programs (first MiB)
import { readdir, rm, stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { DEFAULT_JOB_OUTPUT_BYTES } from "./config";
import type { Counters } from "./counters";
import {
  isBuiltin,
  jobPaths,
  partFileName,
  type MapTaskSpec,
  type ReduceTaskSpec,
  type TaskSpec,
} from "./plan";
import {
  checkSandboxTools,
  DEFAULT_SANDBOX_LIMITS,
  sandboxIdentity,
  type SandboxIdentity,
  type SandboxLimits,
} from "./sandbox";
import { AttemptFailure, taskPool, type SlotWait } from "./task-pool";
import type { AttemptResult, PartitionStat, TaskRuntime } from "./task-runner";

export type { PartitionStat } from "./task-runner";

export { CancelledError, SlotWaitTimeout, taskSlotsPerUser } from "./task-pool";
export type { SlotWait } from "./task-pool";
export { planJob, PlanError } from "./plan";
export type { JobPlan, MapTaskSpec, ReduceTaskSpec, PlanOptions } from "./plan";

export interface EngineOptions {
  /** Tasks at once; default: the number of cores. */
  concurrency?: number;
  /** Memory for the whole job (in-memory combining, sort buffers), shared by running tasks. */
  memoryBudgetBytes?: number;
  /** Overrides of the sandbox limits; cpuSeconds defaults to the job's per-task timeout. */
  sandbox?: Partial<SandboxLimits>;
  /**
   * Bytes all of a job's tasks may leave on the worker's disk together (map outputs and part
   * files): each attempt may write what is left of it when it starts.
   */
  jobOutputBytes?: number;
}

export { DEFAULT_JOB_OUTPUT_BYTES } from "./config";

export const DEFAULT_MEMORY_BUDGET = 512 * 1024 * 1024;

export interface TaskProgress {
  taskId: string;
  attempt: number;
  counters: Counters;
  status: string | null;
}

export interface TaskContext {
  signal?: AbortSignal;
  engine?: EngineOptions;
  /** Which attempt this is (0 first): names its log file and Hadoop's attempt id. */
  attempt?: number;
  onProgress?: (p: TaskProgress) => void;
  /** The job's owner: a user's tasks share a bounded number of the worker's slots (task-pool.ts). */
  owner?: string;
  /** The task waits for a slot: why, in words the owner can read. */
  onWait?: (wait: SlotWait) => void;
  /** The task got its slot (awaited before it starts). */
  onStart?: () => Promise<void>;
  /** Stop waiting for a slot after this long: SlotWaitTimeout, nothing ran. */
  maxWaitMs?: number;
}

export interface TaskResult {
  taskId: string;
  /** Attempts used, the successful one included (attempt + 1). */
  attempts: number;
  durationMs: number;
  counters: Counters;
  /** The last reporter:status line of a user program. */
  status: string | null;
  stderrTail: string;
  /** The successful attempt's stderr log (user programs), "" for built-ins. */
  logFile: string;
}

export interface OutputFile {
  name: string;
  file: string;
  bytes: number;
  records: number;
}

export interface MapTaskResult extends TaskResult {
  kind: "map";
  partitions: PartitionStat[];
  /** Map-only jobs: the map task's part file. */
  output: OutputFile | null;
}

export interface ReduceTaskResult extends TaskResult {
  kind: "reduce";
  output: OutputFile;
}

/** A task's attempt failed; the message says why, stderrTail is the program's last output. */
export class TaskFailedError extends Error {
  constructor(
    readonly taskId: string,
    readonly attempts: number,
    readonly reason: string,
    readonly stderrTail: string,
  ) {
    const kind = taskId.startsWith("m-") ? "Map" : "Reduce";
    super(
      `${kind} task ${taskId} failed after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${reason}`,
    );
    this.name = "TaskFailedError";
  }
}

let identity: SandboxIdentity | null = null;

function runtimeFor(spec: TaskSpec, engine: EngineOptions, owner?: string): TaskRuntime {
  const concurrency = engine.concurrency ?? availableParallelism();
  const budget = engine.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET;
  if (!isBuiltin(spec.job)) {
    checkSandboxTools();
    identity ??= sandboxIdentity();
  }
  return {
    memoryBytes: Math.floor(budget / Math.max(1, concurrency)),
    limits: {
      ...DEFAULT_SANDBOX_LIMITS,
      cpuSeconds: spec.options.taskTimeoutSeconds,
      ...engine.sandbox,
    },
    identity: identity ?? { uid: null, gid: null },
    owner,
  };
}

/** Bytes of the files under `dir`, subdirectories included (0 when it does not exist). */
async function bytesUnder(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  let total = 0;
  for (const e of entries) {
    if (!e.isFile()) continue;
    total += (await stat(join(e.parentPath, e.name)).catch(() => null))?.size ?? 0;
  }
  return total;
}

/**
 * The runtime of one attempt under the job's output limit: what the job's tasks left on disk so
 * far is subtracted, and the attempt may write the rest — checked while it streams (the mapper's
 * stdout count, RLIMIT_FSIZE of reducers and combiners), not after the disk is full.
 */
async function underJobOutputLimit(
  runtime: TaskRuntime,
  spec: TaskSpec,
  engine: EngineOptions,
): Promise<TaskRuntime> {
  const limit = engine.jobOutputBytes ?? DEFAULT_JOB_OUTPUT_BYTES;
  const p = jobPaths(spec.jobDir);
  const used = (await bytesUnder(p.work)) + (await bytesUnder(p.output));
  const left = Math.max(0, limit - used);
  const l = runtime.limits;
  if (left >= l.outputBytes && left >= l.fileSizeBytes) return runtime;
  return {
    ...runtime,
    limits: {
      ...l,
      outputBytes: Math.min(l.outputBytes, left),
      fileSizeBytes: Math.max(1, Math.min(l.fileSizeBytes, left)),
      jobOutputBytes: limit,
    },
  };
}

async function runTask(spec: TaskSpec, ctx: TaskContext): Promise<AttemptResult & TaskResult> {
  const engine = ctx.engine ?? {};
  const baseRuntime = runtimeFor(spec, engine, ctx.owner);
  const pool = taskPool(engine.concurrency ?? availableParallelism());
  const attempt = ctx.attempt ?? 0;
  let started = Date.now();
  try {
    const req = { spec, attempt, runtime: baseRuntime };
    const result = await pool.run(req, {
      signal: ctx.signal,
      owner: ctx.owner,
      onWait: ctx.onWait,
      maxWaitMs: ctx.maxWaitMs,
      // What the job's other tasks left on disk is measured once this one has its slot.
      onStart: async () => {
        req.runtime = await underJobOutputLimit(baseRuntime, spec, engine);
        await ctx.onStart?.();
        started = Date.now();
      },
      timeoutMs: spec.options.taskTimeoutSeconds * 1000,
      onProgress: (counters, status) =>
        ctx.onProgress?.({ taskId: spec.taskId, attempt, counters, status }),
    });
    return {
      ...result,
      taskId: spec.taskId,
      attempts: attempt + 1,
      durationMs: Date.now() - started,
    };
  } catch (error) {
    if (!(error instanceof AttemptFailure)) throw error;
    throw new TaskFailedError(spec.taskId, attempt + 1, error.message, error.stderrTail);
  }
}

const outputOf = (r: AttemptResult): OutputFile | null =>
  r.output
    ? {
        name: r.output.file.slice(r.output.file.lastIndexOf("/") + 1),
        file: r.output.file,
        bytes: r.output.bytes,
        records: r.output.records,
      }
    : null;

/** One attempt of a map task; its partition files stay in the job's work dir. */
export async function runMapTask(spec: MapTaskSpec, ctx: TaskContext = {}): Promise<MapTaskResult> {
  const r = await runTask(spec, ctx);
  return {
    kind: "map",
    taskId: r.taskId,
    attempts: r.attempts,
    durationMs: r.durationMs,
    counters: r.counters,
    status: r.status,
    stderrTail: r.stderrTail,
    logFile: r.logFile,
    partitions: r.partitions ?? [],
    output: outputOf(r),
  };
}

/** One attempt of a reduce task (every map task must have finished): writes output/part-NNNNN. */
export async function runReduceTask(
  spec: ReduceTaskSpec,
  ctx: TaskContext = {},
): Promise<ReduceTaskResult> {
  const r = await runTask(spec, ctx);
  return {
    kind: "reduce",
    taskId: r.taskId,
    attempts: r.attempts,
    durationMs: r.durationMs,
    counters: r.counters,
    status: r.status,
    stderrTail: r.stderrTail,
    logFile: r.logFile,
    output: outputOf(r)!,
  };
}

/** Removes the intermediate files (map output, sort spills); with output, the part files too. */
export async function removeIntermediate(jobDir: string, opts: { output?: boolean } = {}) {
  const p = jobPaths(jobDir);
  await rm(p.work, { recursive: true, force: true });
  if (opts.output) await rm(p.output, { recursive: true, force: true });
}

/** Starts the task threads ahead of the first job (they take a moment to load). */
export function warmEngine(engine: EngineOptions = {}): void {
  const n = engine.concurrency ?? availableParallelism();
  taskPool(n).warm(n);
}

export { partFileName };
