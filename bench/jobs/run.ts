// npm run bench:jobs — throughput and start latency of the local executor (issue 19's goals),
// against the test database (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else DATABASE_URL's
// stratus_test). One worker runs in a child process (bench/jobs/engine-worker.ts: executor and
// serve endpoint, as scripts/worker.ts runs them); this process sends the events over the event
// API and reads the marks the functions stamp when their first step starts and when they end.
//
// Each figure is printed beside its goal with ✓/✗. The machine is shared, so beside the times it
// prints what does not depend on load: SQL statements, commits and log fsyncs per run (the
// server's own counters), serve-endpoint calls and new TCP connections per run, and CPU ms per
// run of the worker and of MariaDB. The baseline, measured in the same run before and after the
// engine workloads, is the SDK floor: signed calls per second to the same serve endpoint with the
// same concurrency and no database at all. A run needs at least one such call (a five-step run
// six), so "of floor" says how much of the SDK's ceiling the engine reaches.
import os from "node:os";
import { z } from "zod";
import { testKeys } from "@/lib/executor/testing/harness";
import {
  benchDatabaseUrl,
  check,
  cleanBench,
  cpuMsOf,
  createDb,
  f0,
  f1,
  loadText,
  marks,
  mysqldPid,
  pct,
  sendEvents,
  serverCounters,
  sorted,
  startWorker,
  table,
  waitFor,
  type BenchWorker,
  type Db,
} from "./rig";
import type { WorkerStats } from "./engine-worker";

const env = z
  .object({
    EXECUTOR_MAX_RUNS: z.coerce.number().int().min(1).default(8),
    BENCH_SEND_CONCURRENCY: z.coerce.number().int().min(1).default(16),
    // Scales every workload (0.2 for a quick look).
    BENCH_SCALE: z.coerce.number().positive().default(1),
    // An experiment (bench/jobs/engine-worker.ts): the functions served by n other processes.
    BENCH_SERVE_PROCESSES: z.coerce.number().int().min(0).max(16).default(0),
    // 0: the functions' client without checkpointing (one call per step, as before).
    BENCH_CHECKPOINTING: z.enum(["0", "1"]).default("1"),
    // 0: the functions behind the SDK's bare handler, without the worker endpoint's replay guard.
    BENCH_GUARD: z.enum(["0", "1"]).default("1"),
    // 0: the functions' client reaches the worker's event API over HTTP instead of in process.
    BENCH_LOCAL_FETCH: z.enum(["0", "1"]).default("1"),
    // 0: the executor calls the worker endpoint over HTTP instead of in process.
    BENCH_LOCAL_SERVE: z.enum(["0", "1"]).default("1"),
  })
  .parse(process.env);
const databaseUrl = benchDatabaseUrl();
const n = (count: number) => Math.max(10, Math.round(count * env.BENCH_SCALE));

const GOALS = {
  noopRate: 500,
  fiveRate: 100,
  idleP50: 20,
  sustainedP95: 100,
  burstRatio: 0.9,
};

// --- counters --------------------------------------------------------------------------------

type Counters = {
  at: number;
  statements: number;
  commits: number;
  fsyncs: number;
  mysqldCpuMs: number;
  worker: WorkerStats;
};

async function counters(db: Db, worker: BenchWorker, pid: number | null): Promise<Counters> {
  const server = await serverCounters(db);
  return {
    at: performance.now(),
    ...server,
    mysqldCpuMs: cpuMsOf(pid),
    worker: await worker.stats(),
  };
}

type PerRun = Record<
  "sql" | "commits" | "fsyncs" | "calls" | "conns" | "workerCpu" | "executorCpu" | "dbCpu",
  number
>;
const perRun = (a: Counters, b: Counters, runs: number): PerRun => ({
  // The counter query itself is one statement.
  sql: (b.statements - a.statements - 1) / runs,
  commits: (b.commits - a.commits) / runs,
  fsyncs: (b.fsyncs - a.fsyncs) / runs,
  calls: (b.worker.serveCalls - a.worker.serveCalls) / runs,
  conns: (b.worker.serveConnections - a.worker.serveConnections) / runs,
  workerCpu: (b.worker.cpuMs - a.worker.cpuMs) / runs,
  executorCpu: (b.worker.executorCpuMs - a.worker.executorCpuMs) / runs,
  dbCpu: (b.mysqldCpuMs - a.mysqldCpuMs) / runs,
});

// --- sending ---------------------------------------------------------------------------------

let tagSeq = 0;
type Sent = { name: string; w: string };

async function post(worker: BenchWorker, eventKey: string, events: Sent[]): Promise<void> {
  const now = Date.now();
  const body = events.map((e) => ({ name: e.name, data: { w: e.w, sentAt: now } }));
  await sendEvents(worker.eventUrl, eventKey, body.length === 1 ? body[0] : body);
}

const tags = (name: string, count: number): Sent[] =>
  Array.from({ length: count }, () => ({ name, w: `w${tagSeq++}` }));

async function sendConcurrently(
  worker: BenchWorker,
  eventKey: string,
  events: Sent[],
  concurrency: number,
): Promise<void> {
  let next = 0;
  const sender = async () => {
    while (next < events.length) await post(worker, eventKey, [events[next++]!]);
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
}

const startDelays = (events: Sent[]) =>
  sorted(events.map((e) => marks.start.get(e.w)!.at - marks.start.get(e.w)!.sentAt));
const lastDone = (events: Sent[]) => Math.max(...events.map((e) => marks.done.get(e.w)!.at));

// --- the workloads ---------------------------------------------------------------------------

type Result = {
  label: string;
  runs: number;
  rate?: number;
  p50?: number;
  p95?: number;
  per: PerRun;
};

async function main() {
  const db = createDb(databaseUrl, 1);
  await cleanBench(db);
  const loadBefore = os.loadavg();
  const keys = testKeys();
  const worker = await startWorker(databaseUrl, keys, {
    EXECUTOR_MAX_RUNS: String(env.EXECUTOR_MAX_RUNS),
  });
  const pid = mysqldPid(databaseUrl);
  const results: Result[] = [];

  const measure = async (label: string, events: Sent[], run: () => Promise<void>) => {
    const before = await counters(db, worker, pid);
    const sendStart = Date.now();
    await run();
    await waitFor(
      "done",
      events.map((e) => e.w),
    );
    const after = await counters(db, worker, pid);
    const result: Result = {
      label,
      runs: events.length,
      rate: events.length / ((lastDone(events) - sendStart) / 1000),
      p50: pct(startDelays(events), 50),
      p95: pct(startDelays(events), 95),
      per: perRun(before, after, events.length),
    };
    results.push(result);
    return result;
  };

  const floorCalls = n(1000);
  const floorRates: number[] = [];
  const floorCpu: number[] = [];
  const floorOnce = async () => {
    const { ms, calls, cpuMs } = await worker.request(
      { t: "floor", calls: floorCalls, concurrency: env.EXECUTOR_MAX_RUNS },
      "floor",
    );
    floorRates.push(calls / (ms / 1000));
    floorCpu.push(cpuMs / calls);
  };

  // Warm-up: JIT, connections, the function cache.
  const warm = tags("bench/noop", 50);
  await sendConcurrently(worker, keys.eventKey, warm, 4);
  await waitFor(
    "done",
    warm.map((e) => e.w),
  );
  await floorOnce();

  // 1. A single event on an idle engine, one at a time with a pause between.
  const idle = tags("bench/noop", n(50));
  const idleResult = await measure("single event, idle", idle, async () => {
    for (const event of idle) {
      await new Promise((r) => setTimeout(r, 50));
      await post(worker, keys.eventKey, [event]);
      await waitFor("start", [event.w]);
    }
  });
  delete idleResult.rate;

  // 2. Steady no-op throughput: single-event sends from concurrent senders.
  const noop = tags("bench/noop", n(1000));
  const noopResult = await measure("no-op runs, steady", noop, () =>
    sendConcurrently(worker, keys.eventKey, noop, env.BENCH_SEND_CONCURRENCY),
  );

  // 3. A burst: the same number of events in one request.
  const burst = tags("bench/noop", n(1000));
  const burstResult = await measure("no-op runs, one burst", burst, async () => {
    for (let i = 0; i < burst.length; i += 5000)
      await post(worker, keys.eventKey, burst.slice(i, i + 5000));
  });

  // 4. Five-step runs.
  const five = tags("bench/five", n(200));
  const fiveResult = await measure("five-step runs", five, () =>
    sendConcurrently(worker, keys.eventKey, five, env.BENCH_SEND_CONCURRENCY),
  );

  // 5. 200 events/s sustained (open loop: a late send does not delay the next one).
  const sustained = tags("bench/noop", n(2000));
  const sustainedResult = await measure("200 events/s sustained", sustained, async () => {
    const start = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < sustained.length; i++) {
      const due = start + (i * 1000) / 200;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(post(worker, keys.eventKey, [sustained[i]!]));
    }
    await Promise.all(inFlight);
  });
  delete sustainedResult.rate;

  await floorOnce();
  await worker.stop();
  await cleanBench(db);
  await db.end();
  const loadAfter = os.loadavg();

  // --- report -----------------------------------------------------------------------------
  const floor = floorRates.reduce((a, b) => a + b, 0) / floorRates.length;
  const load = loadText;
  console.log(
    `local executor: one worker, ${env.EXECUTOR_MAX_RUNS} runs at once, ${env.BENCH_SEND_CONCURRENCY} concurrent senders, ` +
      (env.BENCH_SERVE_PROCESSES > 0
        ? `functions served by ${env.BENCH_SERVE_PROCESSES} other process(es) (worker CPU sums them); `
        : "functions served in the worker process; ") +
      `checkpointing ${env.BENCH_CHECKPOINTING === "1" ? "on" : "off"}; ` +
      `replay guard ${env.BENCH_GUARD === "1" ? "on (as the worker)" : "off"}; ` +
      `checkpoints and sends ${env.BENCH_LOCAL_FETCH === "1" ? "in process" : "over HTTP"}; ` +
      `calls ${env.BENCH_LOCAL_SERVE === "1" && env.BENCH_GUARD === "1" ? "in process" : "over HTTP"}; ` +
      `load average ${load(loadBefore)} before, ${load(loadAfter)} after (${os.cpus().length} cores)`,
  );
  console.log(
    `SDK floor (direct calls, no database; signed over HTTP only): ${floorRates.map((r) => r.toFixed(0)).join(" / ")} calls/s (before / after), ${floorCpu.map((c) => c.toFixed(1)).join(" / ")} worker CPU ms per call\n`,
  );
  console.log(
    table(
      ["workload", "runs", "runs/s", "of floor", "p50 ms", "p95 ms"],
      results.map((r) => {
        // Calls per run as measured: a five-step run makes six without checkpointing, one with.
        const callsPerRun = r.per.calls;
        return [
          r.label,
          String(r.runs),
          f1(r.rate),
          r.rate ? `${((r.rate * callsPerRun) / floor).toFixed(2)}×` : "",
          f0(r.p50),
          f0(r.p95),
        ];
      }),
    ),
  );
  const split = env.BENCH_SERVE_PROCESSES > 0;
  console.log("\nper run (load-independent counts; CPU ms vary with load)");
  console.log(
    table(
      [
        "workload",
        "SQL stmts",
        "commits",
        "fsyncs",
        "serve calls",
        "new conns",
        "worker CPU ms",
        ...(split ? ["of which executor"] : []),
        "MariaDB CPU ms",
      ],
      results.map((r) => [
        r.label,
        f1(r.per.sql),
        f1(r.per.commits),
        f1(r.per.fsyncs),
        f1(r.per.calls),
        r.per.conns.toFixed(2),
        f1(r.per.workerCpu),
        ...(split ? [f1(r.per.executorCpu)] : []),
        f1(r.per.dbCpu),
      ]),
    ),
  );
  const burstRatio = burstResult.rate! / noopResult.rate!;
  console.log("\ngoals (issue 19)");
  console.log(
    table(
      ["goal", "target", "measured", ""],
      [
        [
          "no-op runs/s, one worker",
          `≥ ${GOALS.noopRate}`,
          f1(noopResult.rate),
          check(noopResult.rate! >= GOALS.noopRate),
        ],
        [
          "five-step runs/s, one worker",
          `≥ ${GOALS.fiveRate}`,
          f1(fiveResult.rate),
          check(fiveResult.rate! >= GOALS.fiveRate),
        ],
        [
          "send → first step p50, idle (ms)",
          `< ${GOALS.idleP50}`,
          f0(idleResult.p50),
          check(idleResult.p50! < GOALS.idleP50),
        ],
        [
          "send → first step p95 at 200/s (ms)",
          `< ${GOALS.sustainedP95}`,
          f0(sustainedResult.p95),
          check(sustainedResult.p95! < GOALS.sustainedP95),
        ],
        [
          "burst of 1,000 drains at the steady rate",
          `≥ ${GOALS.burstRatio}× steady`,
          `${burstRatio.toFixed(2)}×`,
          check(burstRatio >= GOALS.burstRatio),
        ],
      ],
    ),
  );
}

await main();
