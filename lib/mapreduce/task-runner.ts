// One attempt of one task, run inside a task thread (task-thread.ts). An attempt writes into its
// own directory and commits by renaming it, so a failed or killed attempt never leaves half a
// result where the reduce (or the caller) would read it.
import type { ChildProcess } from "node:child_process";
import { createReadStream, closeSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  builtinMergeOrder,
  builtinSortKeys,
  createBuiltinByteReducer,
  createBuiltinListReducer,
  createBuiltinMapper,
  createBuiltinReducer,
} from "./builtin";
import type { BuiltinReducer } from "./builtin/types";
import { addCounter, C, type Counters, FRAMEWORK } from "./counters";
import {
  ByteGrouper,
  mergeDistinctValues,
  mergeMany,
  type MergeOrder,
  SortedWriter,
} from "./merge";
import { BufferedFile, partitionFileName, PartitionWriter, StreamPartitioner } from "./partition";
import {
  isBuiltin,
  jobPaths,
  partFileName,
  type MapTaskSpec,
  type ProgramInfo,
  type ReduceTaskSpec,
  type TaskSpec,
} from "./plan";
import {
  outputLimitNote,
  sandboxFailure,
  spawnSandboxed,
  type SandboxIdentity,
  type SandboxLimits,
} from "./sandbox";
import { formatBytes } from "../format/numbers";
import {
  collectText,
  countLines,
  readLines,
  spawnSort,
  StderrCollector,
  waitExit,
  type Exit,
} from "./task-io";

export interface TaskRuntime {
  /** This task's share of the job's memory budget. */
  memoryBytes: number;
  limits: SandboxLimits;
  identity: SandboxIdentity;
  /** The job's owner: their tasks' CPU counts against their one cap (task-cgroup.ts). */
  owner?: string;
}

export interface AttemptRequest {
  spec: TaskSpec;
  /** 0-based, as Hadoop numbers attempts. */
  attempt: number;
  runtime: TaskRuntime;
}

export interface PartitionStat {
  partition: number;
  bytes: number;
  records: number;
  /** Sorted by key already (built-ins' map-side sort): the reduce merges instead of sorting. */
  sorted?: boolean;
}

export interface AttemptResult {
  counters: Counters;
  status: string | null;
  stderrTail: string;
  logFile: string;
  /** Map tasks with reducers: their partition files. */
  partitions?: PartitionStat[];
  /** Reduce tasks and map-only map tasks: their part file. */
  output?: { file: string; bytes: number; records: number };
}

export interface AttemptHooks {
  spawned(child: ChildProcess): void;
  progress(counters: Counters, status: string | null): void;
}

/** A failed attempt: the message names the cause, stderrTail is the program's own last words. */
export class AttemptError extends Error {
  constructor(
    message: string,
    readonly stderrTail = "",
  ) {
    super(message);
  }
}

/** Files an attempt may leave behind when it is killed; the supervisor removes them. */
export function attemptPaths(spec: TaskSpec, attempt: number) {
  const p = jobPaths(spec.jobDir);
  const base = spec.kind === "map" ? p.map : p.reduce;
  return {
    dir: join(base, `${spec.taskId}.attempt-${attempt}`),
    final: join(base, spec.taskId),
    log: join(p.logs, `${spec.taskId}.attempt-${attempt}.log`),
    partTmp: join(p.output, `.${outputName(spec)}.attempt-${attempt}`),
    part: join(p.output, outputName(spec)),
  };
}

const outputName = (spec: TaskSpec) =>
  partFileName(spec.kind === "map" ? spec.index : spec.partition);

/** The jobconf variables Hadoop streaming gives a task, for programs that read them. */
function taskEnv(spec: TaskSpec, attempt: number): Record<string, string> {
  const m = spec.kind === "map";
  const num = String(m ? spec.index : spec.partition).padStart(6, "0");
  const task = `task_${spec.jobId}_${m ? "m" : "r"}_${num}`;
  return {
    mapreduce_job_id: spec.jobId,
    mapreduce_task_id: task,
    mapreduce_task_attempt_id: `${task.replace(/^task/, "attempt")}_${attempt}`,
    mapreduce_task_partition: String(m ? spec.index : spec.partition),
    mapreduce_task_ismap: String(m),
    mapreduce_job_reduces: String(spec.partitions),
    ...(m ? { mapreduce_map_input_file: spec.input.name } : {}),
  };
}

function throttle(fn: () => void, ms = 500): () => void {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last >= ms) {
      last = now;
      fn();
    }
  };
}

export async function runAttempt(req: AttemptRequest, hooks: AttemptHooks): Promise<AttemptResult> {
  const paths = attemptPaths(req.spec, req.attempt);
  await mkdir(jobPaths(req.spec.jobDir).logs, { recursive: true });
  await rm(paths.dir, { recursive: true, force: true });
  await mkdir(paths.dir, { recursive: true });
  try {
    if (req.spec.kind === "map") return await runMap(req.spec, req, hooks);
    return await runReduce(req.spec, req, hooks);
  } catch (error) {
    await rm(paths.dir, { recursive: true, force: true });
    await rm(paths.partTmp, { force: true });
    throw error;
  }
}

interface Manifest {
  taskId: string;
  partitions: PartitionStat[];
}

async function commitMap(spec: MapTaskSpec, attempt: number, partitions: PartitionStat[]) {
  const paths = attemptPaths(spec, attempt);
  const manifest: Manifest = { taskId: spec.taskId, partitions };
  await writeFile(join(paths.dir, "manifest.json"), JSON.stringify(manifest));
  await rm(paths.final, { recursive: true, force: true });
  await rename(paths.dir, paths.final);
}

// --- map ------------------------------------------------------------------------------------

async function runMap(spec: MapTaskSpec, req: AttemptRequest, hooks: AttemptHooks) {
  return isBuiltin(spec.job) ? runBuiltinMap(spec, req, hooks) : runProgramMap(spec, req, hooks);
}

async function runBuiltinMap(
  spec: MapTaskSpec,
  req: AttemptRequest,
  hooks: AttemptHooks,
): Promise<AttemptResult> {
  if (!isBuiltin(spec.job)) throw new Error("not a built-in job");
  const paths = attemptPaths(spec, req.attempt);
  const counters: Counters = {};
  const runs: { dir: string; stats: PartitionStat[] }[] = [];
  const newRun = () => {
    const dir = join(paths.dir, `run-${runs.length}`);
    mkdirSync(dir);
    runs.push({ dir, stats: [] });
    return new PartitionWriter(dir, spec.partitions);
  };
  const ctx = {
    partitions: spec.partitions,
    combine: spec.options.combiner !== "none",
    counters,
    side: spec.input.side,
    out: newRun(),
  };
  const mapper = createBuiltinMapper(spec.job, ctx);
  const closeRun = () => (runs.at(-1)!.stats = ctx.out.close());
  // Half of the task's memory for the in-memory combiner; the rest is the thread itself.
  const spillAt = Math.max(64 * 1024, req.runtime.memoryBytes / 2);
  let done = 0;
  const report = throttle(() => {
    const c = structuredClone(counters);
    addCounter(c, FRAMEWORK, C.mapInputBytes, done);
    hooks.progress(c, null);
  });
  let lines = 0;
  try {
    lines = readLines(
      spec.input.path,
      spec.start,
      spec.end,
      mapper,
      (bytes) => {
        done = bytes;
        if (mapper.memoryBytes() > spillAt) {
          mapper.spill();
          // Each sorted spill is a run of its own; unsorted output just goes on.
          if (mapper.sortedSpills) {
            closeRun();
            ctx.out = newRun();
          }
        }
        report();
      },
      // Small budgets check for a spill more often.
      Math.min(4 << 20, Math.max(64 << 10, Math.floor(spillAt / 4))),
    );
    mapper.spill();
  } finally {
    closeRun();
  }
  const keys = builtinSortKeys(spec.job);
  const partitions = await mergeRuns(
    paths.dir,
    runs,
    spec.partitions,
    keys,
    mapper.sortedSpills ? builtinMergeOrder(spec.job) : null,
    mapper.sortedSpills,
    hooks,
  );
  addCounter(counters, FRAMEWORK, C.mapInputRecords, lines);
  addCounter(counters, FRAMEWORK, C.mapInputBytes, spec.end - spec.start);
  // The built-in mappers count their output bytes as they emit them; what they leave for the
  // shuffle, combined, is the materialized figure.
  addCounter(
    counters,
    FRAMEWORK,
    C.mapOutputMaterializedBytes,
    sum(partitions.map((p) => p.bytes)),
  );
  await commitMap(spec, req.attempt, partitions);
  return { counters, status: null, stderrTail: "", logFile: "", partitions };
}

/** One file per partition from the spill runs: renamed when there is one, else merged (sort -m). */
async function mergeRuns(
  dir: string,
  runs: { dir: string; stats: PartitionStat[] }[],
  partitions: number,
  keys: string[],
  order: MergeOrder | null,
  sorted: boolean,
  hooks: AttemptHooks,
): Promise<PartitionStat[]> {
  const result: PartitionStat[] = [];
  for (let p = 0; p < partitions; p++) {
    const name = partitionFileName(p);
    const parts = runs.filter((r) => r.stats[p]!.records > 0);
    const stat = {
      partition: p,
      bytes: sum(parts.map((r) => r.stats[p]!.bytes)),
      records: sum(parts.map((r) => r.stats[p]!.records)),
      sorted,
    };
    if (parts.length === 1) await rename(join(parts[0]!.dir, name), join(dir, name));
    else if (order && parts.length > 1) {
      // The built-ins' sorted runs: merged in this thread (merge.ts).
      const out = new BufferedFile(join(dir, name));
      try {
        const w = new SortedWriter(out, order === "key-value");
        mergeMany(
          parts.map((r) => join(r.dir, name)),
          order,
          dir,
          w.record,
        );
        w.end();
      } finally {
        out.close();
      }
    } else if (parts.length > 1) {
      const merge = spawnSort(
        parts.map((r) => join(r.dir, name)),
        ["-m", ...keys],
        16 << 20,
        dir,
      );
      hooks.spawned(merge);
      const err = collectText(merge);
      const outFd = openSync(join(dir, name), "w", 0o644);
      const write = pipeToFd(merge, outFd);
      checkSort(await waitExit(merge), err());
      await write;
    }
    result.push(stat);
  }
  for (const r of runs) await rm(r.dir, { recursive: true, force: true });
  return result;
}

/** Copies a child's stdout into a file descriptor (and closes it). */
async function pipeToFd(child: ChildProcess, fd: number): Promise<void> {
  try {
    for await (const chunk of child.stdout!) {
      const b = chunk as Buffer;
      let off = 0;
      while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    }
  } finally {
    closeSync(fd);
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function requireProgram(p: ProgramInfo | null | undefined, role: string): ProgramInfo {
  if (!p) throw new Error(`the job has no ${role} program`);
  return p;
}

async function runProgramMap(
  spec: MapTaskSpec,
  req: AttemptRequest,
  hooks: AttemptHooks,
): Promise<AttemptResult> {
  const paths = attemptPaths(spec, req.attempt);
  const programs = spec.programs!;
  const mapper = requireProgram(programs.mapper, "mapper");
  const counters: Counters = {};
  const limits = req.runtime.limits;
  const mapOnly = spec.partitions === 0;
  const stderr = new StderrCollector(paths.log, counters, () => report());
  const report = throttle(() => hooks.progress(structuredClone(counters), stderr.status));

  const writer = mapOnly ? null : new PartitionWriter(paths.dir, spec.partitions);
  const partitioner = writer ? new StreamPartitioner(writer) : null;
  const direct = mapOnly ? new BufferedFile(join(paths.dir, "output")) : null;
  direct?.touch();

  const child = spawnSandboxed({
    command: { programDir: jobPaths(spec.jobDir).programs, ...mapper },
    env: taskEnv(spec, req.attempt),
    limits,
    identity: req.runtime.identity,
    owner: req.runtime.owner,
    stdio: ["pipe", "pipe", "pipe"],
  });
  hooks.spawned(child);
  const exited = waitExit(child);

  let outBytes = 0;
  let tooMuch = false;
  child.stdout!.on("data", (chunk: Buffer) => {
    if (tooMuch) return;
    outBytes += chunk.length;
    if (outBytes > limits.outputBytes) {
      tooMuch = true;
      child.kill("SIGKILL");
      return;
    }
    if (partitioner) partitioner.push(chunk);
    else direct!.writeBytes(chunk, 0, chunk.length);
    report();
  });
  child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk));

  // Input: the chunk's bytes, with a final newline if the file's last line had none.
  let inputLines = 0;
  const input = createReadStream(spec.input.path, {
    start: spec.start,
    end: spec.end - 1,
    highWaterMark: 1 << 20,
  });
  input.on("data", (c) => {
    const b = c as Buffer;
    let i = -1;
    while ((i = b.indexOf(10, i + 1)) !== -1) inputLines++;
  });
  const lastByte = readByte(spec.input.path, spec.end - 1);
  child.stdin!.on("error", () => {}); // EPIPE: the mapper stopped reading, which is allowed.
  input.pipe(child.stdin!, { end: false });
  input.on("end", () => {
    if (lastByte !== 10 && spec.end > spec.start) {
      inputLines++;
      child.stdin!.end("\n");
    } else child.stdin!.end();
  });
  input.on("error", () => child.kill("SIGKILL"));

  const exit = await exited;
  input.destroy();
  stderr.end();
  let partitions: PartitionStat[] = [];
  if (partitioner) {
    partitioner.finish();
    partitions = writer!.close();
  }
  direct?.close();
  if (tooMuch) {
    throw new AttemptError(
      `The mapper wrote more than ${formatBytes(limits.outputBytes)} of output ${outputLimitNote(limits)}.`,
      stderr.tail(),
    );
  }
  const failure = sandboxFailure("The mapper", child, exit, stderr.tail(), limits);
  if (failure) throw new AttemptError(failure, stderr.tail());
  addCounter(counters, FRAMEWORK, C.mapInputRecords, inputLines);
  addCounter(counters, FRAMEWORK, C.mapInputBytes, spec.end - spec.start);
  addCounter(
    counters,
    FRAMEWORK,
    C.mapOutputRecords,
    partitioner?.records ?? countLines(join(paths.dir, "output")).lines,
  );
  addCounter(counters, FRAMEWORK, C.mapOutputBytes, outBytes);

  if (mapOnly) {
    const file = attemptPaths(spec, req.attempt).part;
    await mkdir(jobPaths(spec.jobDir).output, { recursive: true });
    await rename(join(paths.dir, "output"), file);
    await commitMap(spec, req.attempt, []);
    return {
      counters,
      status: stderr.status,
      stderrTail: stderr.tail(),
      logFile: paths.log,
      output: { file, bytes: outBytes, records: counters[FRAMEWORK]![C.mapOutputRecords]! },
    };
  }

  // Map-side sort, as Hadoop does: each partition file is sorted here, by all map tasks in
  // parallel, and the reduce only merges. The combiner reads a sorted file; its output is
  // sorted again only if it is not sorted already.
  const combiner = programs.combiner;
  for (const p of partitions) {
    if (p.records === 0) continue;
    const file = join(paths.dir, partitionFileName(p.partition));
    if (combiner) {
      const combined = await runCombiner(spec, req, hooks, combiner, file, counters);
      addCounter(counters, FRAMEWORK, C.combineInputRecords, p.records);
      addCounter(counters, FRAMEWORK, C.combineOutputRecords, combined.lines);
      p.records = combined.lines;
      p.bytes = combined.bytes;
      if (!combined.sorted) await sortInPlace(file, req, hooks);
    } else await sortInPlace(file, req, hooks);
    p.sorted = true;
  }
  addCounter(counters, FRAMEWORK, C.spilledRecords, sum(partitions.map((p) => p.records)));
  addCounter(
    counters,
    FRAMEWORK,
    C.mapOutputMaterializedBytes,
    sum(partitions.map((p) => p.bytes)),
  );
  await commitMap(spec, req.attempt, partitions);
  return {
    counters,
    status: stderr.status,
    stderrTail: stderr.tail(),
    logFile: paths.log,
    partitions,
  };
}

function readByte(path: string, pos: number): number {
  if (pos < 0) return 10;
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(1);
    return readSync(fd, b, 0, 1, pos) === 1 ? b[0]! : 10;
  } finally {
    closeSync(fd);
  }
}

async function sortInPlace(file: string, req: AttemptRequest, hooks: AttemptHooks): Promise<void> {
  const sorted = spawnSort(
    [file],
    ["-k1,1", "-s", "-o", file],
    req.runtime.memoryBytes / 2,
    dirname(file),
  );
  hooks.spawned(sorted);
  const err = collectText(sorted);
  checkSort(await waitExit(sorted), err());
}

/** sort | combiner over one partition file, replacing it with the combiner's output. */
async function runCombiner(
  spec: MapTaskSpec,
  req: AttemptRequest,
  hooks: AttemptHooks,
  combiner: ProgramInfo,
  file: string,
  counters: Counters,
): Promise<{ lines: number; bytes: number; sorted: boolean }> {
  const paths = attemptPaths(spec, req.attempt);
  const sorted = spawnSort([file], ["-k1,1", "-s"], req.runtime.memoryBytes / 2, paths.dir);
  hooks.spawned(sorted);
  const sortErr = collectText(sorted);
  const outPath = `${file}.combined`;
  const outFd = openSync(outPath, "w", 0o644);
  const stderr = new StderrCollector(paths.log, counters, () => {});
  let child: ChildProcess;
  try {
    child = spawnSandboxed({
      command: { programDir: jobPaths(spec.jobDir).programs, ...combiner },
      env: taskEnv(spec, req.attempt),
      limits: req.runtime.limits,
      identity: req.runtime.identity,
      owner: req.runtime.owner,
      stdio: [sorted.stdout, outFd, "pipe"],
    });
  } finally {
    closeSync(outFd);
  }
  hooks.spawned(child);
  sorted.stdout!.destroy();
  child.stderr!.on("data", (c: Buffer) => stderr.push(c));
  const [sortExit, exit] = await Promise.all([waitExit(sorted), waitExit(child)]);
  stderr.end();
  const failure = sandboxFailure("The combiner", child, exit, stderr.tail(), req.runtime.limits);
  if (failure) throw new AttemptError(failure, stderr.tail());
  checkSort(sortExit, sortErr(), true);
  const counted = countLines(outPath, true);
  await rename(outPath, file);
  return counted;
}

/**
 * Throws when sort failed. A reader that stops early (a combiner or reducer may exit without
 * reading everything) leaves sort unable to write — not sort's failure, nor the task's.
 */
function checkSort(exit: Exit, stderr: string, readerSucceeded = false): void {
  const cutOff =
    exit.signal === "SIGPIPE" || /write failed.*(Broken pipe|Connection reset)/.test(stderr);
  if (readerSucceeded && cutOff) return;
  if (exit.code !== 0) {
    throw new AttemptError(
      `sort failed (${exit.signal ?? `status ${exit.code}`}): ${stderr || "no message"}`,
      stderr,
    );
  }
}

// --- reduce ---------------------------------------------------------------------------------

async function reduceInputs(spec: ReduceTaskSpec) {
  const mapDir = jobPaths(spec.jobDir).map;
  let records = 0;
  let sorted = true;
  const files: string[] = [];
  for (const id of spec.mapTaskIds) {
    const raw = await readFile(join(mapDir, id, "manifest.json"), "utf8").catch(() => null);
    if (raw === null) {
      throw new AttemptError(`The output of map task ${id} is missing: run the map phase first.`);
    }
    const stat = (JSON.parse(raw) as Manifest).partitions.find(
      (p) => p.partition === spec.partition,
    );
    if (stat && stat.bytes > 0) {
      files.push(join(mapDir, id, partitionFileName(spec.partition)));
      records += stat.records;
      sorted &&= stat.sorted === true;
    }
  }
  return { files, records, sorted };
}

async function runReduce(
  spec: ReduceTaskSpec,
  req: AttemptRequest,
  hooks: AttemptHooks,
): Promise<AttemptResult> {
  const paths = attemptPaths(spec, req.attempt);
  await mkdir(jobPaths(spec.jobDir).output, { recursive: true });
  const { files, records, sorted: presorted } = await reduceInputs(spec);
  const counters: Counters = {};
  addCounter(counters, FRAMEWORK, C.reduceInputRecords, records);
  const order = isBuiltin(spec.job) && presorted ? builtinMergeOrder(spec.job) : null;
  if (isBuiltin(spec.job) && order) {
    // Built-in, sorted map outputs: merged here straight into the reducer, on bytes.
    const out = new BufferedFile(paths.partTmp);
    out.touch();
    let groups = 0;
    try {
      const ctx = { counters, out, memoryBytes: req.runtime.memoryBytes / 4, tmpDir: paths.dir };
      const lists = order === "key-value" ? createBuiltinListReducer(spec.job, ctx) : null;
      const report = throttle(() => hooks.progress(structuredClone(counters), null));
      if (lists) {
        const endKey = lists.endKey;
        let n = 0;
        lists.endKey = () => {
          endKey();
          if ((++n & 0xfff) === 0) report();
        };
        groups = mergeDistinctValues(files, paths.dir, lists);
      } else {
        const grouper = new ByteGrouper(createBuiltinByteReducer(spec.job, ctx));
        let n = 0;
        mergeMany(files, order, paths.dir, (buf, ks, ke, vs, ve) => {
          grouper.record(buf, ks, ke, vs, ve);
          if ((++n & 0xffff) === 0) report();
        });
        grouper.end();
        groups = grouper.groups;
      }
    } finally {
      out.close();
    }
    addCounter(counters, FRAMEWORK, C.reduceInputGroups, groups);
    return finishReduce(spec, paths, counters, {
      counters,
      status: null,
      stderrTail: "",
      logFile: "",
      output: { file: paths.part, bytes: out.bytes, records: out.records },
    });
  }
  // A merge needs little memory; a full sort gets half the task's share.
  const sortMemory = presorted ? 8 << 20 : req.runtime.memoryBytes / 2;
  const keys = [
    // Sorted map outputs only need merging: Hadoop's reduce-side merge.
    ...(presorted ? ["-m", `--batch-size=${Math.min(Math.max(files.length, 16), 128)}`] : []),
    ...(isBuiltin(spec.job) ? builtinSortKeys(spec.job) : ["-k1,1", "-s"]),
  ];
  const sorted = spawnSort(files, keys, sortMemory, paths.dir);
  hooks.spawned(sorted);
  const sortErr = collectText(sorted);
  const sortExit = waitExit(sorted);

  let result: AttemptResult;
  if (isBuiltin(spec.job)) {
    const out = new BufferedFile(paths.partTmp);
    out.touch();
    const reducer = createBuiltinReducer(spec.job, {
      counters,
      out,
      memoryBytes: req.runtime.memoryBytes / 4,
      tmpDir: paths.dir,
    });
    const grouper = new LineGrouper(reducer);
    const report = throttle(() => hooks.progress(structuredClone(counters), null));
    try {
      for await (const chunk of sorted.stdout!) {
        grouper.push(chunk as Buffer);
        report();
      }
      grouper.end();
    } finally {
      out.close();
    }
    checkSort(await sortExit, sortErr());
    addCounter(counters, FRAMEWORK, C.reduceInputGroups, grouper.groups);
    result = {
      counters,
      status: null,
      stderrTail: "",
      logFile: "",
      output: { file: paths.part, bytes: out.bytes, records: out.records },
    };
  } else {
    const reducer = requireProgram(spec.programs?.reducer, "reducer");
    const stderr = new StderrCollector(paths.log, counters, () => report());
    const report = throttle(() => hooks.progress(structuredClone(counters), stderr.status));
    const outFd = openSync(paths.partTmp, "w", 0o644);
    let child: ChildProcess;
    try {
      child = spawnSandboxed({
        command: { programDir: jobPaths(spec.jobDir).programs, ...reducer },
        env: taskEnv(spec, req.attempt),
        limits: req.runtime.limits,
        identity: req.runtime.identity,
        owner: req.runtime.owner,
        // The reducer reads sort's output and writes its part file directly: RLIMIT_FSIZE caps it.
        stdio: [sorted.stdout, outFd, "pipe"],
      });
    } finally {
      closeSync(outFd);
    }
    hooks.spawned(child);
    sorted.stdout!.destroy();
    child.stderr!.on("data", (c: Buffer) => stderr.push(c));
    const exit = await waitExit(child);
    const sExit = await sortExit;
    stderr.end();
    const failure = sandboxFailure("The reducer", child, exit, stderr.tail(), req.runtime.limits);
    if (failure) throw new AttemptError(failure, stderr.tail());
    checkSort(sExit, sortErr(), true);
    const { lines, bytes } = countLines(paths.partTmp);
    result = {
      counters,
      status: stderr.status,
      stderrTail: stderr.tail(),
      logFile: paths.log,
      output: { file: paths.part, bytes, records: lines },
    };
  }
  return finishReduce(spec, paths, counters, result);
}

async function finishReduce(
  spec: ReduceTaskSpec,
  paths: ReturnType<typeof attemptPaths>,
  counters: Counters,
  result: AttemptResult,
): Promise<AttemptResult> {
  addCounter(counters, FRAMEWORK, C.reduceOutputRecords, result.output!.records);
  addCounter(counters, FRAMEWORK, C.reduceOutputBytes, result.output!.bytes);
  await rename(paths.partTmp, paths.part);
  await rm(paths.dir, { recursive: true, force: true });
  return result;
}

/** Feeds sorted key<TAB>value lines to a built-in reducer, one group per run of equal keys. */
class LineGrouper {
  /** The start of a line that continues in the next chunk. */
  private pending: Buffer[] = [];
  private key: string | null = null;
  groups = 0;

  constructor(private readonly reducer: BuiltinReducer) {}

  push(chunk: Buffer): void {
    const last = chunk.lastIndexOf(10);
    if (last === -1) {
      this.pending.push(chunk);
      return;
    }
    // Only whole lines become a string; the rest waits as bytes.
    const text = this.pending.length
      ? Buffer.concat([...this.pending, chunk.subarray(0, last + 1)]).toString("latin1")
      : chunk.toString("latin1", 0, last + 1);
    this.pending = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
    let s = 0;
    let nl: number;
    while ((nl = text.indexOf("\n", s)) !== -1) {
      this.line(text, s, nl);
      s = nl + 1;
    }
  }

  private line(text: string, s: number, e: number): void {
    const tab = text.indexOf("\t", s);
    let k: string;
    let v: string;
    if (tab === -1 || tab > e) {
      k = text.slice(s, e);
      v = "";
    } else {
      k = text.slice(s, tab);
      v = text.slice(tab + 1, e);
    }
    if (k !== this.key) {
      if (this.key !== null) this.reducer.endGroup();
      this.reducer.startGroup(k);
      this.key = k;
      this.groups++;
    }
    this.reducer.value(v);
  }

  end(): void {
    if (this.pending.length) {
      const text = Buffer.concat(this.pending).toString("latin1");
      this.pending = [];
      this.line(text, 0, text.length);
    }
    if (this.key !== null) this.reducer.endGroup();
    this.reducer.end();
  }
}
