import { z } from "zod";
import { driveConfig } from "@/lib/drive/config";
import { emailConfig } from "@/lib/email/config";
import { serverEnvSchema } from "@/lib/env";
import { workerConfig } from "@/lib/executor/config";
import { imageConfig } from "@/lib/images/config";
import { userCpuCapCores } from "@/lib/limits/cpu-cap";
import { mapReduceConfig } from "@/lib/mapreduce/config";
import { emrConfigFromEnv } from "@/lib/mapreduce/emr/config";
import { pulseConfigFromEnv, requirePulseSecret } from "@/lib/pulse/config";
import { parseStorageConfig } from "@/lib/storage/config";

// Every setting checked once at start (instrumentation.ts in the web server, scripts/worker.ts in
// the worker, scripts/listener.ts in Pulse's listener), so a missing or malformed variable stops the process at boot with its name, rather
// than failing the first request that happens to read it. Each feature keeps its own schema; this
// runs them all and gathers every problem into one message.

export type Role = "web" | "worker" | "listener";
export type Env = Record<string, string | undefined>;

// The web server sends events and, for Inngest Cloud, serves the functions: both need the keys.
// An Inngest dev server (INNGEST_DEV) checks neither.
const inngestWebSchema = z.object({
  INNGEST_DEV: z.string().optional(),
  INNGEST_EVENT_KEY: z.string().optional(),
  INNGEST_SIGNING_KEY: z
    .string()
    .regex(/^signkey-\w+-[0-9a-f]{32,}$/i, "INNGEST_SIGNING_KEY must look like signkey-<env>-<hex>")
    .optional(),
});

function inngestWeb(env: Env): string[] {
  const parsed = inngestWebSchema.safeParse(env);
  const problems = parsed.success ? [] : issueLines(parsed.error);
  if (env.INNGEST_DEV) return problems;
  if (!env.INNGEST_EVENT_KEY) {
    problems.push("INNGEST_EVENT_KEY: is not set (the web server needs it to start jobs)");
  }
  if (!env.INNGEST_SIGNING_KEY) {
    problems.push("INNGEST_SIGNING_KEY: is not set (it signs calls to the functions)");
  }
  return problems;
}

// Test settings that open a hole, refused in production. INNGEST_DEV puts the SDK in dev mode, where it checks no signatures: anyone who can reach a serve
// endpoint could run any function (send any mail, empty anyone's trash). Only "0"/"false" (the
// SDK's spelling of cloud mode) may stay set in production.
function testSettingsInProduction(env: Env): string[] {
  const value = env.INNGEST_DEV?.trim().toLowerCase();
  const problems: string[] = [];
  if (env.NODE_ENV !== "production") return problems;
  if (value && value !== "0" && value !== "false")
    problems.push(
      "INNGEST_DEV: must not be set when NODE_ENV=production (dev mode skips the signature check on every function call)",
    );
  // Lets user-supplied URLs reach loopback (lib/net): for tests and local stand-ins only.
  if (env.PULSE_ALLOW_LOOPBACK_HOSTS)
    problems.push("PULSE_ALLOW_LOOPBACK_HOSTS: must not be set when NODE_ENV=production");
  return problems;
}

// The listener reads trackers and stores cursors in the database, and sends the posts as events.
function listener(env: Env): string[] {
  const database = serverEnvSchema.pick({ DATABASE_URL: true }).safeParse(env);
  const problems = database.success ? [] : issueLines(database.error);
  if (!env.INNGEST_DEV && !env.INNGEST_EVENT_KEY) {
    problems.push("INNGEST_EVENT_KEY: is not set (the listener sends the posts as events)");
  }
  return problems;
}

function issueLines(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

// The feature modules throw "Invalid … environment:\n  NAME: message" lines.
function linesOf(error: unknown): string[] {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split("\n")
    .filter((l) => l.startsWith("  "))
    .map((l) => l.trim());
  return lines.length > 0 ? lines : [message];
}

function attempt(run: () => unknown): string[] {
  try {
    run();
    return [];
  } catch (error) {
    return linesOf(error);
  }
}

/** Every problem with the environment for this role, one "NAME: message" line each. */
export function environmentProblems(role: Role, env: Env = process.env): string[] {
  const problems: string[] = [];
  // The worker's own schema covers DATABASE_URL; it never reads the session secret.
  if (role === "web") {
    const server = serverEnvSchema.safeParse(env);
    if (!server.success) problems.push(...issueLines(server.error));
  }
  problems.push(...attempt(() => parseStorageConfig(env)));
  problems.push(...attempt(() => emailConfig(env as NodeJS.ProcessEnv)));
  problems.push(...attempt(() => emrConfigFromEnv(env)));
  problems.push(...attempt(() => mapReduceConfig(env)));
  // The web server's renders and zips, the worker's tasks.
  if (role !== "listener") problems.push(...attempt(() => userCpuCapCores(env)));
  // The web server encrypts the trackers' tokens and the listener decrypts them; the worker never
  // reads them.
  problems.push(
    ...attempt(() => (role === "worker" ? pulseConfigFromEnv(env) : requirePulseSecret(env))),
  );
  // These two read process.env and cache what they parsed.
  if (env === process.env) {
    problems.push(...attempt(() => driveConfig()));
    problems.push(...attempt(() => imageConfig()));
  }
  problems.push(...testSettingsInProduction(env));
  if (role === "web") problems.push(...inngestWeb(env));
  if (role === "worker") problems.push(...attempt(() => workerConfig(env as NodeJS.ProcessEnv)));
  if (role === "listener") problems.push(...listener(env));
  return [...new Set(problems)];
}

export class EnvironmentError extends Error {
  override name = "EnvironmentError";
}

/** Throws an EnvironmentError naming each missing or wrong variable. */
export function assertEnvironment(role: Role, env: Env = process.env): void {
  const problems = environmentProblems(role, env);
  if (problems.length === 0) return;
  const who =
    role === "web" ? "the web server" : role === "worker" ? "the job worker" : "Pulse's listener";
  throw new EnvironmentError(
    [
      `Stratus cannot start ${who}: ${problems.length === 1 ? "a setting is" : "settings are"} missing or wrong.`,
      ...problems.map((p) => `  ${p}`),
      'Set them in the environment or in .env.local (README, "Environment").',
    ].join("\n"),
  );
}
