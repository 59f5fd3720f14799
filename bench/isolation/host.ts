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
