import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readFileSync, realpathSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// For the tests of the CPU caps (cpu-cap.ts and the cgroups that write it): processes that burn
// CPU inside a cgroup, and what they used, measured by the kernel.

/** CPU seconds a process has run (/proc/PID/schedstat's first field: nanoseconds on a CPU). */
export function cpuSecondsOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]) / 1e9;
}

/**
 * Starts `count` processes that spin forever, moves them into the cgroup `dir`, and returns the
 * cores they used together over about `ms` of wall time; the processes are gone when it resolves.
 */
export function coresUsedBySpinners(dir: string, count: number, ms = 1000): Promise<number> {
  return coresUsedTogether(
    Array.from({ length: count }, () => dir),
    ms,
  );
}

/**
 * Gives a cgroup's parent the most weight the kernel allows, so that the host's load cannot keep
 * the processes below their cap (a test of the cap must see them held by the quota alone).
 */
export function outweighTheHost(base: string, version: 1 | 2): void {
  writeFileSync(
    join(base, version === 1 ? "cpu.shares" : "cpu.weight"),
    version === 1 ? "262144" : "10000",
  );
}

/**
 * Starts one spinning process in each cgroup of `dirs` and returns the cores they used together
 * over about `ms`, as the kernel's cpuacct controller counts it: the processes also join one
 * cpuacct cgroup of the test's (where cpuacct is mounted apart from cpu, as here) or are summed
 * from their schedstat (where it cannot be made). The processes are gone when it resolves.
 */
export async function coresUsedTogether(dirs: string[], ms = 1500): Promise<number> {
  const children = dirs.map(() => spawn("sh", ["-c", "while :; do :; done"], { stdio: "ignore" }));
  const exits = children.map((c) => once(c, "exit"));
  const acct = `/sys/fs/cgroup/cpuacct/stratus-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let usage: (() => number) | null = null;
  try {
    // Where cpuacct shares the cpu hierarchy (cpu,cpuacct), joining a group of its would take
    // the processes out of the groups under test.
    if (realpathSync("/sys/fs/cgroup/cpuacct") === realpathSync("/sys/fs/cgroup/cpu")) {
      throw new Error("cpuacct is mounted with cpu");
    }
    mkdirSync(acct);
    usage = () => Number(readFileSync(join(acct, "cpuacct.usage"), "utf8")) / 1e9;
  } catch {
    usage = null;
  }
  try {
    children.forEach((c, i) => {
      writeFileSync(join(dirs[i]!, "cgroup.procs"), String(c.pid));
      if (usage) writeFileSync(join(acct, "cgroup.procs"), String(c.pid));
    });
    const pids = children.map((c) => c.pid!);
    const cpu = usage ?? (() => pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0));
    const [t0, c0] = [performance.now(), cpu()];
    await new Promise((r) => setTimeout(r, ms));
    const [t1, c1] = [performance.now(), cpu()];
    return (c1 - c0) / ((t1 - t0) / 1000);
  } finally {
    for (const c of children) c.kill("SIGKILL");
    await Promise.all(exits);
    if (usage)
      for (let i = 0; i < 50 && !rmdirQuiet(acct); i++) await new Promise((r) => setTimeout(r, 20));
  }
}

function rmdirQuiet(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT";
  }
}
