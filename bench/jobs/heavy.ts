import type { Inngest } from "inngest";
import { startExecutor } from "@/lib/executor/executor";
import { startServeEndpoint, testClient } from "@/lib/executor/testing/harness";

// A CPU-bound job (10 steps of 300 ms busy work, like an image filter) and a worker around it.

export const HEAVY_STEPS = 10;
const STEP_MS = 300;

function burn(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x = (x * 31 + 7) % 1_000_003;
  return x;
}

export function defineHeavy(client: Inngest) {
  return client.createFunction(
    { id: "heavy", triggers: [{ event: "bench/heavy" }] },
    async ({ step }) => {
      for (let i = 0; i < HEAVY_STEPS; i++) await step.run(`chunk-${i}`, () => burn(STEP_MS));
      return "done";
    },
  );
}

export async function startHeavyWorker(opts: {
  databaseUrl: string;
  keys: { signingKey: string; eventKey: string };
  eventPort: number;
}) {
  const client = testClient(opts.keys, opts.eventPort, "bench");
  const endpoint = await startServeEndpoint(client, [defineHeavy(client)]);
  const executor = await startExecutor({
    databaseUrl: opts.databaseUrl,
    ...opts.keys,
    serveUrl: endpoint.url,
    eventPort: opts.eventPort,
    pollMs: 50,
    log: () => {},
  });
  return {
    stop: async () => {
      await executor.stop(5_000);
      await endpoint.close();
    },
  };
}
