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
  timeoutMs: number;
  onProgress?: (counters: Counters, status: string | null) => void;
}

class TaskPool {
  private idle: Worker[] = [];
  private count = 0;
  private waiting: ((w: Worker) => void)[] = [];

  constructor(public size: number) {}

  private spawnWorker(): Worker {
    const w = new Worker(entryPath(), { stdout: false, stderr: false });
    w.unref();
    w.on("error", () => {});
    this.count++;
    return w;
  }

  private acquire(signal?: AbortSignal): Promise<Worker> {
    const w = this.idle.pop();
    if (w) return Promise.resolve(w);
    if (this.count < this.size) return Promise.resolve(this.spawnWorker());
    return new Promise((resolve, reject) => {
      const take = (worker: Worker) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(worker);
      };
      const onAbort = () => {
        this.waiting = this.waiting.filter((t) => t !== take);
        reject(new CancelledError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(take);
    });
  }

  private release(w: Worker): void {
    w.unref();
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  private discard(w: Worker): void {
    this.count--;
    void w.terminate();
    // A waiter gets a fresh thread in the dead one's place.
    const next = this.waiting.shift();
    if (next) next(this.spawnWorker());
  }

  /** Starts threads ahead of the first task. */
  warm(n = this.size): void {
    while (this.count < Math.min(n, this.size)) this.idle.push(this.spawnWorker());
  }

  async run(req: AttemptRequest, opts: RunAttemptOptions): Promise<AttemptResult> {
    if (opts.signal?.aborted) throw new CancelledError();
    const w = await this.acquire(opts.signal);
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
          if (healthy) this.release(w);
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
            this.discard(w);
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
