// Planning a job: split the inputs into map tasks on line boundaries, decide the partitions, and
// describe every task as plain JSON so that any worker sharing the job directory can run it.
import { chmod, open, readFile, stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { extname, join, resolve } from "node:path";
import type { Interpreter } from "./sandbox";
import {
  JobDefinition,
  type BuiltinJobSpec,
  type JobOptions,
  type JobSpec,
  type ParsedJobDefinition,
} from "./schemas";
import { BUILTIN_DOCS } from "./catalog";
import { UserFacingError } from "../server/errors";

export const MIN_CHUNK_BYTES = 16 * 1024 * 1024;
export const MAX_CHUNK_BYTES = 64 * 1024 * 1024;

export interface ProgramInfo {
  file: string;
  interpreter: Interpreter;
}

export interface JobPrograms {
  mapper: ProgramInfo;
  reducer: ProgramInfo | null;
  combiner: ProgramInfo | null;
}

/** What every task of a job shares. */
export interface TaskCommon {
  jobId: string;
  jobDir: string;
  job: JobSpec;
  options: JobOptions;
  /** R, the number of partitions and reduce tasks; 0 for a map-only job. */
  partitions: number;
  /** Uploaded programs (user jobs). */
  programs: JobPrograms | null;
}

export interface MapTaskSpec extends TaskCommon {
  kind: "map";
  taskId: string;
  index: number;
  input: { path: string; name: string; side: "left" | "right" };
  /** Byte range [start, end) of the input file: whole lines. */
  start: number;
  end: number;
}

export interface ReduceTaskSpec extends TaskCommon {
  kind: "reduce";
  taskId: string;
  partition: number;
  /** Every map task of the job: the reduce reads partition `partition` of each. */
  mapTaskIds: string[];
}

export type TaskSpec = MapTaskSpec | ReduceTaskSpec;

export interface JobPlan {
  jobId: string;
  jobDir: string;
  partitions: number;
  inputBytes: number;
  mapTasks: MapTaskSpec[];
  reduceTasks: ReduceTaskSpec[];
}

export const mapTaskId = (i: number) => `m-${String(i).padStart(5, "0")}`;
export const reduceTaskId = (p: number) => `r-${String(p).padStart(5, "0")}`;
export const partFileName = (i: number) => `part-${String(i).padStart(5, "0")}`;

/** Where things live inside a job directory. */
export const jobPaths = (jobDir: string) => ({
  programs: join(jobDir, "programs"),
  work: join(jobDir, "work"),
  map: join(jobDir, "work", "map"),
  reduce: join(jobDir, "work", "reduce"),
  output: join(jobDir, "output"),
  logs: join(jobDir, "logs"),
});

/** The job cannot be planned as given (a program or input missing); shown to the owner. */
export class PlanError extends UserFacingError {}

/** The number of partitions a job runs with: top-N needs a single reducer. */
export function effectivePartitions(job: JobSpec, options: JobOptions): number {
  if (job.kind === "user") return job.reducer === null ? 0 : options.reducers;
  return BUILTIN_DOCS[job.kind].fixedReducers ?? options.reducers;
}

export function isBuiltin(job: JobSpec): job is BuiltinJobSpec {
  return job.kind !== "user";
}

/** How an uploaded program runs: by extension, else by its #! line (Hadoop's -mapper "python3 x.py"). */
export async function programInfo(dir: string, file: string): Promise<ProgramInfo> {
  const path = join(dir, file);
  const head = await readFile(path)
    .then((b) => b.subarray(0, 2).toString("latin1"))
    .catch(() => {
      throw new PlanError(`The program ${file} is missing from the job.`);
    });
  const ext = extname(file).toLowerCase();
  const interpreter: Interpreter | null =
    ext === ".py"
      ? "python"
      : ext === ".js" || ext === ".mjs" || ext === ".cjs"
        ? "node"
        : head === "#!"
          ? "exec"
          : null;
  if (!interpreter) {
    throw new PlanError(
      `${file} is not a Python (.py) or JavaScript (.js) file and has no #! line naming its interpreter.`,
    );
  }
  // The sandbox gets a copy with this mode: a #! script must be executable.
  await chmod(path, interpreter === "exec" ? 0o755 : 0o644);
  return { file, interpreter };
}

async function resolvePrograms(
  jobDir: string,
  def: ParsedJobDefinition,
): Promise<JobPrograms | null> {
  const job = def.job;
  if (job.kind !== "user") return null;
  const dir = jobPaths(jobDir).programs;
  if (!(await stat(dir).catch(() => null))?.isDirectory()) {
    throw new PlanError("The job has no programs directory.");
  }
  const combinerFile =
    def.options.combiner === "reducer"
      ? job.reducer
      : def.options.combiner === "upload"
        ? job.combiner
        : null;
  return {
    mapper: await programInfo(dir, job.mapper),
    reducer: job.reducer ? await programInfo(dir, job.reducer) : null,
    combiner: combinerFile ? await programInfo(dir, combinerFile) : null,
  };
}

/** Chunk size: enough tasks to keep every core busy, within 16–64 MiB. */
export function chunkSizeFor(totalBytes: number, concurrency: number): number {
  const perTask = Math.ceil(totalBytes / Math.max(1, concurrency * 2));
  return Math.min(MAX_CHUNK_BYTES, Math.max(MIN_CHUNK_BYTES, perTask));
}

/** Cuts [0, size) near multiples of chunkBytes, each cut just after a newline. */
export async function lineChunks(
  path: string,
  size: number,
  chunkBytes: number,
): Promise<[number, number][]> {
  if (size === 0) return [];
  const fh = await open(path, "r");
  try {
    const cuts = [0];
    const probe = Buffer.allocUnsafe(64 * 1024);
    let target = chunkBytes;
    while (target < size) {
      // The next line start at or after `target`.
      let pos = target - 1;
      let cut = -1;
      while (pos < size && cut < 0) {
        const { bytesRead } = await fh.read(probe, 0, probe.length, pos);
        if (bytesRead === 0) break;
        const nl = probe.subarray(0, bytesRead).indexOf(10);
        if (nl >= 0) cut = pos + nl + 1;
        else pos += bytesRead;
      }
      if (cut < 0 || cut >= size) break;
      if (cut > cuts[cuts.length - 1]!) cuts.push(cut);
      target = Math.max(cut, target) + chunkBytes;
    }
    cuts.push(size);
    return cuts.slice(0, -1).map((s, i) => [s, cuts[i + 1]!]);
  } finally {
    await fh.close();
  }
}

export interface PlanOptions {
  /** Override the 16–64 MiB chunk size (tests use a few bytes to get many map tasks). */
  chunkBytes?: number;
  concurrency?: number;
}

/** Validates a job and splits it into tasks; inputs and programs must already be in jobDir. */
export async function planJob(
  definition: JobDefinition,
  jobDir: string,
  opts: PlanOptions = {},
): Promise<JobPlan> {
  const def = JobDefinition.parse(definition);
  const dir = resolve(jobDir);
  const programs = await resolvePrograms(dir, def);
  const partitions = effectivePartitions(def.job, def.options);
  const sizes = await Promise.all(
    def.inputs.map(async (input) => {
      const s = await stat(join(dir, input.path)).catch(() => null);
      if (!s?.isFile()) throw new PlanError(`The input ${input.name} is missing from the job.`);
      return s.size;
    }),
  );
  const inputBytes = sizes.reduce((a, b) => a + b, 0);
  const chunkBytes =
    opts.chunkBytes ?? chunkSizeFor(inputBytes, opts.concurrency ?? availableParallelism());
  const common: TaskCommon = {
    jobId: def.jobId,
    jobDir: dir,
    job: def.job,
    options: def.options,
    partitions,
    programs,
  };
  const mapTasks: MapTaskSpec[] = [];
  for (const [i, input] of def.inputs.entries()) {
    const path = join(dir, input.path);
    for (const [start, end] of await lineChunks(path, sizes[i]!, chunkBytes)) {
      const index = mapTasks.length;
      mapTasks.push({
        ...common,
        kind: "map",
        taskId: mapTaskId(index),
        index,
        input: { path, name: input.name, side: input.side },
        start,
        end,
      });
    }
  }
  const mapTaskIds = mapTasks.map((t) => t.taskId);
  const reduceTasks: ReduceTaskSpec[] = Array.from({ length: partitions }, (_, partition) => ({
    ...common,
    kind: "reduce",
    taskId: reduceTaskId(partition),
    partition,
    mapTaskIds,
  }));
  return { jobId: def.jobId, jobDir: dir, partitions, inputBytes, mapTasks, reduceTasks };
}
