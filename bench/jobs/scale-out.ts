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
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import { z } from "zod";
import { createDb } from "@/lib/executor/db";
import { freePort, testKeys } from "@/lib/executor/testing/harness";
import type { Mark, ParentMessage, WorkerMessage, WorkerStats } from "./engine-worker";

if (existsSync(".env.local")) process.loadEnvFile(".env.local");
const env = z
  .object({
    BENCH_DATABASE_URL: z.string().optional(),
    TEST_DATABASE_URL: z.string().optional(),
    DATABASE_URL: z.string().optional(),
    BENCH_TASKS: z.coerce.number().int().min(2).default(8),
    // SHA-256 rounds per task (about 0.3-0.6 s of CPU each on this machine).
    BENCH_ROUNDS: z.coerce.number().int().min(1).default(40_000),
    BENCH_REPEATS: z.coerce.number().int().min(1).default(3),
    EXECUTOR_MAX_STEPS: z.coerce.number().int().min(1).default(1),
  })
  .parse(process.env);
const databaseUrl =
  env.BENCH_DATABASE_URL ??
  env.TEST_DATABASE_URL ??
  env.DATABASE_URL?.replace(/\/stratus$/, "/stratus_test");
if (!databaseUrl) throw new Error("set BENCH_DATABASE_URL or TEST_DATABASE_URL");

type Worker = {
  child: ChildProcess;
  eventUrl: string;
  request: <T extends WorkerMessage["t"]>(
    message: ParentMessage,
    reply: T,
  ) => Promise<Extract<WorkerMessage, { t: T }>>;
};

const done = new Map<string, Mark>();
let onMark: (() => void) | null = null;

async function startWorker(keys: { signingKey: string; eventKey: string }): Promise<Worker> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/jobs/engine-worker.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      INNGEST_SIGNING_KEY: keys.signingKey,
      INNGEST_EVENT_KEY: keys.eventKey,
      EVENT_PORT: String(await freePort()),
      SERVE_PORT: String(await freePort()),
      EXECUTOR_MAX_RUNS: "8",
      EXECUTOR_MAX_STEPS: String(env.EXECUTOR_MAX_STEPS),
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  // A worker left behind would go on claiming runs from the shared test database.
  process.once("exit", () => child.kill("SIGKILL"));
  const replies = new Map<string, (m: WorkerMessage) => void>();
  child.on("message", (message: WorkerMessage) => {
    if (message.t === "marks") {
      for (const m of message.marks) if (m.kind === "done") done.set(m.w, m);
      onMark?.();
      return;
    }
    replies.get(message.t)?.(message);
  });
  child.once("exit", (code) => {
    if (code !== 0 && code !== null) {
      process.stderr.write(`a bench worker exited with ${code}\n`);
      process.exit(1);
    }
  });
  const once = <T extends WorkerMessage["t"]>(t: T) =>
    new Promise<Extract<WorkerMessage, { t: T }>>((resolve) => {
      replies.set(t, (m) => {
        replies.delete(t);
        resolve(m as Extract<WorkerMessage, { t: T }>);
      });
    });
  const ready = await once("ready");
  return {
    child,
    eventUrl: ready.eventUrl,
    request: (message, reply) => {
      const answer = once(reply);
      child.send(message);
      return answer;
    },
  };
}

async function waitDone(w: string): Promise<Mark> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const mark = done.get(w);
    if (mark) return mark;
    if (Date.now() > deadline) throw new Error(`the job ${w} never finished`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1_000);
      onMark = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    onMark = null;
  }
}

type Side = "one worker" | "two workers";
type Round = {
  side: Side;
  seconds: number;
  helped: number;
  sqlPerTask: number;
  cpuMsPerTask: number;
};

async function main() {
  const db = createDb(databaseUrl!, 1);
  await db.query("DELETE FROM ExecRun WHERE functionId LIKE 'bench-%'");
  await db.query("DELETE FROM ExecEvent WHERE name LIKE 'bench/%'");
  await db.query("DELETE FROM ExecFunction WHERE appId = 'bench'");
  const loadBefore = os.loadavg();
  const keys = testKeys();
  const a = await startWorker(keys);
  const b = await startWorker(keys);
  const questions = async () => {
    const rows: { Value: string }[] = await db.query("SHOW GLOBAL STATUS LIKE 'Questions'");
    return Number(rows[0]?.Value ?? NaN);
  };
  const stats = async (w: Worker): Promise<WorkerStats> =>
    (await w.request({ t: "stats" }, "stats")).stats;

  let seq = 0;
  const round = async (side: Side): Promise<Round> => {
    await b.request({ t: "executor", on: side === "two workers" }, "executor");
    const w = `spread-${seq++}`;
    const [qa, sa, sb] = await Promise.all([questions(), stats(a), stats(b)]);
    const sentAt = Date.now();
    const response = await fetch(`${a.eventUrl}/e/${keys.eventKey}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: "bench/spread",
        data: { w, sentAt, tasks: env.BENCH_TASKS, rounds: env.BENCH_ROUNDS },
      }),
    });
    if (response.status !== 200) throw new Error(`event API: ${response.status}`);
    await response.arrayBuffer();
    const mark = await waitDone(w);
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
  for (const w of [a, b]) w.child.send({ t: "stop" } satisfies ParentMessage);
  await db.end();

  const median = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const of = (side: Side) => rounds.filter((r) => r.side === side);
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
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
