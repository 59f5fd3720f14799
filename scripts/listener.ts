// Pulse's long-running listener (lib/pulse/listener), started by scripts/listener-start.sh (npm
// run up). It polls the active trackers, holds one connection per active source (Bluesky
// Jetstream, Mastodon, X, replay files) and sends matched posts as `stratus/pulse.posts` events to
// the Inngest event API — the local executor's by default (INNGEST_BASE_URL, INNGEST_EVENT_KEY).
// SIGTERM/SIGINT stop the sources, send what is pending and store the cursors before exiting.
//
// Run with `node --conditions=react-server --import tsx`: it reaches data-access modules marked
// `server-only`, which only load under that condition.
import { existsSync } from "node:fs";

// Before anything imports the Inngest client: it reads its keys from the environment once.
// Variables already set win over .env.local (process.loadEnvFile never overrides).
if (existsSync(".env.local")) process.loadEnvFile(".env.local");

const { inngest } = await import("@/lib/events/client");
const { Listener } = await import("@/lib/pulse/listener/listener");
const { pulseConfigFromEnv } = await import("@/lib/pulse/config");
const { assertEnvironment } = await import("@/lib/health/environment");
const { acquireListenerLock } = await import("@/lib/pulse/listener/singleton");

const log = (line: string) => console.log(`[listener] ${new Date().toISOString()} ${line}`);

let pulse;
try {
  // Every setting the listener reads (the database, the event key, Pulse's own), each problem named.
  assertEnvironment("listener");
  pulse = pulseConfigFromEnv(process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const config = pulse.listener;
const databaseUrl = process.env.DATABASE_URL!;

let stopping = false;
const standby = new AbortController();
let listener: InstanceType<typeof Listener> | undefined;
let stats: NodeJS.Timeout | undefined;
let lock: Awaited<ReturnType<typeof acquireListenerLock>> = null;

const shutdown = (reason: string, code = 0) => {
  if (stopping) return;
  stopping = true;
  standby.abort();
  clearInterval(stats);
  log(`${reason}: sending what is pending`);
  // Past this, give up: the cursors are at the last successful send, so nothing is lost.
  const deadline = setTimeout(() => {
    log("could not finish in 20 s; exiting");
    process.exit(1);
  }, 20_000);
  void (async () => {
    await listener?.stop();
    await lock?.release();
    clearTimeout(deadline);
    log("stopped");
    process.exit(code);
  })();
};
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

lock = await acquireListenerLock(databaseUrl, { log, signal: standby.signal });
if (lock && !stopping) {
  void lock.lost.then((why) => shutdown(why, 1));
  listener = new Listener(inngest, config, log);
  listener.start();
  log(`listening (Jetstream ${config.jetstreamUrl}; trackers polled every ${config.pollMs} ms)`);

  // A line of totals now and then, for the log and the bench.
  const statsEvery = pulse.statsMs;
  stats = setInterval(() => {
    const rows = listener?.stats() ?? [];
    if (rows.length)
      log(`sent ${rows.map((r) => `${r.key}=${r.sentPosts} (${r.pending} pending)`).join(", ")}`);
  }, statsEvery);
}
