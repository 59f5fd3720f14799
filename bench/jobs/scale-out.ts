// npm run bench:jobs:scale-out — the scale-out of one run (issue 19): one job whose map tasks are
// parallel steps of fixed CPU work (bench/jobs/engine-worker.ts, "spread"), run by one worker and
// by two workers sharing the database, the sides interleaved round by round so that machine noise
// lands on both. Two worker processes (engine-worker.ts, each executor + serve endpoint, as
// scripts/worker.ts runs them) stay up throughout; for the one-worker side the second one's
// executor is off. The job is always sent to the first worker, which holds the run; the second
// can only help through step leases.
//
// Each worker runs one map task at a time (EXECUTOR_MAX_STEPS=1: a task's CPU work runs on its
// serve process's single JS thread, so more at once would only interleave). Beside the seconds it
// prints what does not depend on load: tasks run by the second worker, SQL statements and CPU ms
// per task. On this 2-core machine two workers can at best halve the time; on a machine shared
// with other processes, two runnable workers also get a larger share of the cores than one.
import os from "node:os";
import { z } from "zod";
import { testKeys } from "@/lib/executor/testing/harness";
import {
  benchDatabaseUrl,
  cleanBench,
  createDb,
  loadText,
  marks,
  median,
  sendEvents,
  serverCounters,
  startWorker,
  waitFor,
  type BenchWorker,
} from "./rig";

const env = z
  .object({
    BENCH_TASKS: z.coerce.number().int().min(2).default(8),
    // SHA-256 rounds per task (about 0.3-0.6 s of CPU each on this machine).
    BENCH_ROUNDS: z.coerce.number().int().min(1).default(40_000),
    BENCH_REPEATS: z.coerce.number().int().min(1).default(3),
    EXECUTOR_MAX_STEPS: z.coerce.number().int().min(1).default(1),
  })
  .parse(process.env);
const databaseUrl = benchDatabaseUrl();

type Side = "one worker" | "two workers";
type Round = {
  side: Side;
  seconds: number;
  helped: number;
  sqlPerTask: number;
  cpuMsPerTask: number;
};

async function main() {
  const db = createDb(databaseUrl, 1);
  await cleanBench(db);
  const loadBefore = os.loadavg();
  const keys = testKeys();
  const workerEnv = { EXECUTOR_MAX_RUNS: "8", EXECUTOR_MAX_STEPS: String(env.EXECUTOR_MAX_STEPS) };
  const a = await startWorker(databaseUrl, keys, workerEnv);
  const b = await startWorker(databaseUrl, keys, workerEnv);
  const questions = async () => (await serverCounters(db)).statements;
  const stats = (w: BenchWorker) => w.stats();

  let seq = 0;
  const round = async (side: Side): Promise<Round> => {
    await b.request({ t: "executor", on: side === "two workers" }, "executor");
    const w = `spread-${seq++}`;
    const [qa, sa, sb] = await Promise.all([questions(), stats(a), stats(b)]);
    const sentAt = Date.now();
    await sendEvents(a.eventUrl, keys.eventKey, {
      name: "bench/spread",
      data: { w, sentAt, tasks: env.BENCH_TASKS, rounds: env.BENCH_ROUNDS },
    });
    await waitFor("done", [w]);
    const mark = marks.done.get(w)!;
    const [qz, za, zb] = await Promise.all([questions(), stats(a), stats(b)]);
    const tasks = env.BENCH_TASKS;
    return {
      side,
      seconds: (mark.at - sentAt) / 1000,
      helped: zb.serveCalls - sb.serveCalls,
      // Two counter queries (the status query itself, and the one before) are the bench's own.
      sqlPerTask: (qz - qa - 1) / tasks,
      cpuMsPerTask: (za.cpuMs - sa.cpuMs + zb.cpuMs - sb.cpuMs) / tasks,
    };
  };

  // A warm-up job on each side (module loading, JIT), then the interleaved rounds.
  await round("two workers");
  await round("one worker");
  const rounds: Round[] = [];
  for (let r = 0; r < env.BENCH_REPEATS; r++) {
    const order: Side[] =
      r % 2 === 0 ? ["one worker", "two workers"] : ["two workers", "one worker"];
    for (const side of order) rounds.push(await round(side));
  }
  const loadAfter = os.loadavg();
  await Promise.all([a.stop(), b.stop()]);
  await db.end();

  const of = (side: Side) => rounds.filter((r) => r.side === side);
  const load = loadText;
  const lines = [
    `one job, ${env.BENCH_TASKS} map tasks of ${env.BENCH_ROUNDS} SHA-256 rounds as parallel steps; ` +
      `each worker runs ${env.EXECUTOR_MAX_STEPS} at a time; load average ${load(loadBefore)} before, ` +
      `${load(loadAfter)} after (${os.availableParallelism()} cores)`,
    "",
    "side          rounds (s)                 median s  tasks on 2nd  SQL/task  CPU ms/task",
  ];
  for (const side of ["one worker", "two workers"] as const) {
    const rs = of(side);
    lines.push(
      `${side.padEnd(13)} ${rs
        .map((r) => r.seconds.toFixed(2))
        .join(" ")
        .padEnd(26)} ${median(rs.map((r) => r.seconds))
        .toFixed(2)
        .padStart(8)}  ${median(rs.map((r) => r.helped))
        .toFixed(1)
        .padStart(12)}  ${median(rs.map((r) => r.sqlPerTask))
        .toFixed(1)
        .padStart(8)}  ${median(rs.map((r) => r.cpuMsPerTask))
        .toFixed(0)
        .padStart(11)}`,
    );
  }
  const speedup =
    median(of("one worker").map((r) => r.seconds)) /
    median(of("two workers").map((r) => r.seconds));
  const pairs = rounds.length / 2;
  const spreads: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const pair = rounds.slice(i * 2, i * 2 + 2);
    const one = pair.find((r) => r.side === "one worker")!;
    const two = pair.find((r) => r.side === "two workers")!;
    spreads.push(one.seconds / two.seconds);
  }
  lines.push(
    "",
    `speed-up, two workers vs one: ${speedup.toFixed(2)}× (median; per round pair ${spreads
      .map((s) => s.toFixed(2))
      .join(", ")}) — on 2 cores at most 2×; goal: the second worker runs map tasks ${
      median(of("two workers").map((r) => r.helped)) > 0 ? "✓" : "✗"
    }, faster than one ${speedup > 1 ? "✓" : "✗"}`,
  );
  process.stdout.write(lines.join("\n") + "\n");
  process.exit(0);
}

await main();
