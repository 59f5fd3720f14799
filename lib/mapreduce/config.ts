import { availableParallelism } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { blank, parseEnv } from "@/lib/parse-env";
import { MAX_TASK_TIMEOUT_SECONDS } from "./schemas";

// Where and how wide the local MapReduce engine runs, and how the EMR runner polls (README,
// "MapReduce"). Checked at start with every other feature's settings (lib/health/environment.ts);
// read at each use, as the values are cheap to parse and tests set them per file. Amazon EMR's own
// cluster settings are in ./emr/config.ts.

/** 16 GiB: what one job may write (lib/mapreduce/engine.ts checks it while tasks stream). */
export const DEFAULT_JOB_OUTPUT_BYTES = 16 * 1024 * 1024 * 1024;

const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  // Job directories (inputs, intermediate files, output). Several workers on one job share it.
  MAPREDUCE_WORK_DIR: z.preprocess(blank, z.string().optional()),
  // Tasks of a phase that run at once on a worker; default one per core.
  MAPREDUCE_PARALLEL_TASKS: z.preprocess(blank, positiveInt.max(1024).optional()),
  // Bytes one job may leave on the worker's disk (map output, part files), and the most an EMR
  // step's collected part files may hold together.
  MAPREDUCE_JOB_OUTPUT_BYTES: z.preprocess(blank, positiveInt.optional()),
  // Seconds a task step waits for a task slot before it hands back and asks again (a new step),
  // so no step request outlives the executor's request timeout while it waits its turn.
  MAPREDUCE_SLOT_WAIT_SECONDS: z.preprocess(blank, positiveInt.max(3600).default(300)),
  // Tests only: a smaller map split, to get many tasks out of a small input.
  MAPREDUCE_CHUNK_BYTES: z.preprocess(blank, positiveInt.optional()),
  // Seconds between two DescribeStep calls while an EMR step runs.
  EMR_POLL_SECONDS: z.preprocess(blank, z.coerce.number().min(1).max(3600).default(30)),
  // Another S3 endpoint for EMR_S3_PREFIX (tests: the local store). Unset: AWS's.
  EMR_S3_ENDPOINT: z.preprocess(
    blank,
    z.url({ protocol: /^https?$/, error: "EMR_S3_ENDPOINT must be an http(s) URL" }).optional(),
  ),
});

export type MapReduceConfig = {
  workDir: string;
  parallelTasks: number;
  jobOutputBytes: number;
  slotWaitSeconds: number;
  /** Undefined: the planner sizes splits from the input (16–64 MiB). */
  chunkBytes: number | undefined;
  emrPollSeconds: number;
  emrS3Endpoint: string | undefined;
};

export function mapReduceConfig(
  env: Record<string, string | undefined> = process.env,
): MapReduceConfig {
  const e = parseEnv(schema, env, "MapReduce");
  return {
    workDir: e.MAPREDUCE_WORK_DIR ?? join(process.cwd(), ".data", "mapreduce"),
    parallelTasks: e.MAPREDUCE_PARALLEL_TASKS ?? availableParallelism(),
    jobOutputBytes: e.MAPREDUCE_JOB_OUTPUT_BYTES ?? DEFAULT_JOB_OUTPUT_BYTES,
    slotWaitSeconds: e.MAPREDUCE_SLOT_WAIT_SECONDS,
    chunkBytes: e.MAPREDUCE_CHUNK_BYTES,
    emrPollSeconds: e.EMR_POLL_SECONDS,
    emrS3Endpoint: e.EMR_S3_ENDPOINT,
  };
}

/** What a task step does besides waiting for a slot and running its task: fetch and store. */
const TASK_STEP_IO_SECONDS = 600;

/**
 * How long the executor must wait for one step's answer (scripts/worker.ts): a MapReduce task
 * step waits for a slot (MAPREDUCE_SLOT_WAIT_SECONDS), runs its task (up to the longest timeout a
 * job may ask for) and moves its data. A shorter request timeout would abort every task longer
 * than it and retry it forever; the executor's own default (15 min) stays the floor.
 */
export function stepRequestTimeoutMs(
  env: Record<string, string | undefined> = process.env,
): number {
  const { slotWaitSeconds } = mapReduceConfig(env);
  const task = (slotWaitSeconds + MAX_TASK_TIMEOUT_SECONDS + TASK_STEP_IO_SECONDS) * 1000;
  return Math.max(15 * 60_000, task);
}
