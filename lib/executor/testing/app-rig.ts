import type { Inngest, InngestFunction } from "inngest";
import { startExecutor, type Executor } from "../executor";
import { databaseUrl, freePort, startServeEndpoint } from "./harness";

// For tests of Stratus's own functions: the app's client (whose keys come from the environment,
// see inngest/functions/*.test.ts) served and driven like in the worker.
export async function startAppExecutor(
  client: Inngest,
  functions: InngestFunction.Any[],
  keys: { signingKey: string; eventKey: string },
  // Fixed when the app's own client must reach it (INNGEST_BASE_URL is read once, at import).
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
  eventPort ??= await freePort();
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
