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
  /** The task's owner: its cpu cgroup goes below the owner's group, whose quota (`cpuCores`)
   * bounds all of the owner's background work together (userKindGroup), not this task alone. */
  userId?: string;
}

export interface TaskCgroup {
  version: 1 | 2;
  /** Every directory the program joins (v1: one per controller; v2: one). */
  dirs: string[];
  /** The directory whose cgroup.procs lists the task's processes. */
  procs: string;
  /** The memory controller's directory, when there is one. */
  memory: string | null;
  /** The owner's part (this worker's tasks of theirs) that the cpu leaf is in, when it is. */
  owner?: UserKindGroup;
}

export interface Hierarchy {
  version: 1 | 2;
  /** controller → this worker's base directory (v2: the same one for all). */
  bases: Map<string, string>;
}

let hierarchy: Hierarchy | null | undefined;
/** The weight of one worker's tasks of one user together: what all of the worker's tasks weighed
 * before there was a per-user level (half an ordinary process: below the web server's thread). */
const MR_WEIGHT = { 1: 512, 2: 50 } as const;
/** The owners' parts this process has made tasks in (liveTaskCgroups looks there too). */
const trackedOwners = new Set<string>();
let counter = 0;
let capFailed = false;

/** Where the kernel refuses a CPU cap, says so once per process (the weights remain). */
function warnNoCap(dir: string): void {
  if (!capFailed)
    logger.warn("cgroups: no CPU cap (cannot write the CFS quota); weights only", { dir });
  capFailed = true;
}

/** Writes the CPU cap of a task without an owner (a dry run). */
function capCpu(dir: string, version: 1 | 2, cores: number | null | undefined): void {
  if (cores === null || cores === undefined || writeCpuCap(dir, version, cores)) return;
  warnNoCap(dir);
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

function userHash(userId: string): string {
  return createHash("sha256").update(userId).digest("hex").slice(0, 16);
}

// ONE CPU cap per user for the sum of their background work. The cap (STRATUS_USER_CPU_CAP) is a
// CFS quota, and a quota bounds the cgroup it is written on with everything below it: when each
// user's render group, zip group and each MapReduce task carried a quota of its own, one user's
// total could be several times the cap (renders + zips + one cap per task). So the quota sits on
// one cgroup per user, `stratus-user-<hash>`, and each process's part of that user's work is a
// child of it: `render-<pid>-<start>` (the web server's render processes), `zip-<pid>-<start>` (its
// zip processes), `mr-<pid>-<start>` (the worker's tasks, one leaf each below it).
// The web server and the worker are separate processes on one host: both find or make the same
// user group (a mkdir that may meet EEXIST, or an ENOENT when another process removed the group
// between our mkdir and our child's — then we start again), write the same quota, and each removes
// only its own children; the user group goes with its last child (an rmdir that fails while
// another process still has one there). Both place it the same way: v1, below their own cgroup in
// the cpu hierarchy when visible (they share it when started together, as `npm run up`, the
// container and the benches start them), else at the hierarchy's root; v2, at the root.
// Weights: a child weighs what its part did before (a user's renders a quarter of a process, their
// zips one nice-10 process, their tasks half a process), so inside the group they divide the
// user's CPU in those proportions; the user group weighs as much as its heaviest child
// (reweighUser). Not the sum: a group's weight goes to whichever of its children can run, so with
// the sum A's sleeping fork-and-sleep tasks lent their 512 to A's renders and zips, which then
// weighed 878 against the host instead of 366 (the bench: A's zips moved 2-4x the bytes a second,
// B's page loads waited). With the heaviest child, one kind of work alone weighs what it did
// before, and a mix no more than its heaviest part.

const USER_PREFIX = "stratus-user-";
export type UserKind = "render" | "zip" | "mr";

export interface UserKindGroup {
  version: 1 | 2;
  /** The user's group (carries the quota). */
  user: string;
  /** This process's child of it for one kind of work. */
  dir: string;
  /** False when the quota could not be written (no CFS bandwidth control): weights only. */
  capped: boolean;
}

let userParent: { version: 1 | 2; dir: string } | null | undefined;

/** Where the user groups live in the cpu controller's hierarchy (null: nowhere writable). */
export function userGroupsParent(): { version: 1 | 2; dir: string } | null {
  if (userParent !== undefined) return userParent;
  userParent = null;
  if (process.getuid?.() !== 0) return null;
  if (existsSync(join(ROOT, "cgroup.controllers"))) {
    const available = readFileSync(join(ROOT, "cgroup.controllers"), "utf8").split(/\s+/);
    if (!available.includes("cpu")) return null;
    // Each controller apart: one that is missing must not keep the others off.
    for (const c of ["cpu", "pids", "memory"]) {
      if (available.includes(c)) write(join(ROOT, "cgroup.subtree_control"), `+${c}`);
    }
    userParent = { version: 2, dir: ROOT };
    sweepStaleUserGroups(ROOT);
    return userParent;
  }
  const mount = join(ROOT, "cpu");
  if (!existsSync(join(mount, "cgroup.procs"))) return null;
  const own = join(mount, ownPath("cpu"));
  userParent = { version: 1, dir: existsSync(join(own, "cgroup.procs")) ? own : mount };
  sweepStaleUserGroups(userParent.dir);
  return userParent;
}

/**
 * Removes what processes gone since (a worker or server killed with tasks or renders running)
 * left in the user groups below `parent`, and the user groups left empty. Run once per process
 * when it first needs a user group. A group another process is about to use again is made again
 * by it (userKindGroup starts over on ENOENT).
 */
export function sweepStaleUserGroups(parent: string): void {
  let users: string[];
  try {
    users = readdirSync(parent).filter((e) => e.startsWith(USER_PREFIX));
  } catch {
    return;
  }
  for (const u of users) {
    const user = join(parent, u);
    for (const k of ["render-", "zip-", "mr-"]) cleanStale(user, k);
    // Swept here: userKindGroup need not sweep it again when this process first uses it.
    usersCleaned.add(user);
    rmdirQuiet(user);
  }
}

function mkdirOwn(dir: string): "made" | "exists" | "gone" {
  try {
    mkdirSync(dir);
    return "made";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return "exists";
    return "gone";
  }
}

const sharesFile = (version: 1 | 2) => (version === 1 ? "cpu.shares" : "cpu.weight");

/**
 * The user group's weight: its heaviest child's (each the weight of one process's part of the
 * user's work). Any process may call it after a change; a race between two leaves a stale weight
 * until the next change, never a wrong cap.
 */
export function reweighUser(userDir: string, version: 1 | 2): void {
  let heaviest = 0;
  try {
    for (const d of readdirSync(userDir, { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      const w = Number(readFileSync(join(userDir, d.name, sharesFile(version)), "utf8"));
      if (Number.isFinite(w)) heaviest = Math.max(heaviest, w);
    }
  } catch {
    return;
  }
  if (heaviest === 0) return;
  const value = version === 1 ? Math.max(2, heaviest) : Math.min(10_000, Math.max(1, heaviest));
  write(join(userDir, sharesFile(version)), String(Math.round(value)));
}

/** Per process: users whose group this process has checked for stale children already. */
const usersCleaned = new Set<string>();

/**
 * This process's `kind` cgroup of `userId`'s, below the user's capped group (both made when
 * missing), with weight `weight` (v1 shares; v2 weight). null where none can be made.
 */
export function userKindGroup(
  userId: string,
  kind: UserKind,
  weight: number,
  capCores: number | null,
): UserKindGroup | null {
  const parent = userGroupsParent();
  if (!parent) return null;
  const { version } = parent;
  const user = join(parent.dir, `${USER_PREFIX}${userHash(userId)}`);
  const dir = join(user, `${kind}-${process.pid}-${processStartTime("self") ?? "0"}`);
  // Another process may remove the user group between our mkdir and our child's: start again.
  for (let attempt = 0; attempt < 20; attempt++) {
    if (mkdirOwn(user) === "gone") return null;
    if (!existsSync(join(user, "cgroup.procs"))) return null;
    // null lifts a cap left from an earlier setting.
    const capped = writeCpuCap(user, version, capCores) || capCores === null;
    if (!capped) warnNoCap(user);
    if (version === 2) {
      for (const c of ["cpu", "pids", "memory"])
        write(join(user, "cgroup.subtree_control"), `+${c}`);
    }
    if (!usersCleaned.has(user)) {
      usersCleaned.add(user);
      for (const k of ["render-", "zip-", "mr-"]) cleanStale(user, k);
    }
    if (mkdirOwn(dir) === "gone") continue;
    if (!existsSync(join(dir, "cgroup.procs"))) continue;
    write(join(dir, sharesFile(version)), String(Math.round(weight)));
    if (version === 2 && kind === "mr") {
      for (const c of ["cpu", "pids", "memory"])
        write(join(dir, "cgroup.subtree_control"), `+${c}`);
    }
    reweighUser(user, version);
    return { version, user, dir, capped };
  }
  return null;
}

/** Sets the weight of this process's part of a user's work (and the user group's). */
export function weighUserKind(g: UserKindGroup, weight: number): void {
  write(join(g.dir, sharesFile(g.version)), String(Math.round(weight)));
  reweighUser(g.user, g.version);
}

/**
 * Removes this process's part of a user's work (it must be empty), and the user group when it was
 * the last part. True when the part is gone.
 */
export function releaseUserKind(g: UserKindGroup): boolean {
  if (!rmdirQuiet(g.dir)) return false;
  // Fails while another process (or kind) still has a child there: it then reweighs.
  if (!rmdirQuiet(g.user)) reweighUser(g.user, g.version);
  return true;
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
  let owner: UserKindGroup | undefined;
  const fail = () => {
    for (const d of made) rmdirQuiet(d);
    if (owner) releaseUserKind(owner);
    return null;
  };
  // The cpu leaf below the owner's capped group: made there, or undefined (the worker's own base,
  // with a cap of the task's own, as before). Another thread or process may remove the owner's
  // part between our making it and our leaf's mkdir: then again.
  const ownerLeaf = (): string | undefined => {
    if (limits.userId === undefined || !(h.version === 2 || h.bases.has("cpu"))) return undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const g = userKindGroup(limits.userId, "mr", MR_WEIGHT[h.version], limits.cpuCores ?? null);
      if (!g || g.version !== h.version) return undefined;
      const dir = join(g.dir, leaf);
      if (tryMkdir(dir)) {
        owner = g;
        trackedOwners.add(g.dir);
        return dir;
      }
    }
    return undefined;
  };
  if (h.version === 2) {
    const dir = ownerLeaf() ?? join(h.bases.get("pids")!, leaf);
    if (!owner && !tryMkdir(dir)) return null;
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
      if (!owner) capCpu(dir, 2, limits.cpuCores);
    }
    return { version: 2, dirs: [dir], procs: dir, memory: hasMemory ? dir : null, owner };
  }
  let memory: string | null = null;
  for (const [c, base] of h.bases) {
    const dir = (c === "cpu" ? ownerLeaf() : undefined) ?? join(base, leaf);
    if (!(c === "cpu" && owner) && !tryMkdir(dir)) return fail();
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
      if (!owner) capCpu(dir, 1, limits.cpuCores);
    }
  }
  return { version: 1, dirs: made, procs: made[0]!, memory, owner };
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
  // The owner's part goes with this worker's last task of theirs (another thread's leaf keeps it).
  if (gone && cg.owner) releaseUserKind(cg.owner);
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
  for (const base of [...h.bases.values(), ...trackedOwners]) {
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
