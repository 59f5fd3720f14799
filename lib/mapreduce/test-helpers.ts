// Job directories for the engine tests: inputs and programs copied from fixtures/, removed after.
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runJobLocally, type JobResult } from "./run-local";
import { partitionOfKey } from "./partition";
import { SANDBOX_USER } from "./sandbox";

export const FIXTURES = fileURLToPath(new URL("./fixtures", import.meta.url));
export const fixture = (...p: string[]) => join(FIXTURES, ...p);

const dirs: string[] = [];

export interface TestInput {
  name: string;
  /** A fixture file, or literal content. */
  fixture?: string;
  content?: string | Buffer;
  side?: "left" | "right";
}

/** A job directory with inputs/ and programs/ as the Inngest function will lay them out. */
export function makeJobDir(inputs: TestInput[], programs: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "stratus-mr-test-"));
  dirs.push(dir);
  mkdirSync(join(dir, "inputs"));
  mkdirSync(join(dir, "programs"));
  for (const i of inputs) {
    const dest = join(dir, "inputs", i.name);
    if (i.fixture) copyFileSync(fixture(i.fixture), dest);
    else writeFileSync(dest, i.content ?? "");
  }
  for (const p of programs) {
    const [from, as] = p.includes("=") ? p.split("=") : [p, p.slice(p.lastIndexOf("/") + 1)];
    copyFileSync(
      fixture(from!.includes("/") ? from! : `programs/${from}`),
      join(dir, "programs", as!),
    );
  }
  return {
    dir,
    inputs: inputs.map((i) => ({ path: `inputs/${i.name}`, name: i.name, side: i.side ?? "left" })),
  };
}

export function removeJobDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Every part file, in order. */
export function partTexts(result: JobResult): string[] {
  return result.outputs.map((o) => readFileSync(o.file, "latin1"));
}

const keyOf = (line: string) => {
  const tab = line.indexOf("\t");
  return tab < 0 ? line : line.slice(0, tab);
};
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** All output lines ordered by key (stable: lines of one key keep their order). */
export function sortedOutput(result: JobResult): string {
  const lines = partTexts(result).flatMap((t) => t.split("\n").filter((l) => l !== ""));
  return lines
    .map((line, i) => ({ line, i }))
    .sort((a, b) => byteOrder(keyOf(a.line), keyOf(b.line)) || a.i - b.i)
    .map((x) => `${x.line}\n`)
    .join("");
}

/** Throws unless every part file is sorted by key and holds only keys of its own partition. */
export function checkParts(result: JobResult): void {
  const parts = partTexts(result);
  parts.forEach((text, p) => {
    const keys = text
      .split("\n")
      .filter((l) => l !== "")
      .map(keyOf);
    keys.forEach((k, i) => {
      if (i > 0 && byteOrder(keys[i - 1]!, k) > 0)
        throw new Error(`part ${p} is not sorted at ${k}`);
      const owner = partitionOfKey(Buffer.from(k, "latin1"), parts.length);
      if (owner !== p) throw new Error(`key ${k} is in part ${p}, its partition is ${owner}`);
    });
  });
}

export const expected = (name: string) => readFileSync(fixture("expected", name), "latin1");

export interface LiveProcess {
  pid: number;
  uid: number;
  cmdline: string;
  /** Started by this test process: in one of its task cgroups, or its descendant. */
  ours: boolean;
}

/**
 * Live processes (not zombies) from /proc: pid, real uid, command line and whether this test
 * process started them. Tests count only their own: another Stratus on the same machine runs
 * its users' programs as the same sandbox uid, and its processes are not this test's business.
 */
export function liveProcesses(): LiveProcess[] {
  const rows: (Omit<LiveProcess, "ours"> & { ppid: number; inOurCgroup: boolean })[] = [];
  // Task cgroups are named after the worker process that made them (lib/mapreduce/task-cgroup.ts).
  const ourCgroup = `/stratus-mr-${process.pid}-`;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      if (/^State:\s+Z/m.test(status)) continue;
      const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      const inOurCgroup = readFileSync(`/proc/${entry}/cgroup`, "utf8").includes(ourCgroup);
      rows.push({ pid: Number(entry), uid, cmdline, ppid, inOurCgroup });
    } catch {
      // the process ended meanwhile
    }
  }
  const parent = new Map(rows.map((r) => [r.pid, r.ppid]));
  const descends = (pid: number) => {
    for (let p: number | undefined = pid, hops = 0; p && hops < 64; p = parent.get(p), hops++) {
      if (p === process.pid) return true;
    }
    return false;
  };
  return rows.map(({ pid, uid, cmdline, inOurCgroup }) => ({
    pid,
    uid,
    cmdline,
    ours: inOurCgroup || descends(pid),
  }));
}

/** The uid of the sandbox user, or null when it does not exist. */
export function sandboxUid(): number | null {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${SANDBOX_USER}:`));
  return line ? Number(line.split(":")[2]) : null;
}

/**
 * User A runs a mapper that forks as many sleeping children as it may; once they are there,
 * user B runs the textbook Python word count beside it. Before per-task isolation, A's children
 * used up RLIMIT_NPROC of the one sandbox uid and B's tasks failed to start. A is then cancelled.
 */
export async function forkAndSleepBesideAnotherJob() {
  const uid = sandboxUid();
  const a = makeJobDir([{ name: "input.txt", content: "x\n" }], ["hostile/fork_and_sleep.py"]);
  const abort = new AbortController();
  const jobA = runJobLocally(
    {
      jobId: "user-a",
      job: { kind: "user", mapper: "fork_and_sleep.py", reducer: null, combiner: null },
      options: { combiner: "none", taskTimeoutSeconds: 300 },
      inputs: a.inputs,
    },
    a.dir,
    { signal: abort.signal, maxAttempts: 1 },
  ).catch((e: unknown) => e);
  const sandboxed = () =>
    liveProcesses().filter(
      (p) =>
        p.ours &&
        p.uid !== 0 &&
        p.cmdline.includes("fork_and_sleep.py") &&
        (uid === null || p.uid >= uid),
    ).length;
  // Waits on A's state (its children all forked), not on a duration; A never ends by itself.
  let aProcesses = 0;
  let last = -1;
  for (let stable = 0; stable < 10;) {
    await new Promise((r) => setTimeout(r, 100));
    aProcesses = sandboxed();
    stable = aProcesses > 0 && aProcesses === last ? stable + 1 : 0;
    last = aProcesses;
  }
  const docs = { name: "docs.tsv", fixture: "docs.tsv" };
  const b = makeJobDir([docs], ["wc_mapper.py", "wc_reducer.py"]);
  const bResult = await runJobLocally(
    {
      jobId: "user-b",
      job: { kind: "user", mapper: "wc_mapper.py", reducer: "wc_reducer.py", combiner: null },
      options: { reducers: 2, combiner: "reducer" },
      inputs: b.inputs,
    },
    b.dir,
    { maxAttempts: 1 },
  );
  const w = makeJobDir([docs]);
  const builtin = await runJobLocally(
    { jobId: "builtin", job: { kind: "word-count" }, options: { reducers: 2 }, inputs: w.inputs },
    w.dir,
  );
  abort.abort();
  const aError = await jobA;
  for (let i = 0; i < 100 && sandboxed() > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return {
    aProcesses,
    aLeft: sandboxed(),
    aError,
    bOutput: partTexts(bResult),
    builtinOutput: partTexts(builtin),
  };
}
