import "server-only";
import { fork, type ChildProcess } from "node:child_process";
import { availableParallelism, setPriority } from "node:os";
import { join } from "node:path";
import type { OutputInfo, Sharp, SharpInput, SharpOptions } from "sharp";
import { logger } from "@/lib/log/logger";
import { HttpError } from "@/lib/server/errors";
import { imageConfig } from "./config";
import { RenderCgroups } from "./render-cgroups";
import { ImageInputError } from "./errors";
import type { SharpFactory } from "./pipeline";

// The web server's render processes for previews and filter thumbnails. sharp does its work on
// libuv's thread pool — one per process, which worker threads share, and which argon2 (sign-in)
// uses too — and on as many cores as it finds. Here it runs in a few child processes instead,
// started ahead of need and reused: a preview waits for a free process, sign-ins and page loads
// do not wait for previews. The CPU is shared per user (render-cgroups.ts: each process renders
// in its user's cgroup, every user's weighs the same — a quarter of an ordinary process — up to
// the pool's size in users), or where no cgroup can be made the processes run at a lower
// priority (nice 10).
// No process is forked on a request's path: the server starts them (warm()), and one killed at
// its timeout is replaced in the background.
// A user with nothing rendering is not made to wait for another user's renders either: when the
// `size` processes are all busy, such a user gets one of up to `size` extra processes (so one
// user's flood of worst-case previews costs another user's preview a share of the CPU, not a
// place in a queue behind seconds of someone else's work).
//
// The server keeps all the planning (pipeline.ts) and records each sharp pipeline it would have
// run — input, options, method calls — with `pool.sharp(...)`; the process replays it and sends
// the pixels back (render-process.mjs). At most `size` pipelines run at once in this server, plus
// up to `size` more for users who had none running (below).
// Waiting work is served round-robin by user, so one user's queue never holds another's back,
// and each user may have only so many pipelines waiting.

/** A pipeline as recorded: what the render process replays. */
export type RecordedPipeline = {
  input: SharpInput | undefined;
  options: SharpOptions | undefined;
  calls: [method: string, args: unknown[]][];
};

export type PoolRunOptions = {
  /** Whose work it is: waiting work is served round-robin by user. */
  userId: string;
  /** Aborting drops the pipeline if it is still waiting; one already running finishes. */
  signal?: AbortSignal;
  /** The process is killed after this long (sharp's own timeout should have stopped it first). */
  killAfterMs?: number;
  /** The error a killed pipeline rejects with. */
  killed?: () => Error;
};

export type PoolResult = {
  data: Buffer;
  info: OutputInfo;
  /** Wall-clock times (ms since the epoch) the render process started and ended it. */
  started: number;
  ended: number;
};

/** How many of one user's pipelines may wait for a process. */
export const QUEUED_PER_USER = 64;

type Task = {
  job: RecordedPipeline;
  opts: PoolRunOptions;
  resolve: (r: PoolResult) => void;
  reject: (e: unknown) => void;
  onAbort?: () => void;
};

type Reply =
  | { id: number; ok: true; data: Buffer; info: OutputInfo; started: number; ended: number }
  | { id: number; ok: false; message: string; started: number; ended: number };

type Member = { child: ChildProcess; task: Task | null; timer?: NodeJS.Timeout };

const abortError = () => {
  const err = new Error("The preview was replaced by a newer one.");
  err.name = "AbortError";
  return err;
};

/** Where the render process's script is: the project root is the working directory in dev, in
 * tests and in Next's standalone server (which changes to its own folder). */
export function renderProcessPath(): string {
  return join(/* turbopackIgnore: true */ process.cwd(), "lib", "images", "render-process.mjs");
}

export class RenderPool {
  private readonly members: Member[] = [];
  private readonly queues = new Map<string, Task[]>();
  private nextId = 1;
  private readonly pending = new Map<number, Member>();
  /** Pipelines running now per user. */
  private readonly runningBy = new Map<string, number>();
  /** Pipelines running now, and the most seen at once (tests and the bench). */
  running = 0;
  peakRunning = 0;

  /** How many processes are kept alive, started ahead of need (warm()). */
  private warmTarget = 0;
  private replenishing = false;

  constructor(
    readonly size: number,
    private readonly opts: {
      entry?: string;
      nice?: number;
      /** Per-user CPU shares; without them the processes run at `nice`. */
      cgroups?: RenderCgroups | null;
    } = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error("RenderPool: size must be ≥ 1");
  }

  /** Starts processes until `count` are alive (at most the `size * 2` that can be busy), and
   * keeps that many: one that dies is replaced in the background, not on a request's path. */
  warm(count = this.size * 2): void {
    this.warmTarget = Math.min(count, this.size * 2);
    while (this.members.length < this.warmTarget) this.spawn();
  }

  private replenish(): void {
    if (this.replenishing || this.members.length >= this.warmTarget) return;
    this.replenishing = true;
    // After the current turn of the event loop: the request that saw the kill answers first.
    setImmediate(() => {
      this.replenishing = false;
      while (this.members.length < this.warmTarget) this.spawn();
    });
  }

  /** A sharp factory whose pipelines run in this pool on behalf of `opts.userId`. */
  sharp(opts: PoolRunOptions): SharpFactory {
    return (input, options) =>
      recorder({ input, options, calls: [] }, (job) => this.run(job, opts));
  }

  /** Runs one recorded pipeline in a render process, when one is free and it is this user's turn. */
  run(job: RecordedPipeline, opts: PoolRunOptions): Promise<PoolResult> {
    return new Promise<PoolResult>((resolve, reject) => {
      if (opts.signal?.aborted) return reject(abortError());
      const queue = this.queues.get(opts.userId) ?? [];
      if (queue.length >= QUEUED_PER_USER) {
        return reject(
          new HttpError(
            429,
            `You already have ${queue.length} image renders waiting (the limit is ${QUEUED_PER_USER} per user). Wait for your previews to finish.`,
          ),
        );
      }
      const task: Task = { job, opts, resolve, reject };
      if (opts.signal) {
        task.onAbort = () => {
          const q = this.queues.get(opts.userId);
          const i = q?.indexOf(task) ?? -1;
          if (q && i >= 0) {
            q.splice(i, 1);
            if (q.length === 0) this.queues.delete(opts.userId);
            reject(abortError());
          }
        };
        opts.signal.addEventListener("abort", task.onAbort, { once: true });
      }
      queue.push(task);
      this.queues.set(opts.userId, queue);
      this.dispatch();
    });
  }

  /** Stops every render process (tests; a server exiting takes them along anyway). */
  close(): void {
    this.warmTarget = 0;
    for (const m of this.members.splice(0)) m.child.kill("SIGKILL");
  }

  /** The render processes' ids (tests). */
  get pids(): number[] {
    return this.members.flatMap((m) => (m.child.pid === undefined ? [] : [m.child.pid]));
  }

  /** Render processes alive now. */
  get processes(): number {
    return this.members.length;
  }

  private nextTask(eligible?: (userId: string) => boolean): Task | undefined {
    // Round-robin: the user served goes to the back of the line (a Map keeps insertion order).
    for (const [userId, queue] of this.queues) {
      if (eligible && !eligible(userId)) continue;
      const task = queue.shift();
      this.queues.delete(userId);
      if (queue.length > 0) this.queues.set(userId, queue);
      if (task) return task;
    }
    return undefined;
  }

  private dispatch(): void {
    for (;;) {
      let task: Task | undefined;
      if (this.running < this.size) task = this.nextTask();
      else if (this.running < this.size * 2) {
        // Full: only a user with nothing running gets an extra process.
        task = this.nextTask((userId) => !this.runningBy.has(userId));
      }
      if (!task) return;
      if (task.onAbort) task.opts.signal?.removeEventListener("abort", task.onAbort);
      const member = this.members.find((m) => m.task === null) ?? this.spawn();
      this.start(member, task);
    }
  }

  private spawn(): Member {
    // Not a module of the build: Turbopack must not try to resolve (or bundle) the script.
    const child = fork(/* turbopackIgnore: true */ this.opts.entry ?? renderProcessPath(), [], {
      serialization: "advanced",
      // No inspector or loader flags of a dev server, and none of the server's secrets.
      execArgv: [],
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        NODE_ENV: process.env.NODE_ENV ?? "production",
        STRATUS_RENDER_THREADS: "1",
      },
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    // An idle process keeps nobody waiting: only a pipeline in flight holds the event loop
    // (its IPC channel is ref'd while it runs).
    child.unref();
    child.channel?.unref();
    const member: Member = { child, task: null };
    this.members.push(member);
    if (this.opts.cgroups && child.pid !== undefined) {
      this.opts.cgroups.park(child.pid);
    } else {
      try {
        // Below the server's own priority: with every core busy rendering, a sign-in still runs.
        if (child.pid !== undefined) setPriority(child.pid, this.opts.nice ?? 10);
      } catch (error) {
        logger.warn("render pool: could not lower a render process's priority", { error });
      }
    }
    child.on("message", (reply: Reply) => this.finish(member, reply));
    child.on("error", (error) => logger.error("render pool: render process error", { error }));
    child.on("exit", (code, signal) => this.exited(member, code, signal));
    return member;
  }

  private start(member: Member, task: Task): void {
    const id = this.nextId++;
    member.task = task;
    this.pending.set(id, member);
    this.running += 1;
    this.runningBy.set(task.opts.userId, (this.runningBy.get(task.opts.userId) ?? 0) + 1);
    this.peakRunning = Math.max(this.peakRunning, this.running);
    // The process moves itself into the user's cgroup and back (render-process.mjs): not a
    // write of the server's thread, which would wait for the kernel (render-cgroups.ts).
    const cgroup = this.opts.cgroups?.moves(task.opts.userId) ?? null;
    member.child.channel?.ref();
    if (task.opts.killAfterMs !== undefined) {
      member.timer = setTimeout(() => {
        // Out of the pool at once: the next pipeline must not be sent to a dying process.
        const i = this.members.indexOf(member);
        if (i >= 0) this.members.splice(i, 1);
        member.child.kill("SIGKILL");
        this.settle(member, () => task.reject(task.opts.killed?.() ?? new Error("render killed")));
        this.replenish();
      }, task.opts.killAfterMs);
    }
    member.child.send({ id, ...task.job, cgroup }, (error) => {
      if (error) this.settle(member, () => task.reject(error));
    });
  }

  /** Frees the member's slot once, runs `then`, and serves the next waiting pipeline. */
  private settle(member: Member, then: () => void): void {
    const task = member.task;
    if (!task) return;
    member.task = null;
    clearTimeout(member.timer);
    for (const [id, m] of this.pending) if (m === member) this.pending.delete(id);
    this.running -= 1;
    const left = (this.runningBy.get(task.opts.userId) ?? 1) - 1;
    if (left > 0) this.runningBy.set(task.opts.userId, left);
    else this.runningBy.delete(task.opts.userId);
    this.opts.cgroups?.release(task.opts.userId, left > 0);
    member.child.channel?.unref();
    then();
    this.dispatch();
  }

  private finish(member: Member, reply: Reply): void {
    if (this.pending.get(reply.id) !== member) return;
    const task = member.task;
    if (!task) return;
    this.settle(member, () => {
      if (reply.ok) {
        const { data, info, started, ended } = reply;
        task.resolve({
          data: Buffer.from(data.buffer, data.byteOffset, data.length),
          info,
          started,
          ended,
        });
      } else {
        // The same Error sharp would have thrown in this process: callers map its message.
        task.reject(new Error(reply.message));
      }
    });
  }

  private exited(member: Member, code: number | null, signal: NodeJS.Signals | null): void {
    const i = this.members.indexOf(member);
    if (i >= 0) this.members.splice(i, 1);
    this.replenish();
    const task = member.task;
    if (task) {
      logger.error("render pool: a render process ended mid-pipeline", { code, signal });
      this.settle(member, () =>
        task.reject(new Error(`render process exited (${signal ?? code})`)),
      );
    }
  }
}

/**
 * A stand-in for a sharp instance: every method call is recorded and returns the stand-in, and
 * toBuffer() sends the recording to `run`. Enough of sharp for renderChain and the preview.
 */
function recorder(job: RecordedPipeline, run: (job: RecordedPipeline) => Promise<PoolResult>) {
  const proxy: Sharp = new Proxy({} as Sharp, {
    get(_target, prop) {
      if (typeof prop !== "string" || prop === "then") return undefined;
      if (prop === "toBuffer") {
        return async (options?: { resolveWithObject?: boolean }) => {
          const { data, info } = await run(job);
          return options?.resolveWithObject ? { data, info } : data;
        };
      }
      return (...args: unknown[]) => {
        job.calls.push([prop, args]);
        return proxy;
      };
    },
  });
  return proxy;
}

// One pool per server process; kept on globalThis so a dev server's reloads reuse it.
const GLOBAL = globalThis as typeof globalThis & { __stratusRenderPool?: RenderPool };

/** This server's render pool (IMAGE_PREVIEW_PROCESSES, one per core by default), its processes
 * started (the readiness route calls this first: app/api/ready/route.ts). */
export function renderPool(): RenderPool {
  if (!GLOBAL.__stratusRenderPool) {
    const configured = imageConfig().IMAGE_PREVIEW_PROCESSES;
    const size = configured > 0 ? configured : availableParallelism();
    const pool = new RenderPool(size, { cgroups: RenderCgroups.create(process.env, size) });
    pool.warm();
    GLOBAL.__stratusRenderPool = pool;
  }
  return GLOBAL.__stratusRenderPool;
}

/** The error of a pipeline the pool had to kill: its timeout had long run out. */
export const killedAfterTimeout = (message: string) => () =>
  new ImageInputError("too-slow", message);
