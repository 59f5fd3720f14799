import type { Inngest, InngestFunction } from "inngest";
import { startExecutor, type Executor } from "../executor";
import { databaseUrl, startServeEndpoint } from "./harness";

/**
 * The port of a client's INNGEST_BASE_URL. The app's client checkpoints every step to it (and
 * sends its events there), so a rig's executor must listen there: a test sets INNGEST_BASE_URL
 * to http://127.0.0.1:<freePort()> before it imports the client (which reads it once).
 */
export function clientEventPort(client: Inngest): number {
  const url = new URL(client.apiBaseUrl);
  if (!["127.0.0.1", "localhost"].includes(url.hostname) || url.port === "") {
    throw new Error(
      `the app's client points at ${url.origin}, not at a test executor: set INNGEST_BASE_URL to http://127.0.0.1:<freePort()> before importing @/lib/events/client`,
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
