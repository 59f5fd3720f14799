// npm run bench:jobs:web — why functions run in the worker process: the latency of a trivial web
// request while a CPU-heavy job (10 × 300 ms steps) runs, (a) with the job in the separate worker
// process, as Stratus runs it, and (b) with the job served inside the web process. Each runs in its own child process; the
// probe that times the requests runs here.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { z } from "zod";
import { createDb } from "@/lib/executor/db";
import { freePort, testClient, testKeys } from "@/lib/executor/testing/harness";

if (existsSync(".env.local")) process.loadEnvFile(".env.local");
const env = z
  .object({
    BENCH_DATABASE_URL: z.string().optional(),
    TEST_DATABASE_URL: z.string().optional(),
    DATABASE_URL: z.string().optional(),
  })
  .parse(process.env);
const databaseUrl =
  env.BENCH_DATABASE_URL ??
  env.TEST_DATABASE_URL ??
  env.DATABASE_URL?.replace(/\/stratus$/, "/stratus_test");
if (!databaseUrl) throw new Error("set BENCH_DATABASE_URL or TEST_DATABASE_URL");

type Child = { url: string; stop: () => Promise<void> };

/** Starts a bench-process.ts child and resolves once it printed "ready <web url>". */
async function startChild(role: string, vars: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/jobs/bench-process.ts"], {
    env: { ...process.env, ...vars, ROLE: role },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${role} exited with ${code}`)));
    child.stdout.on("data", (d: Buffer) => {
      const m = /ready (\S*)/.exec(d.toString());
      if (m) resolve(m[1] ?? "");
    });
  });
  return {
    url,
    stop: async () => {
      child.removeAllListeners("exit");
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

async function heavyFinished(db: ReturnType<typeof createDb>): Promise<boolean> {
  const rows: { status: string }[] = await db.query(
    "SELECT status FROM ExecRun WHERE functionId = 'bench-heavy'",
  );
  return rows.length > 0 && rows.every((r) => r.status === "completed");
}

/** Pings the web server every 25 ms until the job is done; returns sorted latencies. */
async function probe(webUrl: string, db: ReturnType<typeof createDb>): Promise<number[]> {
  const latencies: number[] = [];
  let lastCheck = 0;
  for (;;) {
    const t = performance.now();
    await (await fetch(webUrl)).text();
    latencies.push(performance.now() - t);
    if (Date.now() - lastCheck > 250) {
      lastCheck = Date.now();
      if (await heavyFinished(db)) break;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return latencies.sort((a, b) => a - b);
}

const pct = (s: number[], p: number) =>
  (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN).toFixed(1);

async function main() {
  const db = createDb(databaseUrl!, 2);
  const clean = () => db.query("DELETE FROM ExecRun WHERE functionId = 'bench-heavy'");
  const results: string[][] = [];
  for (const mode of ["worker process", "inside the web process"] as const) {
    await clean();
    const keys = testKeys();
    const eventPort = await freePort();
    const vars = {
      DATABASE_URL: databaseUrl!,
      INNGEST_SIGNING_KEY: keys.signingKey,
      INNGEST_EVENT_KEY: keys.eventKey,
      EVENT_PORT: String(eventPort),
    };
    const children =
      mode === "worker process"
        ? [await startChild("web", vars), await startChild("worker", vars)]
        : [await startChild("web+worker", vars)];
    await testClient(keys, eventPort, "bench").send({ name: "bench/heavy", data: {} });
    const latencies = await probe(children[0]!.url, db);
    for (const child of children) await child.stop();
    results.push([
      mode,
      String(latencies.length),
      pct(latencies, 50),
      pct(latencies, 95),
      latencies.at(-1)!.toFixed(1),
    ]);
  }
  await clean();
  await db.end();
  console.log("web request latency (ms) while a 10 × 300 ms CPU-bound job runs");
  const header = ["job runs in", "requests", "p50", "p95", "max"];
  const widths = header.map((h, i) => Math.max(h.length, ...results.map((r) => r[i]!.length)));
  for (const row of [header, ...results])
    console.log(row.map((c, i) => c.padEnd(widths[i]!)).join("  "));
}

await main();
