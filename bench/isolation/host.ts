// What the isolation bench watches on the host: processes alive, the kernel's OOM kills, the CPU
// time of a process tree (to wait until the servers are quiet again after an attack).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

/** The pid written in a pid file, or null. */
export function pidFromFile(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The direct children of a process (all its threads' children). */
export function children(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      const list = readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim();
      if (list) out.push(...list.split(/\s+/).map(Number));
    } catch {
      // gone
    }
  }
  return out;
}

/** user + system CPU seconds of a process and all its descendants (ticks of 1/100 s). */
export function treeCpuSeconds(root: number): number {
  let ticks = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      continue;
    }
    stack.push(...children(pid));
  }
  return ticks / 100;
}

/** The kernel log's OOM-killer lines ("Killed process …"), or null when dmesg cannot be read. */
export function oomKills(): string[] | null {
  try {
    const text = execFileSync("dmesg", [], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return text.split("\n").filter((l) => /Killed process|oom-kill:|Out of memory/.test(l));
  } catch {
    return null;
  }
}

/**
 * The OOM lines that appeared since `before`, split into kills inside a memory cgroup (a task's
 * own limit doing its job) and global ones (the machine ran out: anything may have been picked).
 */
export function newOomKills(
  before: string[] | null,
): { cgroup: string[]; global: string[] } | null {
  const after = oomKills();
  if (!before || !after) return null;
  const seen = new Set(before);
  const fresh = after.filter((l) => !seen.has(l));
  const cgroup: string[] = [];
  const global: string[] = [];
  // A kill is reported as "Memory cgroup out of memory: Killed process …" inside a cgroup, and
  // "Out of memory: Killed process …" when the whole machine ran out.
  for (const line of fresh.filter((l) => /Killed process/.test(l))) {
    (/Memory cgroup out of memory/.test(line) ? cgroup : global).push(line.trim());
  }
  return { cgroup, global };
}

function statTicks(pid: number): { own: number; reaped: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime, stime; cutime, cstime (children that ended and were waited for)
    return { own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** CPU seconds of a process tree, ended children included (those its processes waited for). */
function treeTicks(root: number, skip?: (pid: number) => boolean): number {
  let ticks = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    if (pid !== root && skip?.(pid)) continue;
    const t = statTicks(pid);
    if (!t) continue;
    ticks += t.own + t.reaped;
    stack.push(...children(pid));
  }
  return ticks;
}

/**
 * Where the CPU went, by part of the bench's world: CPU seconds so far of each (ended
 * children included). The app server's own thread(s) apart from its render processes and from
 * its zip processes (live ones; ended zip processes count in "app: ended children").
 */
export function cpuSnapshot(parts: {
  app: number;
  worker: number;
  mariadb?: number;
  s3?: number;
  attacker?: number;
}): Record<string, number> {
  const out: Record<string, number> = {};
  const app = statTicks(parts.app);
  if (app) {
    out["app server (its own threads)"] = app.own / 100;
    out["app: ended children (zips, killed renders)"] = app.reaped / 100;
    let render = 0;
    let zip = 0;
    for (const child of children(parts.app)) {
      const line = cmdline(child);
      const t = treeTicks(child);
      if (line.includes("render-process")) render += t;
      else if (line.includes("zip-process")) zip += t;
      else out["app: other children"] = (out["app: other children"] ?? 0) + t / 100;
    }
    out["app: render processes"] = render / 100;
    out["app: zip processes (running)"] = zip / 100;
  }
  out["worker and its tasks"] = treeTicks(parts.worker) / 100;
  if (parts.mariadb) out["MariaDB"] = treeTicks(parts.mariadb) / 100;
  if (parts.s3) out["S3 store"] = treeTicks(parts.s3) / 100;
  // The bench's own process: its servers and A's client are children of it, counted above.
  const others = new Set([parts.app, parts.worker, parts.attacker]);
  out["bench (B's client)"] = treeTicks(process.pid, (pid) => others.has(pid)) / 100;
  if (parts.attacker) out["A's client"] = treeTicks(parts.attacker) / 100;
  return out;
}
