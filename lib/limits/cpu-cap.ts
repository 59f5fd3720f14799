import { readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { blank, parseEnv } from "@/lib/parse-env";

// A hard cap on the CPU one user's background work may take together — the web server's render
// processes (lib/images/render-cgroups.ts), its zip processes (lib/drive/zip-cgroups.ts) and the
// worker's sandboxed MapReduce tasks (lib/mapreduce/task-cgroup.ts) — as a CFS bandwidth limit
// on the user's one cgroup, the parent of all three (userKindGroup in task-cgroup.ts)
// (v1 cpu.cfs_quota_us / cpu.cfs_period_us, v2 cpu.max).
// CPU weights (cpu.shares, nice) only divide a CPU that is contended: on a quiet host user A's
// previews and zips took ~1.9 of the 2 cores, and user B's page loads and sign-ins waited while
// the scheduler handed the cores back (docs/isolation-bench.md, 2.6–4.8× on a quiet host). A
// quota is a ceiling whatever the host's load: the rest of the machine stays free for others.
// No import of "server-only": the worker (MapReduce tasks) uses it too.

/** The bandwidth period. Short, so that a capped group runs in short bursts: with 100 ms, A's
 * renders on both cores could hold them for 25 ms at a time before being throttled. */
export const CPU_CAP_PERIOD_US = 20_000;

const schema = z.object({
  // Cores (a fraction is fine); "off" for no cap. Default: a quarter of the machine.
  STRATUS_USER_CPU_CAP: z.preprocess(
    blank,
    z
      .union([
        z.literal("off"),
        z.coerce
          .number()
          .min(0.05, "at least 0.05 (cores), or off")
          .max(4096, "at most 4096 (cores), or off"),
      ])
      .optional(),
  ),
});

/**
 * The cap per user (cores), or null for none (`STRATUS_USER_CPU_CAP=off`). By default a quarter
 * of the machine's cores, at least 0.25: on 2 cores half a core for all of one user's renders,
 * zips and MapReduce tasks together.
 */
export function userCpuCapCores(
  env: Record<string, string | undefined> = process.env,
  cores: number = availableParallelism(),
): number | null {
  const value = parseEnv(schema, env, "CPU cap").STRATUS_USER_CPU_CAP;
  if (value === "off") return null;
  return value ?? Math.max(0.25, cores / 4);
}

/** Writes the cap on a cgroup (null: no cap). False when the file cannot be written (no CFS
 * bandwidth control in the kernel, a read-only cgroupfs). */
export function writeCpuCap(dir: string, version: 1 | 2, cores: number | null): boolean {
  const quota = cores === null ? null : Math.max(1000, Math.round(cores * CPU_CAP_PERIOD_US));
  try {
    if (version === 2) {
      writeFileSync(join(dir, "cpu.max"), `${quota ?? "max"} ${CPU_CAP_PERIOD_US}`);
    } else {
      // The period first: a quota is checked against the period in force (and -1 lifts it).
      writeFileSync(join(dir, "cpu.cfs_period_us"), String(CPU_CAP_PERIOD_US));
      writeFileSync(join(dir, "cpu.cfs_quota_us"), String(quota ?? -1));
    }
    return true;
  } catch {
    return false;
  }
}

/** The cap in force on a cgroup, in cores (null: none or unreadable). */
export function readCpuCap(dir: string, version: 1 | 2): number | null {
  try {
    if (version === 2) {
      const [quota, period] = readFileSync(join(dir, "cpu.max"), "utf8").trim().split(/\s+/);
      return quota === "max" ? null : Number(quota) / Number(period);
    }
    const quota = Number(readFileSync(join(dir, "cpu.cfs_quota_us"), "utf8"));
    const period = Number(readFileSync(join(dir, "cpu.cfs_period_us"), "utf8"));
    return quota < 0 ? null : quota / period;
  } catch {
    return null;
  }
}

/** How many bandwidth periods the cgroup was throttled in (cpu.stat), 0 when unreadable. */
export function throttledPeriods(dir: string): number {
  try {
    const m = /^nr_throttled (\d+)$/m.exec(readFileSync(join(dir, "cpu.stat"), "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
