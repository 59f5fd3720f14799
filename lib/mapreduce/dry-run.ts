import "server-only";
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { mapReduceConfig } from "./config";
import { PlanError, programInfo } from "./plan";
import {
  checkSandboxTools,
  DEFAULT_SANDBOX_LIMITS,
  sandboxFailure,
  sandboxIdentity,
  spawnSandboxed,
  type SandboxLimits,
} from "./sandbox";
import { UserFacingError } from "@/lib/server/errors";

// "Test on the first 100 lines": the user's mapper over the first lines of an input, the map
// output sorted and grouped by key as the shuffle would, then the reducer over the sorted lines —
// each program in the same sandbox as a real task (spawnSandboxed: its own cgroup, seccomp, the
// sandbox uid, prlimit), with tighter limits. Bounded per user: one dry run at a time, a few at
// once per server, a short timeout, and every output capped.

export const DRY_RUN_LINES = 100;
/** The first 100 lines are read from at most this much of the input. */
export const DRY_RUN_INPUT_BYTES = 64 * 1024;
/** A program's stdout beyond this stops it; what is shown is capped at this too. */
export const DRY_RUN_OUTPUT_BYTES = 256 * 1024;
/** The stderr shown (its tail). */
export const DRY_RUN_STDERR_BYTES = 16 * 1024;
/** Wall time of one program; the sandbox's CPU limit is lower still. */
export const DRY_RUN_TIMEOUT_MS = 15_000;
/** Groups shown in the middle pane (the reducer still gets every line). */
export const DRY_RUN_GROUPS = 200;
/** Dry runs at once in one server process, all users together. */
export const DRY_RUN_SLOTS = 2;

export const DRY_RUN_LIMITS: SandboxLimits = {
  ...DEFAULT_SANDBOX_LIMITS,
  cpuSeconds: 5,
  taskMemoryBytes: 256 * 1024 * 1024,
  processes: 16,
  fileSizeBytes: DRY_RUN_OUTPUT_BYTES,
  tmpBytes: 8 * 1024 * 1024,
  outputBytes: DRY_RUN_OUTPUT_BYTES,
};

export class DryRunError extends UserFacingError {}

export type DryRunProgram = { name: string; source: string };

export type StageResult = {
  /** What the program wrote on stdout (up to DRY_RUN_OUTPUT_BYTES). */
  output: string;
  records: number;
  stderr: string;
  /** Why the program failed, in words the user can act on; null when it succeeded. */
  error: string | null;
  durationMs: number;
};

export type DryRunResult = {
  input: { name: string; lines: number };
  map: StageResult;
  /** The map output sorted by key (byte order, stable) and grouped as the reducer sees it. */
  groups: { key: string; values: string[] }[];
  groupCount: number;
  reduce: StageResult | null;
};

const running = new Set<string>();

/**
 * Runs a dry run for `ownerId`; throws DryRunError when the user already has one running or the
 * server's slots are taken (nothing ran), or when a program cannot be set up.
 */
export async function dryRun(
  ownerId: string,
  job: {
    mapper: DryRunProgram;
    reducer: DryRunProgram | null;
    input: { name: string; text: string; complete: boolean };
  },
): Promise<DryRunResult> {
  if (running.has(ownerId)) {
    throw new DryRunError("A test run of yours is still running: wait for it to finish.");
  }
  if (running.size >= DRY_RUN_SLOTS) {
    throw new DryRunError("The server is busy with other test runs: try again in a moment.");
  }
  running.add(ownerId);
  const dir = join(mapReduceConfig().workDir, "dry-runs", randomBytes(12).toString("hex"));
  try {
    checkSandboxTools();
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const lines = firstLines(job.input.text, DRY_RUN_LINES, job.input.complete);
    const mapper = await place(dir, job.mapper);
    const reducer = job.reducer ? await place(dir, job.reducer) : null;
    const map = await runStage("The mapper", dir, mapper, lines);
    const sorted = sortByKey(map.output);
    const groups = group(sorted);
    const reduce =
      reducer && map.error === null
        ? await runStage("The reducer", dir, reducer, sorted.map((l) => `${l}\n`).join(""))
        : null;
    return {
      input: { name: job.input.name, lines: lines === "" ? 0 : lines.split("\n").length - 1 },
      map,
      groups: groups.slice(0, DRY_RUN_GROUPS),
      groupCount: groups.length,
      reduce,
    };
  } finally {
    running.delete(ownerId);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The first `n` lines of `text`, each ending in a newline. `complete`: `text` is the whole file
 * (else its last, cut-off line is left out).
 */
export function firstLines(text: string, n: number, complete: boolean): string {
  const lines = text.split("\n");
  const last = lines.pop()!;
  if (complete && last !== "") lines.push(last);
  return lines
    .slice(0, n)
    .map((l) => `${l}\n`)
    .join("");
}

/** Lines sorted by their key (up to the first tab) in byte order, stably, as the shuffle does. */
export function sortByKey(output: string): string[] {
  const lines = output.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const keyed = lines.map((line) => {
    const tab = line.indexOf("\t");
    return { line, key: Buffer.from(tab === -1 ? line : line.slice(0, tab)) };
  });
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return keyed.map((k) => k.line);
}

/** Runs of equal keys. */
export function group(sorted: string[]): { key: string; values: string[] }[] {
  const groups: { key: string; values: string[] }[] = [];
  for (const line of sorted) {
    const tab = line.indexOf("\t");
    const key = tab === -1 ? line : line.slice(0, tab);
    const value = tab === -1 ? "" : line.slice(tab + 1);
    const last = groups.at(-1);
    if (last && last.key === key) last.values.push(value);
    else groups.push({ key, values: [value] });
  }
  return groups;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

async function place(dir: string, program: DryRunProgram) {
  if (!SAFE_NAME.test(program.name)) {
    throw new DryRunError(
      `“${program.name}” is not a usable program name: letters, digits, dots, dashes and underscores.`,
    );
  }
  await writeFile(join(dir, program.name), program.source, { mode: 0o600 });
  try {
    return await programInfo(dir, program.name);
  } catch (error) {
    if (error instanceof PlanError) throw new DryRunError(error.message);
    throw error;
  }
}

async function runStage(
  role: string,
  dir: string,
  program: { file: string; interpreter: "python" | "node" | "exec" },
  input: string,
): Promise<StageResult> {
  const started = Date.now();
  const limits = DRY_RUN_LIMITS;
  const child = spawnSandboxed({
    command: { programDir: dir, ...program },
    env: { mapreduce_job_id: "dry-run", mapreduce_task_attempt_id: "attempt_dry-run_0" },
    limits,
    identity: sandboxIdentity(),
    stdio: ["pipe", "pipe", "pipe"],
  });
  const out: Buffer[] = [];
  let outBytes = 0;
  let tooMuch = false;
  let stderr = Buffer.alloc(0);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, DRY_RUN_TIMEOUT_MS);
  child.stdout!.on("data", (chunk: Buffer) => {
    if (tooMuch) return;
    outBytes += chunk.length;
    if (outBytes > DRY_RUN_OUTPUT_BYTES) {
      tooMuch = true;
      child.kill("SIGKILL");
      return;
    }
    out.push(chunk);
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = Buffer.concat([stderr, chunk]);
    if (stderr.length > 2 * DRY_RUN_STDERR_BYTES) {
      stderr = stderr.subarray(stderr.length - DRY_RUN_STDERR_BYTES);
    }
  });
  child.stdin!.on("error", () => {}); // EPIPE: a program may stop reading early.
  child.stdin!.end(input);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve) => {
      child.once("close", (code, signal) => resolve({ code, signal }));
      child.once("error", () => resolve({ code: 127, signal: null }));
    },
  );
  clearTimeout(timer);
  const tail = stderr.subarray(Math.max(0, stderr.length - DRY_RUN_STDERR_BYTES)).toString("utf8");
  const output = Buffer.concat(out).toString("utf8");
  const error = timedOut
    ? `${role} did not finish within ${DRY_RUN_TIMEOUT_MS / 1000} s (the limit of a test run).`
    : tooMuch
      ? `${role} wrote more than ${DRY_RUN_OUTPUT_BYTES / 1024} KiB (the limit of a test run).`
      : sandboxFailure(role, child, exit, tail, limits);
  return {
    output,
    records: output === "" ? 0 : output.split("\n").length - (output.endsWith("\n") ? 1 : 0),
    stderr: tail,
    error,
    durationMs: Date.now() - started,
  };
}
