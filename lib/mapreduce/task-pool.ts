// A pool of task threads. Threads start once per process (loading the TypeScript sources takes
// a moment) and are reused; a thread whose attempt is killed (timeout, cancel) is thrown away
// after its processes are killed, and replaced on demand.
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Counters } from "./counters";
import { releaseSandbox, type SandboxHandle } from "./sandbox";
import { attemptPaths, type AttemptRequest, type AttemptResult } from "./task-runner";
import type { ThreadMessage } from "./task-thread";

/** A failed attempt, as the pool reports it. */
export class AttemptFailure extends Error {
  constructor(
    message: string,
    readonly stderrTail: string,
    readonly reason: "failed" | "timeout" | "internal",
  ) {
    super(message);
  }
}

/** No slot came free within the wait the caller allowed; nothing ran. */
export class SlotWaitTimeout extends Error {
  constructor(readonly waitedMs: number) {
    super(`No task slot came free within ${Math.round(waitedMs / 1000)} s.`);
    this.name = "SlotWaitTimeout";
  }
}

export class CancelledError extends Error {
  constructor() {
    super("The job was cancelled.");
    this.name = "CancelledError";
  }
}

function entryPath(): string {
  const here = new URL("./task-thread-entry.mjs", import.meta.url);
  if (here.protocol === "file:" && existsSync(fileURLToPath(here))) return fileURLToPath(here);
  // Bundled (e.g. by Next): fall back to the source tree.
  return join(process.cwd(), "lib", "mapreduce", "task-thread-entry.mjs");
}

export interface RunAttemptOptions {
  signal?: AbortSignal;
  /** The user whose job this is: their tasks share taskSlotsPerUser slots. */
  owner?: string;
  /** The task has to wait for a slot (called once, before it does). */
  onWait?: (wait: SlotWait) => void;
  /** Give up waiting for a slot after this long (SlotWaitTimeout): the caller asks again later. */
  maxWaitMs?: number;
  /** The task got its slot and is about to start (awaited; a throw gives the slot back). */
  onStart?: () => Promise<void>;
  timeoutMs: number;
  onProgress?: (counters: Counters, status: string | null) => void;
}

/**
 * Task slots one user may hold at once on this worker: STRATUS_LIMIT_MAPREDUCE_TASKS_PER_USER, or
 * half the pool (rounded up), so that another user always finds a slot while one user's jobs run.
 */
export function taskSlotsPerUser(poolSize: number): number {
  const raw = Number(process.env.STRATUS_LIMIT_MAPREDUCE_TASKS_PER_USER);
  if (Number.isInteger(raw) && raw > 0) return raw;
  return Math.max(1, Math.ceil(poolSize / 2));
}

/** Why a task waits for a slot: what the job's progress shows. */
export type SlotWait =
  | { reason: "user-limit"; held: number; limit: number; message: string }
  | { reason: "pool-full"; size: number; message: string };

type Waiter = { owner: string; take: (w: Worker) => void };

/** Tasks of the engine's own callers (tests, benches) that name no user: never capped. */
const NO_OWNER = "";

class TaskPool {
  private idle: Worker[] = [];
  private count = 0;
  /** Waiting tasks by owner, each owner's in arrival order. */
  private waiting = new Map<string, Waiter[]>();
  /** Owners with waiting tasks, in turn: the next slot goes to the first one under its limit. */
  private turns: string[] = [];
  /** Threads each owner holds now. */
  private held = new Map<string, number>();

  constructor(public size: number) {}

  get perUser(): number {
    return taskSlotsPerUser(this.size);
  }

  /** Slots `owner` holds on this worker now. */
  slotsHeld(owner: string): number {
    return this.held.get(owner) ?? 0;
  }

  /** Tasks waiting for a slot on this worker, by owner. */
  waitingCount(owner?: string): number {
    if (owner !== undefined) return this.waiting.get(owner)?.length ?? 0;
    let n = 0;
    for (const q of this.waiting.values()) n += q.length;
    return n;
  }

  private underLimit(owner: string): boolean {
    return owner === NO_OWNER || this.slotsHeld(owner) < this.perUser;
  }

  private hold(owner: string, delta: number) {
    const n = this.slotsHeld(owner) + delta;
    if (n > 0) this.held.set(owner, n);
    else this.held.delete(owner);
  }

  private spawnWorker(): Worker {
    const w = new Worker(entryPath(), { stdout: false, stderr: false });
    w.unref();
    w.on("error", () => {});
    this.count++;
    return w;
  }

  private freeThread(): Worker | null {
    const w = this.idle.pop();
    if (w) return w;
    return this.count < this.size ? this.spawnWorker() : null;
  }

  private hasFreeThread(): boolean {
    return this.idle.length > 0 || this.count < this.size;
  }

  /**
   * Hands free threads to waiting tasks, round-robin between owners: the first owner in turn that
   * is under its limit gets one and goes to the back of the line. A user with many queued tasks
   * therefore gets no more than one slot in turn while another user waits.
   */
  private dispatch(): void {
    while (this.hasFreeThread()) {
      const i = this.turns.findIndex((owner) => this.underLimit(owner));
      if (i === -1) return;
      const owner = this.turns[i]!;
      const queue = this.waiting.get(owner)!;
      const waiter = queue.shift()!;
      this.turns.splice(i, 1);
      if (queue.length > 0) this.turns.push(owner);
      else this.waiting.delete(owner);
      this.hold(owner, 1);
      waiter.take(this.freeThread()!);
    }
  }

  private acquire(
    owner: string,
    signal: AbortSignal | undefined,
    onWait: ((wait: SlotWait) => void) | undefined,
    maxWaitMs: number | undefined,
  ): Promise<Worker> {
    // Nobody else may be waiting for a slot this task could take (else it queues behind them).
    if (this.underLimit(owner) && this.hasFreeThread() && this.waitingCount(owner) === 0) {
      const queuedAhead = this.turns.some((o) => o !== owner && this.underLimit(o));
      if (!queuedAhead) {
        this.hold(owner, 1);
        return Promise.resolve(this.freeThread()!);
      }
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        owner,
        take: (worker) => {
          signal?.removeEventListener("abort", onAbort);
          clearTimeout(timer);
          resolve(worker);
        },
      };
      const leave = (error: Error) => {
        signal?.removeEventListener("abort", onAbort);
        clearTimeout(timer);
        const queue = this.waiting.get(owner) ?? [];
        const left = queue.filter((w) => w !== waiter);
        if (left.length > 0) this.waiting.set(owner, left);
        else {
          this.waiting.delete(owner);
          this.turns = this.turns.filter((o) => o !== owner);
        }
        reject(error);
      };
      const onAbort = () => leave(new CancelledError());
      const timer =
        maxWaitMs === undefined
          ? undefined
          : setTimeout(() => leave(new SlotWaitTimeout(maxWaitMs)), maxWaitMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      const queue = this.waiting.get(owner);
      if (queue) queue.push(waiter);
      else {
        this.waiting.set(owner, [waiter]);
        this.turns.push(owner);
      }
      if (onWait) {
        const held = this.slotsHeld(owner);
        const limit = this.perUser;
        onWait(
          owner !== NO_OWNER && held >= limit
            ? {
                reason: "user-limit",
                held,
                limit,
                message: `Waiting for a task slot: your jobs already run ${held} task${held === 1 ? "" : "s"} on this worker (the limit is ${limit} per user).`,
              }
            : {
                reason: "pool-full",
                size: this.size,
                message: `Waiting for a task slot: the worker runs ${this.size} task${this.size === 1 ? "" : "s"} at once, shared fairly between users.`,
              },
        );
      }
    });
  }

  private release(owner: string, w: Worker): void {
    w.unref();
    this.hold(owner, -1);
    this.idle.push(w);
    this.dispatch();
  }

  private discard(owner: string, w: Worker): void {
    this.count--;
    this.hold(owner, -1);
    void w.terminate();
    // A waiter gets a fresh thread in the dead one's place.
    this.dispatch();
  }

  /** Starts threads ahead of the first task. */
  warm(n = this.size): void {
    while (this.count < Math.min(n, this.size)) this.idle.push(this.spawnWorker());
    this.dispatch();
  }

  async run(req: AttemptRequest, opts: RunAttemptOptions): Promise<AttemptResult> {
    if (opts.signal?.aborted) throw new CancelledError();
    const owner = opts.owner ?? NO_OWNER;
    const w = await this.acquire(owner, opts.signal, opts.onWait, opts.maxWaitMs);
    try {
      if (opts.signal?.aborted) throw new CancelledError();
      await opts.onStart?.();
    } catch (error) {
      this.release(owner, w);
      throw error;
    }
    w.ref();
    const pids = new Set<number>();
    const sandboxes = new Map<number, SandboxHandle>();
    try {
      return await new Promise<AttemptResult>((resolve, reject) => {
        let settled = false;
        const settle = (fn: () => void, healthy: boolean) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          opts.signal?.removeEventListener("abort", onAbort);
          w.off("message", onMessage);
          w.off("exit", onExit);
          if (healthy) this.release(owner, w);
          else {
            for (const pid of pids) {
              try {
                process.kill(pid, "SIGKILL");
              } catch {
                // already gone
              }
            }
            // Whatever the program forked lives on in its cgroup (or under its uid).
            for (const handle of sandboxes.values()) releaseSandbox(handle);
            this.discard(owner, w);
          }
          fn();
        };
        const onMessage = (m: ThreadMessage) => {
          if (m.type === "spawned") {
            pids.add(m.pid);
            if (m.sandbox) sandboxes.set(m.pid, m.sandbox);
          } else if (m.type === "exited") {
            pids.delete(m.pid);
            sandboxes.delete(m.pid);
          } else if (m.type === "progress") opts.onProgress?.(m.counters, m.status);
          else if (m.type === "done") settle(() => resolve(m.result), true);
          else if (m.type === "failed") {
            const reason = m.internal ? "internal" : "failed";
            settle(() => reject(new AttemptFailure(m.message, m.stderrTail, reason)), true);
          }
        };
        const onExit = (code: number) =>
          settle(
            () =>
              reject(new AttemptFailure(`The task thread stopped (exit ${code}).`, "", "internal")),
            false,
          );
        const onAbort = () => settle(() => reject(new CancelledError()), false);
        const timer = setTimeout(
          () =>
            settle(
              () =>
                reject(
                  new AttemptFailure(
                    `The task timed out after ${Math.round(opts.timeoutMs / 1000)} s (the per-task timeout).`,
                    "",
                    "timeout",
                  ),
                ),
              false,
            ),
          opts.timeoutMs,
        );
        w.on("message", onMessage);
        w.on("exit", onExit);
        opts.signal?.addEventListener("abort", onAbort, { once: true });
        w.postMessage(req);
      });
    } catch (error) {
      if (error instanceof CancelledError || (error as AttemptFailure).reason !== "failed") {
        // A killed attempt cannot clean up after itself.
        const p = attemptPaths(req.spec, req.attempt);
        await rm(p.dir, { recursive: true, force: true });
        await rm(p.partTmp, { force: true });
      }
      throw error;
    }
  }
}

let pool: TaskPool | null = null;

/** The process's task pool, grown to at least `size` threads. */
export function taskPool(size: number): TaskPool {
  pool ??= new TaskPool(size);
  pool.size = Math.max(pool.size, size);
  return pool;
}
