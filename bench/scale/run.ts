// npm run bench:scale (-- --servers) — requests per second and p95 latency of a signed-in workload (Drive
// listing, job status, home dashboard) through nginx on :3000, with 1 app server, with 3, with 3
// of which one is killed (SIGKILL) a third of the way in and restarted at two thirds, and with 3
// of which one is stopped gracefully (SIGTERM, as in a rollout) and started again.
// Needs `npm run up -- --instances 3` running; leaves it as it found it (3 servers balanced).
//   SCALE_SECONDS (20), SCALE_CONCURRENCY (16)
import { readFileSync } from "node:fs";
import {
  balance,
  BASE_URL,
  killServer,
  makeAccount,
  removeAccount,
  serverRunning,
  signIn,
  startServer,
  stopServer,
} from "./stack";
import { runLoad, summarise, workload } from "./load";

const seconds = Number(process.env.SCALE_SECONDS ?? 20);
const concurrency = Number(process.env.SCALE_CONCURRENCY ?? 16);
const durationMs = seconds * 1000;

for (const i of [1, 2, 3]) {
  if (!serverRunning(i))
    throw new Error(`app server ${i} is not running: npm run up -- --instances 3`);
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

const account = await makeAccount();
try {
  // One session per virtual user, as so many browsers: the proxy bounds each session's request
  // rate (lib/limits/request-rate.ts), which one session shared by 16 loops would exceed.
  const cookie: string[] = [];
  for (let u = 0; u < concurrency; u++) cookie.push(await signIn(account.email, account.password));
  const targets = workload(account.jobId);
  const load = () => runLoad({ baseUrl: BASE_URL, cookie, targets, concurrency, durationMs });
  const warm = (ms: number) =>
    runLoad({ baseUrl: BASE_URL, cookie, targets, concurrency, durationMs: ms });

  type Row = ReturnType<typeof summarise> & { load: string; note?: string };
  const rows: Row[] = [];
  const measure = async (name: string, during?: (t0: number) => Promise<string>) => {
    const before = loadAverage();
    const t0 = performance.now();
    const [run, note] = await Promise.all([
      load(),
      during ? during(t0) : Promise.resolve(undefined),
    ]);
    rows.push({ ...summarise(name, run), load: `${before} → ${loadAverage()}`, note });
  };

  // Each server renders every page once before the rows (first renders compile and fill caches).
  await warm(8_000);

  balance(1);
  stopServer(2);
  stopServer(3);
  // An nginx reload closes its idle client connections; let the client's pool notice before the
  // row reuses one (a browser retries such a request by itself; fetch does not).
  await pause(2_000);
  await measure("1 app server");

  startServer(2);
  startServer(3);
  balance(3);
  await pause(2_000);
  await warm(8_000);
  await measure("3 app servers");

  // A crash: SIGKILL a third of the way in, restart at two thirds.
  await measure("3, one killed mid-run", async (t0) => {
    await pause(durationMs / 3);
    killServer(2);
    const killedAt = performance.now() - t0;
    await pause(durationMs / 3);
    startServer(2); // returns once it answers /api/health
    const backAt = performance.now() - t0;
    return `server 2 killed at ${(killedAt / 1000).toFixed(1)} s, serving again at ${(backAt / 1000).toFixed(1)} s`;
  });

  // A rollout: SIGTERM (requests in flight finish), then start again.
  await pause(2_000);
  await warm(5_000);
  await measure("3, one stopped (SIGTERM)", async (t0) => {
    await pause(durationMs / 3);
    stopServer(3);
    const stoppedAt = performance.now() - t0;
    await pause(durationMs / 3);
    startServer(3);
    return `server 3 stopped at ${(stoppedAt / 1000).toFixed(1)} s, serving again at ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  });

  const base = rows[0]!;
  console.log(
    `\nbench:scale — ${concurrency} virtual users × ${seconds} s per row, through nginx at ${BASE_URL}\n`,
  );
  console.log(
    "| setup                    | requests |    rps | p50 ms | p95 ms | failed | rps vs 1 server | load average (1/5/15 min) |",
  );
  console.log(
    "| ------------------------ | -------: | -----: | -----: | -----: | -----: | --------------: | ------------------------- |",
  );
  for (const r of rows) {
    console.log(
      `| ${r.name.padEnd(24)} | ${String(r.requests).padStart(8)} | ${r.rps.toFixed(1).padStart(6)} | ${r.p50.toFixed(0).padStart(6)} | ${r.p95.toFixed(0).padStart(6)} | ${String(r.failed).padStart(6)} | ${(r.rps / base.rps).toFixed(2).padStart(14)}× | ${r.load} |`,
    );
  }
  for (const r of rows) {
    if (r.note) console.log(`\n${r.name}: ${r.note}`);
    if (r.failed > 0) console.log(`${r.name} failures:`, r.failures);
  }
} finally {
  for (const i of [1, 2, 3]) if (!serverRunning(i)) startServer(i);
  balance(3);
  await removeAccount(account.id);
}
