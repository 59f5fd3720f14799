// A child process of `npm run bench:jobs`: one worker as scripts/worker.ts runs it (the executor
// and the serve endpoint in one process), with the bench's functions. It reports to the parent
// over IPC: when each run's first step started (stamped here, so the parent's own load does not
// delay it), when each run finished, and on request its counters (CPU time, calls to the serve
// endpoint, TCP connections the executor opened to it) or the SDK floor (direct calls: signed over HTTP, unsigned in process).
//
// BENCH_SERVE_PROCESSES=n (an experiment, not how Stratus runs today) serves the functions from n
// processes of node's cluster module sharing one port instead, the executor alone in this one:
// what taking the SDK's share of the CPU off the executor's thread would give. Counters then sum
// every process.
import cluster from "node:cluster";
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "inngest/node";
import { z } from "zod";
import { startExecutor } from "@/lib/executor/executor";
import { localServeHandler, serveFunctionsLocally } from "@/lib/executor/local-api";
import { callFunction } from "@/lib/executor/protocol";
import { testClient } from "@/lib/executor/testing/harness";

const env = z
  .object({
    DATABASE_URL: z.string(),
    INNGEST_SIGNING_KEY: z.string(),
    INNGEST_EVENT_KEY: z.string(),
    EVENT_PORT: z.coerce.number().int(),
    EXECUTOR_MAX_RUNS: z.coerce.number().int().min(1),
    BENCH_SERVE_PROCESSES: z.coerce.number().int().min(0).max(16).default(0),
    SERVE_PORT: z.coerce.number().int().optional(),
    EXECUTOR_MAX_STEPS: z.coerce.number().int().min(1).optional(),
    // As scripts/worker.ts: the SDK reads a plain snapshot of the environment (0: node's own).
    BENCH_ENV_SNAPSHOT: z.enum(["0", "1"]).default("1"),
    // The client's checkpointing (lib/executor/driver.ts): a run's sequential steps in one call.
    BENCH_CHECKPOINTING: z.enum(["0", "1"]).default("1"),
    // As scripts/worker.ts: the functions behind inngest/worker-endpoint.ts, whose replay guard
    // claims every call's signature in MariaDB (0: the SDK's bare node handler, as before).
    BENCH_GUARD: z.enum(["0", "1"]).default("1"),
    // As the app's client (lib/events/client.ts): checkpoints and sends to this worker's event API
    // in process through localFetch (lib/executor/local-api.ts); 0: over HTTP (undici), as before.
    BENCH_LOCAL_FETCH: z.enum(["0", "1"]).default("1"),
    // As scripts/worker.ts: the executor calls the worker endpoint in process (local-api.ts,
    // with the guard; needs BENCH_GUARD=1); 0: over HTTP (node:http), as before.
    BENCH_LOCAL_SERVE: z.enum(["0", "1"]).default("1"),
  })
  .parse(process.env);
if (env.BENCH_ENV_SNAPSHOT === "1") process.env = { ...process.env };

export type WorkerMessage =
  | { t: "ready"; eventUrl: string }
  | { t: "marks"; marks: Mark[] }
  | { t: "stats"; stats: WorkerStats }
  | { t: "floor"; ms: number; calls: number; cpuMs: number }
  | { t: "executor"; on: boolean };
export type Mark = { kind: "start" | "done"; w: string; sentAt: number; at: number };
export type WorkerStats = {
  cpuMs: number;
  /** The process running the executor (all of cpuMs unless the functions are served elsewhere). */
  executorCpuMs: number;
  serveCalls: number;
  serveConnections: number;
};
export type ParentMessage =
  | { t: "stats" }
  | { t: "floor"; calls: number; concurrency: number }
  | { t: "stop" }
  // bench/jobs/scale-out.ts: this worker's executor off (it only serves) or on again.
  | { t: "executor"; on: boolean };

const keys = { signingKey: env.INNGEST_SIGNING_KEY, eventKey: env.INNGEST_EVENT_KEY };
const client = testClient(keys, env.EVENT_PORT, "bench", {
  checkpointing: env.BENCH_CHECKPOINTING === "1",
  inProcess: env.BENCH_LOCAL_FETCH === "1",
});
const tell = (message: WorkerMessage) => process.send?.(message);

// Marks go out in small batches: one IPC message per run would cost the worker more than the run.
let pending: Mark[] = [];
let flush: NodeJS.Timeout | undefined;
const mark = (kind: Mark["kind"], w: string, sentAt: unknown) => {
  pending.push({ kind, w, sentAt: Number(sentAt), at: Date.now() });
  flush ??= setTimeout(() => {
    flush = undefined;
    const marks = pending;
    pending = [];
    tell({ t: "marks", marks });
  }, 2);
};

const functions = [
  client.createFunction({ id: "noop", triggers: [{ event: "bench/noop" }] }, async ({ event }) => {
    mark("start", String(event.data.w), event.data.sentAt);
    mark("done", String(event.data.w), event.data.sentAt);
    return null;
  }),
  client.createFunction(
    { id: "five-steps", triggers: [{ event: "bench/five" }] },
    async ({ event, step }) => {
      await step.run("s1", () => mark("start", String(event.data.w), event.data.sentAt));
      for (const id of ["s2", "s3", "s4", "s5"]) await step.run(id, () => id);
      mark("done", String(event.data.w), event.data.sentAt);
    },
  ),
  // bench/jobs/scale-out.ts: one job whose map tasks are parallel steps of fixed CPU work.
  client.createFunction(
    { id: "spread", triggers: [{ event: "bench/spread" }] },
    async ({ event, step }) => {
      const { tasks, rounds } = z
        .object({ tasks: z.number().int(), rounds: z.number().int() })
        .parse(event.data);
      mark("start", String(event.data.w), event.data.sentAt);
      await Promise.all(
        Array.from({ length: tasks }, (_, i) => step.run(`map-${i}`, () => burn(rounds, i))),
      );
      mark("done", String(event.data.w), event.data.sentAt);
    },
  ),
  // Called directly (never by an event): the cost of one signed call through the SDK.
  client.createFunction({ id: "floor", triggers: [{ event: "bench/floor" }] }, async () => null),
];

/** Fixed CPU work (SHA-256 chained `rounds` times over 4 KiB): the same work on any worker. */
function burn(rounds: number, seed: number): string {
  let digest = createHash("sha256").update(String(seed)).digest();
  const block = Buffer.alloc(4096, seed);
  for (let i = 0; i < rounds; i++)
    digest = createHash("sha256").update(digest).update(block).digest();
  return digest.toString("hex").slice(0, 16);
}

let serveCalls = 0;
let serveConnections = 0;
const cpuMs = () => {
  const cpu = process.cpuUsage();
  return (cpu.user + cpu.system) / 1000;
};

async function listen(port: number): Promise<number> {
  let server: http.Server;
  if (env.BENCH_GUARD === "1") {
    const { startWorkerEndpoint } = await import("@/inngest/worker-endpoint");
    ({ server } = await startWorkerEndpoint(
      "127.0.0.1",
      port,
      { client, functions },
      { inProcess: env.BENCH_LOCAL_SERVE === "1" && cluster.isPrimary },
    ));
  } else {
    server = http.createServer(serve({ client, functions }));
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  }
  server.on("request", () => serveCalls++);
  server.on("connection", () => serveConnections++);
  const listening = (server.address() as AddressInfo).port;
  // Calls the executor makes in process (local-api.ts) are counted as well: the same calls.
  const url = new URL(`http://127.0.0.1:${listening}/api/inngest`);
  const inProcess = localServeHandler(url);
  if (inProcess)
    serveFunctionsLocally(url.href, (call) => {
      serveCalls++;
      return inProcess(call);
    });
  return listening;
}

type ServeMessage =
  { t: "serve-stats"; stats: WorkerStats } | Extract<WorkerMessage, { t: "marks" }>;

if (cluster.isWorker) {
  // A serve-only process: marks and counters go to the primary, which passes them on.
  await listen(env.SERVE_PORT ?? 0);
  process.on("message", (message: { t: string }) => {
    if (message.t === "stats")
      process.send?.({
        t: "serve-stats",
        stats: { cpuMs: cpuMs(), executorCpuMs: 0, serveCalls, serveConnections },
      } satisfies ServeMessage);
  });
} else {
  await primary();
}

async function primary() {
  const servers = Array.from({ length: env.BENCH_SERVE_PROCESSES }, () => {
    const worker = cluster.fork({ ...process.env, SERVE_PORT: String(env.SERVE_PORT) });
    worker.on("message", (message: ServeMessage) => {
      if (message.t === "marks") tell(message);
    });
    return worker;
  });
  let port: number;
  if (servers.length === 0) port = await listen(0);
  else {
    port = env.SERVE_PORT ?? 0;
    await Promise.all(servers.map((w) => new Promise((resolve) => w.once("listening", resolve))));
  }
  const serveUrl = `http://127.0.0.1:${port}/api/inngest`;

  const statsOf = (worker: (typeof servers)[number]) =>
    new Promise<WorkerStats>((resolve) => {
      const onMessage = (message: ServeMessage) => {
        if (message.t !== "serve-stats") return;
        worker.off("message", onMessage);
        resolve(message.stats);
      };
      worker.on("message", onMessage);
      worker.send({ t: "stats" });
    });
  const allStats = async (): Promise<WorkerStats> => {
    const own = cpuMs();
    const total = { cpuMs: own, executorCpuMs: own, serveCalls, serveConnections };
    for (const stats of await Promise.all(servers.map(statsOf))) {
      total.cpuMs += stats.cpuMs;
      total.serveCalls += stats.serveCalls;
      total.serveConnections += stats.serveConnections;
    }
    return total;
  };

  const start = () =>
    startExecutor({
      databaseUrl: env.DATABASE_URL,
      ...keys,
      serveUrl,
      eventPort: env.EVENT_PORT,
      maxConcurrentRuns: env.EXECUTOR_MAX_RUNS,
      maxParallelSteps: env.EXECUTOR_MAX_STEPS,
      log: () => {},
    });
  let executor: Awaited<ReturnType<typeof start>> | undefined = await start();

  const floor = async (calls: number, concurrency: number): Promise<number> => {
    const started = performance.now();
    let next = 0;
    const caller = async () => {
      while (next < calls) {
        next++;
        const result = await callFunction({
          url: `${serveUrl}?fnId=bench-floor`,
          stepId: "step",
          signingKey: keys.signingKey,
          event: { name: "bench/floor", data: {}, id: String(next), ts: Date.now() },
          steps: {},
          stack: [],
          runId: `floor-${next}`,
          attempt: 0,
          maxAttempts: 1,
          disableImmediate: false,
          signal: new AbortController().signal,
          timeoutMs: 60_000,
        });
        if (result.kind !== "done") throw new Error(`floor call: ${JSON.stringify(result)}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, caller));
    return performance.now() - started;
  };

  process.on("message", (message: ParentMessage) => {
    if (message.t === "stats") {
      void allStats().then((stats) => tell({ t: "stats", stats }));
    } else if (message.t === "floor") {
      void (async () => {
        const before = await allStats();
        const ms = await floor(message.calls, message.concurrency);
        const after = await allStats();
        tell({ t: "floor", ms, calls: message.calls, cpuMs: after.cpuMs - before.cpuMs });
      })();
    } else if (message.t === "executor") {
      void (async () => {
        if (!message.on) {
          await executor?.stop(5_000);
          executor = undefined;
        } else executor ??= await start();
        tell({ t: "executor", on: message.on });
      })();
    } else {
      void (executor?.stop(5_000) ?? Promise.resolve()).then(() => {
        for (const worker of servers) worker.kill();
        process.exit(0);
      });
    }
  });
  tell({ t: "ready", eventUrl: executor.eventUrl });
}
