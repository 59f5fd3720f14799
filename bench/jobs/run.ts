// npm run bench:jobs — throughput and start latency of the local executor, against the test
// database (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else DATABASE_URL's stratus_test).
// Two workloads through the real serve endpoint and signed HTTP calls:
//   1,000 no-op runs, and 200 runs of a 5-step function.
// For each: runs completed per second (first send() to last completion) and the p50/p95 delay
// from send() to the function's first step starting (measured inside the function).
import { existsSync } from "node:fs";
import type { Inngest } from "inngest";
import { z } from "zod";
import { createDb } from "@/lib/executor/db";
import { startExecutor } from "@/lib/executor/executor";
import { freePort, startServeEndpoint, testClient, testKeys } from "@/lib/executor/testing/harness";

if (existsSync(".env.local")) process.loadEnvFile(".env.local");
const env = z
  .object({
    BENCH_DATABASE_URL: z.string().optional(),
    TEST_DATABASE_URL: z.string().optional(),
    DATABASE_URL: z.string().optional(),
    EXECUTOR_MAX_RUNS: z.coerce.number().int().min(1).default(8),
    BENCH_SEND_CONCURRENCY: z.coerce.number().int().min(1).default(16),
  })
  .parse(process.env);
const databaseUrl =
  env.BENCH_DATABASE_URL ??
  env.TEST_DATABASE_URL ??
  env.DATABASE_URL?.replace(/\/stratus$/, "/stratus_test");
if (!databaseUrl) throw new Error("set BENCH_DATABASE_URL or TEST_DATABASE_URL");

const APP = "bench";
const startDelays = new Map<string, number[]>();
const finished = new Map<string, number>();
const note = (workload: string, sentAt: number) => {
  const list = startDelays.get(workload) ?? [];
  list.push(Date.now() - sentAt);
  startDelays.set(workload, list);
};

function define(client: Inngest) {
  const noop = client.createFunction(
    { id: "noop", triggers: [{ event: "bench/noop" }] },
    async ({ event }) => {
      note("noop", Number(event.data.sentAt));
      finished.set("noop", (finished.get("noop") ?? 0) + 1);
      return null;
    },
  );
  const fiveSteps = client.createFunction(
    { id: "five-steps", triggers: [{ event: "bench/five" }] },
    async ({ event, step }) => {
      await step.run("s1", () => note("five", Number(event.data.sentAt)));
      for (const id of ["s2", "s3", "s4", "s5"]) await step.run(id, () => id);
      finished.set("five", (finished.get("five") ?? 0) + 1);
    },
  );
  return [noop, fiveSteps];
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main() {
  const db = createDb(databaseUrl!, 2);
  const clean = async () => {
    await db.query("DELETE FROM ExecRun WHERE functionId LIKE 'bench-%'");
    await db.query("DELETE FROM ExecEvent WHERE name LIKE 'bench/%'");
    await db.query("DELETE FROM ExecFunction WHERE appId = ?", [APP]);
  };
  await clean();
  const keys = testKeys();
  const eventPort = await freePort();
  const client = testClient(keys, eventPort, APP);
  const endpoint = await startServeEndpoint(client, define(client));
  const executor = await startExecutor({
    databaseUrl: databaseUrl!,
    ...keys,
    serveUrl: endpoint.url,
    eventPort,
    maxConcurrentRuns: env.EXECUTOR_MAX_RUNS,
    log: () => {},
  });

  const rows: string[][] = [];
  for (const [workload, name, count] of [
    ["noop", "bench/noop", 1000],
    ["five", "bench/five", 200],
  ] as const) {
    const started = Date.now();
    let next = 0;
    const sender = async () => {
      while (next < count) {
        next++;
        await client.send({ name, data: { sentAt: Date.now() } });
      }
    };
    await Promise.all(Array.from({ length: env.BENCH_SEND_CONCURRENCY }, sender));
    const sendMs = Date.now() - started;
    const deadline = Date.now() + 10 * 60_000;
    while ((finished.get(workload) ?? 0) < count) {
      if (Date.now() > deadline)
        throw new Error(`${workload}: only ${finished.get(workload) ?? 0}/${count} finished`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const totalMs = Date.now() - started;
    const delays = [...(startDelays.get(workload) ?? [])].sort((a, b) => a - b);
    rows.push([
      workload === "noop" ? "1,000 no-op runs" : "200 runs × 5 steps",
      (count / (totalMs / 1000)).toFixed(1),
      String(percentile(delays, 50)),
      String(percentile(delays, 95)),
      String(sendMs),
    ]);
  }

  await executor.stop(5_000);
  await endpoint.close();
  await clean();
  await db.end();

  const header = ["workload", "runs/s", "p50 start ms", "p95 start ms", "send total ms"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(
    `local executor, ${env.EXECUTOR_MAX_RUNS} runs at once per worker, ${env.BENCH_SEND_CONCURRENCY} concurrent senders`,
  );
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

await main();
