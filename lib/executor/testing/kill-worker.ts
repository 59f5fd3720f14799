// A worker process for the kill-and-restart test: the executor and a serve endpoint with one
// slow three-step function in one process, as scripts/worker.ts runs them. Each step appends a
// line to STEP_LOG so the test can count executions across processes.
import { appendFileSync } from "node:fs";
import { z } from "zod";
import { startExecutor } from "../executor";
import { startServeEndpoint, testClient } from "./harness";

const env = z
  .object({
    DATABASE_URL: z.string(),
    INNGEST_SIGNING_KEY: z.string(),
    INNGEST_EVENT_KEY: z.string(),
    EVENT_PORT: z.coerce.number().int(),
    SERVE_PORT: z.coerce.number().int(),
    STEP_LOG: z.string(),
    // The client's checkpointing (driver.ts): "1" runs the steps in one call.
    CHECKPOINTING: z.enum(["0", "1"]).default("0"),
    // "1": the client reaches the event API in process (local-api.ts), as the worker's does.
    IN_PROCESS: z.enum(["0", "1"]).default("0"),
  })
  .parse(process.env);

const keys = { signingKey: env.INNGEST_SIGNING_KEY, eventKey: env.INNGEST_EVENT_KEY };
const client = testClient(keys, env.EVENT_PORT, "contract", {
  checkpointing: env.CHECKPOINTING === "1",
  inProcess: env.IN_PROCESS === "1",
});
const note = (line: string) => appendFileSync(env.STEP_LOG, `${line}\n`);

const durable = client.createFunction(
  { id: "durable", triggers: [{ event: "test/durable" }] },
  async ({ step }) => {
    await step.run("one", () => note("one"));
    await step.run("two", async () => {
      note("two:start");
      await new Promise((r) => setTimeout(r, 1_500));
      note("two:end");
    });
    await step.run("three", () => note("three"));
    return "finished";
  },
);

const endpoint = await startServeEndpoint(client, [durable], env.SERVE_PORT);
const executor = await startExecutor({
  databaseUrl: env.DATABASE_URL,
  ...keys,
  serveUrl: endpoint.url,
  eventPort: env.EVENT_PORT,
  leaseMs: 1_500,
  pollMs: 50,
  backoffBaseMs: 50,
  log: () => {},
});
note("ready");
process.on("SIGTERM", () => {
  void executor
    .stop(5_000)
    .then(() => endpoint.close())
    .then(() => process.exit(0));
});
