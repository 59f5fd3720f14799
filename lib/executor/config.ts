import { z } from "zod";
import { parseEnv } from "@/lib/parse-env";

// The worker's settings (README, "Background jobs"). INNGEST_* are the SDK's own variable names,
// so the same values configure the web app's client, the worker's serve endpoint and the executor.

const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
  DATABASE_URL: z
    .string({ error: "DATABASE_URL is not set (npm run up writes it to .env.local)" })
    .regex(/^(mysql|mariadb):\/\//, "DATABASE_URL must start with mysql:// or mariadb://"),
  INNGEST_SIGNING_KEY: z
    .string({
      error:
        "INNGEST_SIGNING_KEY is not set (scripts/worker-start.sh generates it into .env.local)",
    })
    .regex(
      /^signkey-\w+-[0-9a-f]{32,}$/i,
      "INNGEST_SIGNING_KEY must look like signkey-<env>-<hex>",
    ),
  INNGEST_EVENT_KEY: z
    .string()
    .min(16, "INNGEST_EVENT_KEY must be at least 16 characters")
    .optional(),
  // "local": this worker also runs the executor. "external": Inngest Cloud or an Inngest server
  // drives the functions; the worker only serves them.
  INNGEST_EXECUTOR: z.enum(["local", "external"]).default("local"),
  WORKER_HOST: z.string().min(1).default("127.0.0.1"),
  WORKER_SERVE_PORT: port.default(3288),
  EXECUTOR_EVENT_PORT: port.default(8288),
  EXECUTOR_MAX_RUNS: z.coerce.number().int().min(1).max(256).default(8),
  // Steps of parallel batches this worker runs at once, its runs' and other workers' (issue 19:
  // the scale-out of one run). Default: EXECUTOR_MAX_RUNS.
  EXECUTOR_MAX_STEPS: z.coerce.number().int().min(1).max(256).optional(),
  EXECUTOR_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  EXECUTOR_BACKOFF_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(1_000),
});

export type WorkerConfig = z.infer<typeof schema>;

export function workerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const config = parseEnv(schema, env, "worker");
  if (config.INNGEST_EXECUTOR === "local" && !config.INNGEST_EVENT_KEY) {
    throw new Error(
      "Invalid worker environment:\n  INNGEST_EVENT_KEY: required by the local executor",
    );
  }
  return config;
}
