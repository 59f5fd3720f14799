// npm run bench:scale -- --workers: worker scale-out. The same load of jobs (RUNS runs of a
// five-step job whose steps wait STEP_MS on I/O) through one job worker, then through two worker
// processes sharing the queue in MySQL. Prints the time to finish all runs, runs per second, the
// ratio to one worker, and checks that no step ran twice and every run finished.
// Database: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else DATABASE_URL's stratus_test; only
// this bench's rows (app "scale") are touched.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Inngest } from "inngest";
import { createDb } from "@/lib/executor/db";
import { freePort, testKeys } from "@/lib/executor/testing/harness";

if (existsSync(".env.local")) process.loadEnvFile(".env.local");
const databaseUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  process.env.DATABASE_URL?.replace(/\/stratus$/, "/stratus_test");
if (!databaseUrl) throw new Error("set BENCH_DATABASE_URL or TEST_DATABASE_URL");
const RUNS = Number(process.env.RUNS ?? 120);
const MAX_RUNS = Number(process.env.EXECUTOR_MAX_RUNS ?? 8);
const STEP_MS = Number(process.env.STEP_MS ?? 300);

const db = createDb(databaseUrl, 2);
async function clean() {
  await db.query("DELETE FROM ExecRun WHERE functionId LIKE 'scale-%'");
  await db.query("DELETE FROM ExecEvent WHERE name LIKE 'scale/%'");
  await db.query("DELETE FROM ExecFunction WHERE appId = 'scale'");
}

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn("node", ["--import", "tsx", "bench/scale/worker-process.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

async function stopWorker(child: ChildProcess) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

async function trial(workers: number) {
  await clean();
  const dir = mkdtempSync(path.join(tmpdir(), "stratus-workers-"));
  const stepLog = path.join(dir, "steps.log");
  const keys = testKeys();
  const ports: number[] = [];
  for (let i = 0; i < workers; i++) ports.push(await freePort());
  const children: ChildProcess[] = [];
  try {
    for (const port of ports) {
      children.push(
        await startWorker({
          DATABASE_URL: databaseUrl!,
          INNGEST_SIGNING_KEY: keys.signingKey,
          INNGEST_EVENT_KEY: keys.eventKey,
          EVENT_PORT: String(port),
          STEP_LOG: stepLog,
          EXECUTOR_MAX_RUNS: String(MAX_RUNS),
          STEP_MS: String(STEP_MS),
        }),
      );
    }
    const sender = new Inngest({
      id: "scale",
      isDev: false,
      checkpointing: false,
      eventKey: keys.eventKey,
      baseUrl: `http://127.0.0.1:${ports[0]}/`,
    });
    const started = performance.now();
    await sender.send(
      Array.from({ length: RUNS }, (_, n) => ({ name: "scale/io-job", data: { n } })),
    );
    const deadline = Date.now() + 10 * 60_000;
    for (;;) {
      const [row] = await db.query<{ done: bigint; failed: bigint }[]>(
        "SELECT SUM(status = 'completed') AS done, SUM(status IN ('failed','cancelled')) AS failed FROM ExecRun WHERE functionId = 'scale-io-job'",
      );
      if (Number(row?.done ?? 0) + Number(row?.failed ?? 0) >= RUNS) break;
      if (Date.now() > deadline) throw new Error(`only ${row?.done}/${RUNS} runs finished`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    const [row] = await db.query<{ done: bigint }[]>(
      "SELECT SUM(status = 'completed') AS done FROM ExecRun WHERE functionId = 'scale-io-job'",
    );
    const lines = readFileSync(stepLog, "utf8").trim().split("\n");
    const seen = new Map<string, number>();
    const byPid = new Map<string, Set<string>>();
    for (const line of lines) {
      const [runId, step, pid] = line.split(" ");
      const key = `${runId} ${step}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      const runs = byPid.get(pid!) ?? new Set<string>();
      runs.add(runId!);
      byPid.set(pid!, runs);
    }
    return {
      workers,
      seconds,
      completed: Number(row?.done ?? 0),
      executions: lines.length,
      twice: [...seen.values()].filter((n) => n > 1).length,
      share: [...byPid.values()].map((runs) => runs.size),
    };
  } finally {
    for (const c of children) await stopWorker(c);
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  const one = await trial(1);
  const two = await trial(2);
  console.log(
    `\nworker scale-out — ${RUNS} runs × 5 steps of ${STEP_MS} ms I/O, ${MAX_RUNS} runs at once per worker\n`,
  );
  console.log(
    "| workers | seconds | runs/s | vs 1 worker | completed | step executions | steps run twice | runs per serving process |",
  );
  console.log(
    "| ------: | ------: | -----: | ----------: | --------: | --------------: | --------------: | ------------------------ |",
  );
  for (const t of [one, two]) {
    console.log(
      `| ${t.workers} | ${t.seconds.toFixed(1)} | ${(RUNS / t.seconds).toFixed(1)} | ${(one.seconds / t.seconds).toFixed(2)}× | ${t.completed}/${RUNS} | ${t.executions} | ${t.twice} | ${t.share.join(" + ")} |`,
    );
  }
  const okay = [one, two].every(
    (t) => t.completed === RUNS && t.twice === 0 && t.executions === RUNS * 5,
  );
  console.log(
    okay
      ? "\nevery run completed; no step ran twice"
      : "\nFAILED: a run did not complete or a step ran twice",
  );
  process.exitCode = okay ? 0 : 1;
} finally {
  await clean();
  await db.end();
}
