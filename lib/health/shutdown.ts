import { logger } from "@/lib/log/logger";

// Graceful shutdown of an app server. On SIGTERM (docker stop, a Kubernetes rollout, `npm run
// down`) Next's own handler stops accepting connections and lets the requests in flight finish;
// this adds two things it lacks: /api/ready answers 503 at once, so a load balancer that still
// sends a request takes the server out, and a deadline, so a long stream (server-sent events,
// a big zip) cannot hold the process past its grace period.

let draining = false;
let installed = false;

export function isDraining(): boolean {
  return draining;
}

/** For tests: as if a SIGTERM had arrived, without the deadline. */
export function beginDraining(): void {
  draining = true;
}

export function installShutdownHandlers(
  timeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 25_000),
): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals) => {
    if (draining) return;
    draining = true;
    logger.info("shutting down: finishing requests in flight", { signal, timeoutMs });
    setTimeout(() => {
      logger.warn("shutdown deadline passed: exiting with requests still open", { timeoutMs });
      process.exit(1);
    }, timeoutMs).unref();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
