// npm run worker: the process that runs Stratus's background functions. It serves the functions
// on loopback (WORKER_SERVE_PORT) and, with the local executor (the default), drives them: the
// Inngest event API on EXECUTOR_EVENT_PORT, runs and steps in MySQL. SIGTERM/SIGINT finish the
// calls in flight (or hand their runs back) before exiting.
//
// Run with `node --conditions=react-server --import tsx`: the functions reach data-access modules
// marked `server-only`, which only load under that condition.
import { existsSync } from "node:fs";

// Before anything imports the Inngest client: it reads its keys from the environment once.
// Variables already set win over .env.local (process.loadEnvFile never overrides).
if (existsSync(".env.local")) process.loadEnvFile(".env.local");
// The Inngest SDK scans the whole environment several times per request it serves
// (helpers/env.js, getProcessEnv: Object.entries(process.env)), about 12 % of the worker's CPU.
// node's process.env calls getenv() for every read; a plain copy is read ~10x faster. The
// worker's environment is complete at this point, so it reads a snapshot from here on.
process.env = { ...process.env };

const { workerConfig } = await import("@/lib/executor/config");
const { stepRequestTimeoutMs } = await import("@/lib/mapreduce/config");
const { startExecutor } = await import("@/lib/executor/executor");
const { SyncError } = await import("@/lib/executor/functions");
const { startWorkerEndpoint } = await import("@/inngest/worker-endpoint");
const { assertEnvironment } = await import("@/lib/health/environment");
const { logger } = await import("@/lib/log/logger");

// JSON lines (lib/log); lines logged inside a function run carry the request id that started it.
const log = (line: string) => logger.info(line, { source: "worker" });

let config;
try {
  // Every setting the worker and the functions it runs read, each problem named.
  assertEnvironment("worker");
  config = workerConfig();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

const endpoint = await startWorkerEndpoint(config.WORKER_HOST, config.WORKER_SERVE_PORT);
log(`serving functions on ${endpoint.url}`);

let executor: Awaited<ReturnType<typeof startExecutor>> | undefined;
if (config.INNGEST_EXECUTOR === "local") {
  try {
    executor = await startExecutor({
      databaseUrl: config.DATABASE_URL,
      signingKey: config.INNGEST_SIGNING_KEY,
      eventKey: config.INNGEST_EVENT_KEY ?? "",
      serveUrl: endpoint.url,
      host: config.WORKER_HOST,
      eventPort: config.EXECUTOR_EVENT_PORT,
      maxConcurrentRuns: config.EXECUTOR_MAX_RUNS,
      maxParallelSteps: config.EXECUTOR_MAX_STEPS,
      leaseMs: config.EXECUTOR_LEASE_MS,
      backoffBaseMs: config.EXECUTOR_BACKOFF_BASE_MS,
      // Long enough for the longest MapReduce task step (a task may run up to an hour).
      requestTimeoutMs: stepRequestTimeoutMs(),
      log,
    });
  } catch (error) {
    console.error(error instanceof SyncError ? error.message : error);
    await endpoint.close();
    process.exit(1);
  }
} else {
  log("INNGEST_EXECUTOR=external: an Inngest server drives the functions; no local executor");
}

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: finishing calls in flight`);
  void (async () => {
    await executor?.stop(20_000);
    await endpoint.close();
    log("stopped");
    process.exit(0);
  })();
};
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
