import "server-only";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  makeCgroupBase,
  rmdirQuiet,
  tryMkdir,
  write,
  type Hierarchy,
} from "@/lib/mapreduce/task-cgroup";

// A CPU share per user for the web server's render processes (render-pool.ts): each process is
// moved into its user's cgroup while it renders for them, and all users' cgroups weigh the same,
// so ten of A's worst-case previews get the CPU one of B's gets — however many processes A keeps
// busy. All render processes together weigh as much as one ordinary process (the server's own
// thread among them), so sign-ins and page loads keep their share too.
// A nice level cannot do this: it weighs processes, not users, and at nice 10 every render —
// B's as well — starved on a loaded host (docs/isolation-bench.md).
// The cpu controller of cgroup v1 (cpu.shares) or v2 (cpu.weight), found and made as the
// MapReduce task cgroups are (lib/mapreduce/task-cgroup.ts). null where there is none (not root,
// no writable cgroupfs, STRATUS_RENDER_CGROUPS=off): the pool falls back on nice.

const PREFIX = "stratus-render-";
/** Where idle processes wait (v2 allows processes only in leaves). */
const IDLE = "idle";

export class RenderCgroups {
  /** Users with a cgroup now. */
  private readonly users = new Map<string, string>();

  private constructor(
    private readonly h: Hierarchy,
    readonly base: string,
  ) {}

  /** This server's render cgroups, or null where no cpu cgroup can be made. */
  static create(env: Record<string, string | undefined> = process.env): RenderCgroups | null {
    if (env.STRATUS_RENDER_CGROUPS === "off") return null;
    const h = makeCgroupBase(PREFIX, ["cpu"], "cpu");
    const base = h?.bases.get("cpu");
    if (!h || !base) return null;
    // Together as one ordinary process (v1 shares and v2 weight default to 1024 and 100).
    write(
      join(base, h.version === 1 ? "cpu.shares" : "cpu.weight"),
      h.version === 1 ? "1024" : "100",
    );
    if (!tryMkdir(join(base, IDLE))) return null;
    const cgroups = new RenderCgroups(h, base);
    process.once("exit", () => cgroups.removeAll());
    return cgroups;
  }

  get version(): 1 | 2 {
    return this.h.version;
  }

  /** The directory of a user's cgroup (made when missing), null when it cannot be made. */
  userDir(userId: string): string | null {
    const known = this.users.get(userId);
    if (known) return known;
    // The user's id is no one's business in /sys: a hash names the directory.
    const dir = join(
      this.base,
      `u-${createHash("sha256").update(userId).digest("hex").slice(0, 16)}`,
    );
    if (!tryMkdir(dir)) return null;
    write(
      join(dir, this.h.version === 1 ? "cpu.shares" : "cpu.weight"),
      this.h.version === 1 ? "1024" : "100",
    );
    this.users.set(userId, dir);
    return dir;
  }

  /** Moves a render process into its user's cgroup before it renders for them. */
  enter(pid: number, userId: string): boolean {
    const dir = this.userDir(userId);
    return dir !== null && write(join(dir, "cgroup.procs"), String(pid));
  }

  /** Puts a render process among the idle ones (a new one, or one done rendering). */
  park(pid: number): boolean {
    return write(join(this.base, IDLE, "cgroup.procs"), String(pid));
  }

  /** Moves a render process back among the idle ones; the user's cgroup goes when it is empty. */
  leave(pid: number, userId: string, userStillRendering: boolean): void {
    this.park(pid);
    if (userStillRendering) return;
    const dir = this.users.get(userId);
    if (dir && rmdirQuiet(dir)) this.users.delete(userId);
  }

  /** Processes in a user's cgroup now (tests). */
  processesOf(userId: string): number[] {
    const dir = this.users.get(userId);
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
    for (const dir of this.users.values()) rmdirQuiet(dir);
    this.users.clear();
    rmdirQuiet(join(this.base, IDLE));
    rmdirQuiet(this.base);
  }
}
