import type { Inngest, InngestFunction } from "inngest";
import { vi } from "vitest";
import { startExecutor, type Executor } from "../executor";
import { databaseUrl, freePort, startServeEndpoint } from "./harness";

/**
 * The environment the app's client reads once, when it is imported (so call this first): the
 * test's keys, and INNGEST_BASE_URL at a free port of this file's own, where the client sends its
 * events and checkpoints every step, so the rig's executor must listen there. Returns that port.
 */
export async function stubAppClientEnv(keys: {
  signingKey: string;
  eventKey: string;
}): Promise<number> {
  const port = await freePort();
  vi.stubEnv("INNGEST_SIGNING_KEY", keys.signingKey);
  vi.stubEnv("INNGEST_EVENT_KEY", keys.eventKey);
  vi.stubEnv("INNGEST_BASE_URL", `http://127.0.0.1:${port}`);
  return port;
}

/**
 * The port of a client's INNGEST_BASE_URL, where a rig's executor must listen (stubAppClientEnv).
 */
export function clientEventPort(client: Inngest): number {
  const url = new URL(client.apiBaseUrl);
  if (!["127.0.0.1", "localhost"].includes(url.hostname) || url.port === "") {
    throw new Error(
      `the app's client points at ${url.origin}, not at a test executor: call stubAppClientEnv before importing @/lib/events/client`,
    );
  }
  return Number(url.port);
}

// For tests of Stratus's own functions: the app's client (whose keys come from the environment,
// see inngest/functions/*.test.ts) served and driven like in the worker.
export async function startAppExecutor(
  client: Inngest,
  functions: InngestFunction.Any[],
  keys: { signingKey: string; eventKey: string },
  // Default: the port of the client's INNGEST_BASE_URL (clientEventPort).
  eventPort?: number,
  // Short for tests that let a function use up its retries; maxParallelSteps for scale-out tests.
  options: { backoffBaseMs?: number; maxParallelSteps?: number } = {},
): Promise<{
  executor: Executor;
  eventPort: number;
  serveUrl: string;
  stop: () => Promise<void>;
}> {
  const endpoint = await startServeEndpoint(client, functions);
  eventPort ??= clientEventPort(client);
  const executor = await startExecutor({
    databaseUrl: databaseUrl(),
    ...keys,
    serveUrl: endpoint.url,
    eventPort,
    pollMs: 50,
    log: () => {},
    ...options,
  });
  return {
    executor,
    eventPort,
    serveUrl: endpoint.url,
    stop: async () => {
      await executor.stop(2_000);
      await endpoint.close();
    },
  };
}
