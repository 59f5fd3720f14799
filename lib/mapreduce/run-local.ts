// The in-process MapReduce driver: a whole job in one process, with retries — the engine's phases
// (lib/mapreduce/engine.ts) driven the way a Hadoop job tracker would. Used where a job is part of
// one larger step: the Drive search indexer (lib/search/indexer.ts), and by the engine's tests and
// the bench. User-submitted jobs do not run here: the Inngest function (lib/mapreduce/execute.ts)
// runs one task attempt per step, and the step retries are its retry policy.
import { availableParallelism } from "node:os";
import { type Counters, mergeCounters, sumCounters } from "./counters";
import {
  CancelledError,
  planJob,
  removeIntermediate,
  runMapTask,
  runReduceTask,
  TaskFailedError,
  warmEngine,
  type JobPlan,
  type MapTaskResult,
  type OutputFile,
  type PlanOptions,
  type ReduceTaskResult,
  type TaskContext,
  type TaskResult,
} from "./engine";
import { failureSignature, retryDecision } from "./failure-kind";
import type { TaskSpec } from "./plan";
import type { JobDefinition } from "./schemas";

export const DEFAULT_MAX_ATTEMPTS = 3;

export interface AttemptFailureInfo {
  taskId: string;
  attempt: number;
  message: string;
  stderrTail: string;
}

/**
 * Runs one task up to maxAttempts times; the error of the last attempt fails it, counting them
 * all. durationMs covers every attempt.
 */
async function withRetries<R extends TaskResult>(
  spec: TaskSpec,
  ctx: JobContext,
  run: (attempt: number) => Promise<R>,
): Promise<R> {
  const maxAttempts = ctx.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const started = Date.now();
  let last: TaskFailedError | null = null;
  let previous: string | null = null;
  let attempts = 0;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    attempts = attempt + 1;
    try {
      const result = await run(attempt);
      return { ...result, durationMs: Date.now() - started };
    } catch (error) {
      if (!(error instanceof TaskFailedError)) throw error;
      last = error;
      ctx.onAttemptFailed?.({
        taskId: spec.taskId,
        attempt,
        message: error.reason,
        stderrTail: error.stderrTail,
      });
      // The production rule (execute.ts): no retry of a failure a retry cannot fix.
      const decision = retryDecision({
        attempt,
        maxAttempts,
        reason: error.reason,
        stderrTail: error.stderrTail,
        previousSignature: previous,
      });
      if (!decision.retry) break;
      previous = failureSignature(error.reason, error.stderrTail);
    }
  }
  throw new TaskFailedError(spec.taskId, attempts, last!.reason, last!.stderrTail);
}

export type JobPhase = "map" | "reduce" | "done";

export interface PhaseProgress {
  done: number;
  total: number;
  running: number;
}

export interface JobProgress {
  phase: JobPhase;
  map: PhaseProgress;
  reduce: PhaseProgress;
  /** Finished tasks plus the latest figures of running ones. */
  counters: Counters;
}

export interface JobContext extends Omit<TaskContext, "attempt"> {
  plan?: PlanOptions;
  /** Attempts per task before the job fails. */
  maxAttempts?: number;
  onAttemptFailed?: (f: AttemptFailureInfo) => void;
  onJobProgress?: (p: JobProgress) => void;
}

export interface JobResult {
  jobId: string;
  outputs: OutputFile[];
  counters: Counters;
  durations: { mapMs: number; reduceMs: number; totalMs: number };
  tasks: (MapTaskResult | ReduceTaskResult)[];
  plan: JobPlan;
}

/**
 * Runs tasks with at most `limit` at once. The first task to fail stops the rest, and its error
 * is the one thrown.
 */
async function runAll<T, R>(
  items: T[],
  limit: number,
  signal: AbortSignal | undefined,
  fn: (item: T, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) stop.abort();
  const results: R[] = new Array(items.length);
  let next = 0;
  let first: unknown = null;
  const lane = async () => {
    while (next < items.length && !stop.signal.aborted) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, stop.signal);
      } catch (error) {
        if (first === null && !(error instanceof CancelledError)) {
          first = error;
          stop.abort();
        } else if (first === null) first = error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  signal?.removeEventListener("abort", onAbort);
  if (signal?.aborted) throw new CancelledError();
  if (first !== null) throw first;
  return results;
}

/**
 * Plans and runs a whole job in this process: map tasks on all cores, then reduce tasks. Cancel
 * with ctx.signal: running task processes are killed and intermediate files removed.
 */
export async function runJobLocally(
  definition: JobDefinition,
  jobDir: string,
  ctx: JobContext = {},
): Promise<JobResult> {
  const started = Date.now();
  const engine = ctx.engine ?? {};
  const concurrency = engine.concurrency ?? availableParallelism();
  warmEngine(engine);
  const plan = await planJob(definition, jobDir, { concurrency, ...ctx.plan });
  const done: Counters[] = [];
  const running = new Map<string, Counters>();
  const progress: JobProgress = {
    phase: "map",
    map: { done: 0, total: plan.mapTasks.length, running: 0 },
    reduce: { done: 0, total: plan.reduceTasks.length, running: 0 },
    counters: {},
  };
  let lastEmit = 0;
  const emit = (force: boolean) => {
    if (!ctx.onJobProgress) return;
    const now = Date.now();
    if (!force && now - lastEmit < 250) return;
    lastEmit = now;
    progress.counters = sumCounters([...done, ...running.values()]);
    ctx.onJobProgress(structuredClone(progress));
  };
  const taskCtx = (spec: TaskSpec, signal: AbortSignal, attempt: number): TaskContext => ({
    engine: ctx.engine,
    signal,
    attempt,
    owner: ctx.owner,
    onWait: ctx.onWait,
    onStart: ctx.onStart,
    onProgress: (p) => {
      running.set(spec.taskId, p.counters);
      ctx.onProgress?.(p);
      emit(false);
    },
  });
  const retried: JobContext = {
    ...ctx,
    onAttemptFailed: (f) => {
      running.delete(f.taskId);
      ctx.onAttemptFailed?.(f);
    },
  };
  const track = async <R extends TaskResult>(
    phase: PhaseProgress,
    spec: TaskSpec,
    run: () => Promise<R>,
  ): Promise<R> => {
    phase.running++;
    emit(true);
    try {
      const r = await run();
      phase.done++;
      done.push(r.counters);
      return r;
    } finally {
      phase.running--;
      running.delete(spec.taskId);
      emit(true);
    }
  };

  try {
    emit(true);
    const mapResults = await runAll(plan.mapTasks, concurrency, ctx.signal, (spec, signal) =>
      track(progress.map, spec, () =>
        withRetries(spec, retried, (attempt) => runMapTask(spec, taskCtx(spec, signal, attempt))),
      ),
    );
    const mapDone = Date.now();
    progress.phase = "reduce";
    emit(true);
    const reduceResults = await runAll(plan.reduceTasks, concurrency, ctx.signal, (spec, signal) =>
      track(progress.reduce, spec, () =>
        withRetries(spec, retried, (attempt) =>
          runReduceTask(spec, taskCtx(spec, signal, attempt)),
        ),
      ),
    );
    progress.phase = "done";
    emit(true);
    await removeIntermediate(plan.jobDir);
    const outputs =
      plan.partitions === 0
        ? mapResults.map((r) => r.output!).filter(Boolean)
        : reduceResults.map((r) => r.output);
    const counters = sumCounters([...mapResults, ...reduceResults].map((r) => r.counters));
    return {
      jobId: plan.jobId,
      outputs,
      counters: mergeCounters({}, counters),
      durations: {
        mapMs: mapDone - started,
        reduceMs: Date.now() - mapDone,
        totalMs: Date.now() - started,
      },
      tasks: [...mapResults, ...reduceResults],
      plan,
    };
  } catch (error) {
    await removeIntermediate(plan.jobDir, { output: true });
    throw error;
  }
}
