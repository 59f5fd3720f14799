import "server-only";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { userCpuCapCores } from "@/lib/limits/cpu-cap";
import {
  makeCgroupBase,
  releaseUserKind,
  rmdirQuiet,
  userKindGroup,
  write,
  type Hierarchy,
  type UserKindGroup,
} from "@/lib/mapreduce/task-cgroup";

// The CPU of the web server's zip processes (zip.ts), per user: each zip process moves itself
// into its user's cgroup when it gets its job (zip-process.mjs), and all of a user's background
// work together — these zips, their renders, their MapReduce tasks — may use at most
// STRATUS_USER_CPU_CAP cores (lib/limits/cpu-cap.ts), whatever the host's load: the quota is on
// the user's one group, and a user's zips are this server's `zip-…` child of it (userKindGroup in
// lib/mapreduce/task-cgroup.ts), weighing one nice-10 process. Before, the
// zip processes only ran at nice 10, which divides a busy CPU but takes any idle one: on a quiet
// host two of A's downloads took ~0.5 of the 2 cores on top of A's renders, and B's page loads
// waited (docs/isolation-bench.md).
// All zips together weigh what one process at nice 10 weighed (110 of an ordinary 1024) per user
// zipping, and users' cgroups weigh the same: one user's several zips weigh as one. The cgroup v1
// cpu controller (cpu.shares) or v2's (cpu.weight), made as the render cgroups are. null where
// there is none (not root, no writable cgroupfs, STRATUS_ZIP_CGROUPS=off): the processes then
// stay at nice 10 only.

const PREFIX = "stratus-zip-";
/** The weight of one process at nice 10 (the kernel's sched_prio_to_weight), per user zipping. */
const USER_SHARES = 110;

export class ZipCgroups {
  /** Users with a cgroup, and how many of their zips hold it. */
  private readonly users = new Map<string, { group: UserKindGroup; dir: string; zips: number }>();

  private constructor(
    private readonly h: Hierarchy,
    readonly base: string,
    /** Cores one user's zips may use together at most (null: no cap). */
    readonly capCores: number | null,
  ) {}

  static create(env: Record<string, string | undefined> = process.env): ZipCgroups | null {
    if (env.STRATUS_ZIP_CGROUPS === "off") return null;
    const h = makeCgroupBase(PREFIX, ["cpu"], "cpu");
    const base = h?.bases.get("cpu");
    if (!h || !base) return null;
    const cgroups = new ZipCgroups(h, base, userCpuCapCores(env));
    cgroups.weigh();
    process.once("exit", () => cgroups.removeAll());
    return cgroups;
  }

  get version(): 1 | 2 {
    return this.h.version;
  }

  /**
   * The cgroup.procs file a zip process of `userId`'s moves itself into (the user's cgroup, made
   * when missing, capped), or null when it cannot be made. Each call holds the cgroup until
   * release(userId).
   */
  acquire(userId: string): string | null {
    let entry = this.users.get(userId);
    if (!entry) {
      const made = userKindGroup(
        userId,
        "zip",
        this.h.version === 1 ? USER_SHARES : Math.max(1, Math.round(USER_SHARES / 10.24)),
        this.capCores,
      );
      if (!made || made.version !== this.h.version) return null;
      entry = { group: made, dir: made.dir, zips: 0 };
      this.users.set(userId, entry);
      this.weigh();
    }
    entry.zips += 1;
    return join(entry.dir, "cgroup.procs");
  }

  /** A zip of the user's ended (its process has exited): the cgroup goes with their last one. A
   * cgroup whose process is still being reaped stays, and is used again by their next zip. */
  release(userId: string): void {
    const entry = this.users.get(userId);
    if (!entry) return;
    entry.zips = Math.max(0, entry.zips - 1);
    if (entry.zips === 0 && releaseUserKind(entry.group)) {
      this.users.delete(userId);
      this.weigh();
    }
  }

  /** The directory of a user's cgroup, when they have one (tests). */
  dirOf(userId: string): string | null {
    return this.users.get(userId)?.dir ?? null;
  }

  /** Processes in a user's cgroup now (tests). */
  processesOf(userId: string): number[] {
    const dir = this.users.get(userId)?.dir;
    if (!dir) return [];
    try {
      return readFileSync(join(dir, "cgroup.procs"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  }

  private weigh(): void {
    const n = Math.max(1, this.users.size);
    write(
      join(this.base, this.h.version === 1 ? "cpu.shares" : "cpu.weight"),
      // v2 weights are 1–10000 for 1024 v1 shares ≈ 100: 110 shares ≈ weight 11.
      String(
        this.h.version === 1 ? n * USER_SHARES : Math.max(1, Math.round((n * USER_SHARES) / 10.24)),
      ),
    );
  }

  /** Removes the (empty) cgroups; a process still in one keeps it until the next server's clean. */
  removeAll(): void {
    for (const { group } of this.users.values()) releaseUserKind(group);
    this.users.clear();
    rmdirQuiet(this.base);
  }
}

// One set per server process; kept on globalThis so a dev server's reloads reuse it.
const GLOBAL = globalThis as typeof globalThis & { __stratusZipCgroups?: ZipCgroups | null };

/** This server's zip cgroups, or null where none can be made. */
export function zipCgroups(): ZipCgroups | null {
  if (GLOBAL.__stratusZipCgroups === undefined) GLOBAL.__stratusZipCgroups = ZipCgroups.create();
  return GLOBAL.__stratusZipCgroups;
}
