import "server-only";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { userCpuCapCores } from "@/lib/limits/cpu-cap";
import {
  makeCgroupBase,
  releaseUserKind,
  rmdirQuiet,
  tryMkdir,
  userKindGroup,
  weighUserKind,
  write,
  type Hierarchy,
  type UserKindGroup,
} from "@/lib/mapreduce/task-cgroup";

// A CPU share per user for the web server's render processes (render-pool.ts): each process
// moves itself into its user's cgroup while it renders for them (moves()), and all users'
// cgroups weigh the same, so ten of A's worst-case previews get the CPU one of B's gets —
// however many processes A keeps busy. All render processes together weigh USER_WEIGHT of an
// ordinary process per user rendering, up to `maxUsers` (the pool's size, the cores previews may
// use): one user's flood weighs one user's share whatever its size, so sign-ins and page loads
// keep theirs, and another user's render beside it still gets a whole user's share rather than
// half of one (when the renders together weighed one process, A's flood halved B's preview's CPU
// on a loaded host: the bench's preview ratio could not go below 2×).
// A nice level cannot do this: it weighs processes, not users, and at nice 10 every render —
// B's as well — starved on a loaded host (docs/isolation-bench.md).
// On top of the weight, a hard cap: all of a user's background work together — these renders,
// their zips (lib/drive/zip-cgroups.ts) and their MapReduce tasks in the worker — may use at most
// STRATUS_USER_CPU_CAP cores (lib/limits/cpu-cap.ts; a quarter of the machine by default), however
// idle the host: a weight only divides a contended CPU, and on a quiet host A's renders took what
// B's requests then had to wait for. The quota is on the user's one group (userKindGroup in
// task-cgroup.ts); a user's renders are this server's `render-…` child of it, which weighs what
// the user's renders weigh here. The base keeps the idle processes.
// The cpu controller of cgroup v1 (cpu.shares) or v2 (cpu.weight), found and made as the
// MapReduce task cgroups are (lib/mapreduce/task-cgroup.ts). null where there is none (not root,
// no writable cgroupfs, STRATUS_RENDER_CGROUPS=off): the pool falls back on nice.

const PREFIX = "stratus-render-";
/**
 * A user's renders together weigh a quarter of an ordinary process: a user can make previews
 * as heavy as the pixel budget allows, and they must lose to request handling (the server's
 * thread, sign-ins' argon2) and to MapReduce tasks. At a whole process, A's four worst-case
 * renders took 0.55 of the 2 cores and B's page loads, sign-ins and jobs 4–17× longer in the
 * bench at load 6–8; at nice 10 (a tenth) every preview, B's too, timed out at load 40.
 */
export const USER_WEIGHT = 0.25;
/** Where idle processes wait (v2 allows processes only in leaves). */
const IDLE = "idle";

export class RenderCgroups {
  /** Users with a cgroup now. */
  private readonly users = new Map<string, UserKindGroup>();

  private constructor(
    private readonly h: Hierarchy,
    readonly base: string,
    private readonly maxUsers: number,
    /** Cores each user's renders may use together at most (null: no cap). */
    readonly capCores: number | null,
  ) {}

  /** The cap could not be written once (logged once, the weight still applies). */

  /** This server's render cgroups, or null where no cpu cgroup can be made. */
  static create(
    env: Record<string, string | undefined> = process.env,
    maxUsers = 1,
  ): RenderCgroups | null {
    if (env.STRATUS_RENDER_CGROUPS === "off") return null;
    const h = makeCgroupBase(PREFIX, ["cpu"], "cpu");
    const base = h?.bases.get("cpu");
    if (!h || !base) return null;
    if (!tryMkdir(join(base, IDLE))) return null;
    const cgroups = new RenderCgroups(
      h,
      base,
      Math.max(1, Math.floor(maxUsers)),
      userCpuCapCores(env),
    );
    cgroups.weigh();
    process.once("exit", () => cgroups.removeAll());
    return cgroups;
  }

  get version(): 1 | 2 {
    return this.h.version;
  }

  /** The directory of a user's cgroup (made when missing), null when it cannot be made. */
  userDir(userId: string): string | null {
    const known = this.users.get(userId);
    if (known) return known.dir;
    const made = userKindGroup(
      userId,
      "render",
      this.userShare(this.users.size + 1),
      this.capCores,
    );
    if (!made || made.version !== this.h.version) return null;
    this.users.set(userId, made);
    this.weigh();
    return made.dir;
  }

  /** Each user's renders' weight (v1 shares, v2 weight) with `n` users rendering: USER_WEIGHT of
   * an ordinary process (v1 1024, v2 100) each, all together at most `maxUsers` users' worth. */
  private userShare(n: number): number {
    const users = Math.max(1, n);
    const total = Math.min(this.maxUsers, users) * USER_WEIGHT;
    return Math.max(1, Math.round((total / users) * (this.h.version === 1 ? 1024 : 100)));
  }

  /** Every rendering user's part weighs userShare (and each user's group the sum of its parts). */
  private weigh(): void {
    const share = this.userShare(this.users.size);
    for (const g of this.users.values()) weighUserKind(g, share);
    write(
      join(this.base, this.h.version === 1 ? "cpu.shares" : "cpu.weight"),
      String(this.userShare(1)),
    );
  }

  /** All users' renders' weight now, in ordinary processes (tests); one user's with none. */
  get weight(): number {
    const unit = this.h.version === 1 ? 1024 : 100;
    if (this.users.size === 0) return this.userShare(1) / unit;
    let sum = 0;
    for (const g of this.users.values()) {
      try {
        sum += Number(
          readFileSync(join(g.dir, this.h.version === 1 ? "cpu.shares" : "cpu.weight"), "utf8"),
        );
      } catch {
        return NaN;
      }
    }
    return sum / unit;
  }

  /**
   * Where a render process moves itself for one pipeline of `userId`'s: the cgroup.procs files of
   * the user's cgroup (made when missing) and of the idle one, or null when the user's cannot be
   * made. The process writes "0" (itself) into them, before and after the pipeline, on its own
   * thread: a move into a v1 cgroup waits for an RCU grace period (tens of ms on a loaded host),
   * which the server's thread — every user's requests — paid twice per render before.
   */
  moves(userId: string): { enter: string; leave: string } | null {
    const dir = this.userDir(userId);
    return dir === null
      ? null
      : { enter: join(dir, "cgroup.procs"), leave: join(this.base, IDLE, "cgroup.procs") };
  }

  /** Puts a new render process among the idle ones (once, when it is started). */
  park(pid: number): boolean {
    return write(join(this.base, IDLE, "cgroup.procs"), String(pid));
  }

  /** A user's pipeline ended (its process has moved itself back among the idle ones): the
   * user's cgroup goes when no other pipeline of theirs runs. */
  release(userId: string, userStillRendering: boolean): void {
    if (userStillRendering) return;
    const g = this.users.get(userId);
    if (g && releaseUserKind(g)) {
      this.users.delete(userId);
      this.weigh();
    }
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

  /** Users with a cgroup now (tests). */
  get userCount(): number {
    return this.users.size;
  }

  /** Removes the (empty) cgroups; a process still in one keeps it until the next server's clean. */
  removeAll(): void {
    for (const g of this.users.values()) releaseUserKind(g);
    this.users.clear();
    rmdirQuiet(join(this.base, IDLE));
    rmdirQuiet(this.base);
  }
}
