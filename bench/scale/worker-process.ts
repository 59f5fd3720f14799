// One job worker of the worker scale-out bench (bench/scale/workers.ts): the local executor and a
// serve endpoint in one process, as scripts/worker.ts runs them, with one five-step job whose steps
// wait on I/O (as Stratus's steps wait on S3 and MySQL). Every step execution appends
// "<runId> <step> <pid>" to STEP_LOG so the parent can find a step that ran twice.
import { appendFileSync } from "node:fs";
import { z } from "zod";
import { startExecutor } from "@/lib/executor/executor";
import { startServeEndpoint, testClient } from "@/lib/executor/testing/harness";

const env = z
  .object({
    DATABASE_URL: z.string(),
    INNGEST_SIGNING_KEY: z.string(),
    INNGEST_EVENT_KEY: z.string(),
    EVENT_PORT: z.coerce.number().int(),
    STEP_LOG: z.string(),
    EXECUTOR_MAX_RUNS: z.coerce.number().int().default(8),
    STEP_MS: z.coerce.number().int().default(300),
  })
  .parse(process.env);

const keys = { signingKey: env.INNGEST_SIGNING_KEY, eventKey: env.INNGEST_EVENT_KEY };
const client = testClient(keys, env.EVENT_PORT, "scale");

const job = client.createFunction(
  { id: "io-job", triggers: [{ event: "scale/io-job" }] },
  async ({ runId, step }) => {
    for (const name of ["fetch", "decode", "transform", "encode", "store"]) {
      await step.run(name, async () => {
        appendFileSync(env.STEP_LOG, `${runId} ${name} ${process.pid}\n`);
        await new Promise((r) => setTimeout(r, env.STEP_MS));
      });
    }
    return "done";
  },
);

const endpoint = await startServeEndpoint(client, [job]);
const executor = await startExecutor({
  databaseUrl: env.DATABASE_URL,
  ...keys,
  serveUrl: endpoint.url,
  eventPort: env.EVENT_PORT,
  maxConcurrentRuns: env.EXECUTOR_MAX_RUNS,
  log: () => {},
});
console.log("ready");
process.on("SIGTERM", () => {
  void executor
    .stop(10_000)
    .then(() => endpoint.close())
    .then(() => process.exit(0));
});
