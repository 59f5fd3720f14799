// One cgroup per sandboxed program of a task, so that its limits count for the task and not for
// the uid every user's programs share: pids.max (RLIMIT_NPROC is per uid across the machine, so
// one user's fork-and-sleep mapper used to starve every other user's tasks), a memory limit for
// all of the task's processes together (RLIMIT_AS is per process), and an equal CPU weight per
// task whatever its number of processes. cgroup v2 where the host has it, v1 otherwise
// (controllers pids, memory, cpu — each used when its hierarchy is writable); null where none
// can be made (not root, read-only /sys/fs/cgroup): the sandbox then falls back on a distinct
// uid per task (sandbox-uids.ts).
//
// Names carry the worker's pid and start time, so two workers on one machine (two Stratus
// instances) never share a cgroup; a worker that died is cleaned up by the next one.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { threadId } from "node:worker_threads";
import { writeCpuCap } from "../limits/cpu-cap";
import { logger } from "../log/logger";

const ROOT = "/sys/fs/cgroup";
const PREFIX = "stratus-mr-";

export interface TaskCgroupLimits {
  /** pids.max: processes and threads of the task together. */
  processes: number;
  /** Memory of the task's processes together (page cache and tmpfs included), no swap. */
  memoryBytes: number;
  /** Cores the task's processes may use together at most (a CFS quota: a ceiling however idle
   * the host is, where the weight only divides a busy CPU); null or absent: no cap. */
  cpuCores?: number | null;
}

export interface TaskCgroup {
  version: 1 | 2;
  /** Every directory the program joins (v1: one per controller; v2: one). */
  dirs: string[];
  /** The directory whose cgroup.procs lists the task's processes. */
  procs: string;
  /** The memory controller's directory, when there is one. */
  memory: string | null;
}

export interface Hierarchy {
  version: 1 | 2;
  /** controller → this worker's base directory (v2: the same one for all). */
  bases: Map<string, string>;
}

let hierarchy: Hierarchy | null | undefined;
let counter = 0;
let capFailed = false;

/** Writes the task's CPU cap; where the kernel refuses it, logs that once (the weight remains). */
function capCpu(dir: string, version: 1 | 2, cores: number | null | undefined): void {
  if (cores === null || cores === undefined || writeCpuCap(dir, version, cores)) return;
  if (!capFailed) {
    logger.warn("task cgroups: no CPU cap (cannot write the CFS quota); weights only", { dir });
  }
  capFailed = true;
}

/** The cgroup path of this process in a v1 controller's hierarchy or v2 ("" key). */
function ownPath(controller: string): string {
  for (const line of readFileSync("/proc/self/cgroup", "utf8").split("\n")) {
    const [, ctrls, path] = line.split(":");
    if (ctrls === undefined || path === undefined) continue;
    if (controller === "" ? ctrls === "" : ctrls.split(",").includes(controller)) return path;
  }
  return "/";
}

/**
 * When a process started (clock ticks after boot, /proc/PID/stat field 22): with its pid, it
 * names a process uniquely even when pids are reused. null when there is no such process.
 */
export function processStartTime(pid: number | "self"): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

export function tryMkdir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    return statSync(dir).isDirectory() && existsSync(join(dir, "cgroup.procs"));
  } catch {
    return false;
  }
}

export function write(file: string, value: string): boolean {
  try {
    writeFileSync(file, value);
    return true;
  } catch {
    return false;
  }
}

/**
 * This process's base cgroup, `<prefix><pid>-<start time>`, in each of `controllers` whose
 * hierarchy is writable (v2: one directory with those controllers enabled below it), after
 * removing the bases that processes gone since left with the same prefix. null when there is
 * none with `required` (not root, no cgroupfs, read-only). Shared by the MapReduce task cgroups
 * and the web server's per-user render cgroups (lib/images/render-cgroups.ts).
 */
export function makeCgroupBase(
  prefix: string,
  controllers: string[],
  required: string,
): Hierarchy | null {
  if (process.getuid?.() !== 0) return null;
  const name = `${prefix}${process.pid}-${processStartTime("self") ?? "0"}`;
  // v2: the unified hierarchy mounted at /sys/fs/cgroup.
  if (existsSync(join(ROOT, "cgroup.controllers"))) {
    const available = readFileSync(join(ROOT, "cgroup.controllers"), "utf8").split(/\s+/);
    if (!available.includes(required)) return null;
    const wanted = controllers.filter((c) => available.includes(c));
    // The root is exempt from "no processes in inner cgroups": leaf cgroups hang below one base
    // per process directly under it.
    write(join(ROOT, "cgroup.subtree_control"), wanted.map((c) => `+${c}`).join(" "));
    const base = join(ROOT, name);
    if (!tryMkdir(base)) return null;
    write(join(base, "cgroup.subtree_control"), wanted.map((c) => `+${c}`).join(" "));
    cleanStale(ROOT, prefix);
    return { version: 2, bases: new Map(wanted.map((c) => [c, base])) };
  }
  const bases = new Map<string, string>();
  for (const c of controllers) {
    const mount = join(ROOT, c);
    if (!existsSync(join(mount, "cgroup.procs"))) continue;
    // Below this process's own cgroup when it is visible (a container's limits keep applying),
    // else below the hierarchy's root.
    const own = join(mount, ownPath(c));
    const parent = existsSync(join(own, "cgroup.procs")) ? own : mount;
    const base = join(parent, name);
    if (!tryMkdir(base)) continue;
    cleanStale(parent, prefix);
    bases.set(c, base);
  }
  if (!bases.has(required)) {
    for (const b of bases.values()) rmdirQuiet(b);
    return null;
  }
  return { version: 1, bases };
}

/**
 * A user's cgroup under a per-user cpu `base` (the web server's render and zip cgroups): named by
 * a hash of the id (the id is no one's business in /sys), an ordinary process's weight, and the
 * CPU cap when there is one. null when it cannot be made; `capped` false when the cap could not
 * be written (the weight still applies).
 */
export function makeUserCpuGroup(
  h: Hierarchy,
  base: string,
  userId: string,
  capCores: number | null,
): { dir: string; capped: boolean } | null {
  const dir = join(base, `u-${createHash("sha256").update(userId).digest("hex").slice(0, 16)}`);
  if (!tryMkdir(dir)) return null;
  write(join(dir, h.version === 1 ? "cpu.shares" : "cpu.weight"), h.version === 1 ? "1024" : "100");
  return { dir, capped: capCores === null || writeCpuCap(dir, h.version, capCores) };
}

function detect(): Hierarchy | null {
  if (process.env.STRATUS_SANDBOX_CGROUPS === "off") return null;
  const h = makeCgroupBase(PREFIX, ["pids", "memory", "cpu"], "pids");
  // All of the worker's sandboxed programs weigh less than one web server thread, so that
  // sign-ins and page loads stay quick while tasks run.
  const cpu = h?.version === 1 ? h.bases.get("cpu") : undefined;
  if (cpu) write(join(cpu, "cpu.shares"), "512");
  return h;
}

function hierarchyOrNull(): Hierarchy | null {
  if (hierarchy === undefined) {
    const h = detect();
    hierarchy = h;
    // The worker's base goes with it (it stays while another thread still has a task in it;
    // the next worker then removes it).
    if (h) process.once("exit", () => new Set(h.bases.values()).forEach((b) => rmdirQuiet(b)));
  }
  return hierarchy;
}

/** Which kind of per-task cgroup this worker makes (for logs and tests). */
export function taskCgroupSupport(): "v1" | "v2" | "none" {
  const h = hierarchyOrNull();
  return h ? (h.version === 1 ? "v1" : "v2") : "none";
}

/** A fresh cgroup for one program of a task, limits written; null where none can be made. */
export function createTaskCgroup(limits: TaskCgroupLimits): TaskCgroup | null {
  const h = hierarchyOrNull();
  if (!h) return null;
  const leaf = `t-${threadId}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const made: string[] = [];
  const fail = () => {
    for (const d of made) rmdirQuiet(d);
    return null;
  };
  if (h.version === 2) {
    const dir = join(h.bases.get("pids")!, leaf);
    if (!tryMkdir(dir)) return null;
    made.push(dir);
    if (!write(join(dir, "pids.max"), String(limits.processes))) return fail();
    const hasMemory = h.bases.has("memory");
    if (hasMemory) {
      write(join(dir, "memory.max"), String(limits.memoryBytes));
      write(join(dir, "memory.swap.max"), "0");
      // An OOM kill takes the whole task down, not one process of it.
      write(join(dir, "memory.oom.group"), "1");
    }
    if (h.bases.has("cpu")) {
      write(join(dir, "cpu.weight"), "100");
      capCpu(dir, 2, limits.cpuCores);
    }
    return { version: 2, dirs: [dir], procs: dir, memory: hasMemory ? dir : null };
  }
  let memory: string | null = null;
  for (const [c, base] of h.bases) {
    const dir = join(base, leaf);
    if (!tryMkdir(dir)) return fail();
    made.push(dir);
    if (c === "pids" && !write(join(dir, "pids.max"), String(limits.processes))) return fail();
    if (c === "memory") {
      if (!write(join(dir, "memory.limit_in_bytes"), String(limits.memoryBytes))) return fail();
      // Without swap accounting the limit counts RAM only; with it, swap is no way around it.
      write(join(dir, "memory.memsw.limit_in_bytes"), String(limits.memoryBytes));
      write(join(dir, "memory.swappiness"), "0");
      memory = dir;
    }
    if (c === "cpu") {
      write(join(dir, "cpu.shares"), "1024");
      capCpu(dir, 1, limits.cpuCores);
    }
  }
  return { version: 1, dirs: made, procs: made[0]!, memory };
}

function pidsOf(dir: string): number[] {
  try {
    return readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const pause = (ms: number) => Atomics.wait(sleeper, 0, 0, ms);

export function rmdirQuiet(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/** Sends SIGKILL to every process of the task once (v2: cgroup.kill). */
export function killTaskProcesses(cg: TaskCgroup): number {
  const kill = join(cg.procs, "cgroup.kill");
  if (cg.version === 2 && existsSync(kill)) write(kill, "1");
  const pids = pidsOf(cg.procs);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
  return pids.length;
}

/** Kills every process left in the cgroup, then removes it. True when it is gone. */
export function removeTaskCgroup(cg: TaskCgroup): boolean {
  for (let i = 0; i < 200 && killTaskProcesses(cg) > 0; i++) pause(i < 20 ? 2 : 20);
  let gone = true;
  for (const d of cg.dirs) {
    // A cgroup whose last process is still being reaped is busy for a moment.
    let removed = rmdirQuiet(d);
    for (let i = 0; !removed && i < 50; i++) {
      pause(10);
      removed = rmdirQuiet(d);
    }
    gone &&= removed;
  }
  return gone;
}

/** How many of the task's processes the kernel killed for going over its memory limit. */
export function taskOomKills(cg: TaskCgroup): number {
  if (!cg.memory) return 0;
  try {
    const file = cg.version === 2 ? "memory.events" : "memory.oom_control";
    const m = /^oom_kill (\d+)$/m.exec(readFileSync(join(cg.memory, file), "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Bases of processes that are gone (killed, crashed): their leaves' processes killed, removed. */
function cleanStale(parent: string, prefix: string): void {
  let entries: string[];
  try {
    entries = readdirSync(parent).filter((e) => e.startsWith(prefix));
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = /^(\d+)-(\d+)$/.exec(entry.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processStartTime(pid) === m[2]) continue;
    const base = join(parent, entry);
    let children: string[] = [];
    try {
      children = readdirSync(base, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
    } catch {
      continue;
    }
    for (const c of children) {
      removeTaskCgroup({ version: 1, dirs: [join(base, c)], procs: join(base, c), memory: null });
    }
    rmdirQuiet(base);
  }
}

/** The task cgroups of this worker that exist now (tests check that none is left behind). */
export function liveTaskCgroups(): string[] {
  const h = hierarchyOrNull();
  if (!h) return [];
  const dirs = new Set<string>();
  for (const base of h.bases.values()) {
    try {
      for (const d of readdirSync(base, { withFileTypes: true })) {
        if (d.isDirectory() && d.name.startsWith("t-")) dirs.add(join(base, d.name));
      }
    } catch {
      // removed meanwhile
    }
  }
  return [...dirs];
}
