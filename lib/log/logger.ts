import { hostname } from "node:os";
import { contextRequestId } from "./context";
import { isRequestId, REQUEST_ID_HEADER } from "./request-id";

// Structured logs: one JSON object per line on stdout (stderr for errors), with the request id of
// the work in progress, so `grep <id>` over the app servers', nginx's and the worker's logs follows
// one request into the jobs it started. Log collectors (Docker, Kubernetes, Vercel) read stdout.

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const instance = process.env.STRATUS_INSTANCE || hostname();

function minimumLevel(): number {
  const wanted = process.env.LOG_LEVEL as LogLevel | undefined;
  return LEVELS[wanted ?? "info"] ?? LEVELS.info;
}

export function serializeError(error: unknown): LogFields {
  if (!(error instanceof Error)) return { message: String(error) };
  const cause = error.cause === undefined ? undefined : serializeError(error.cause);
  return { name: error.name, message: error.message, stack: error.stack, ...(cause && { cause }) };
}

// Errors become plain objects (JSON.stringify drops their message and stack); bigints, strings.
function encode(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[key] = value instanceof Error ? serializeError(value) : value;
  }
  return out;
}

export function formatLine(
  level: LogLevel,
  msg: string,
  fields: LogFields = {},
  time = new Date(),
): string {
  const line = { time: time.toISOString(), level, msg, instance, ...encode(fields) };
  return JSON.stringify(line, (_key, value: unknown) =>
    typeof value === "bigint" ? value.toString() : value,
  );
}

function write(level: LogLevel, msg: string, fields: LogFields, time = new Date()): void {
  const line = formatLine(level, msg, fields, time);
  if (level === "error" || level === "warn") process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}

// In the web server the id is in the request's headers (proxy.ts put it there), which Next only
// hands out asynchronously. Loaded lazily: the worker and scripts never need Next.
async function headerRequestId(): Promise<string | undefined> {
  // Only Next sets NEXT_RUNTIME: the worker and scripts write their lines at once.
  if (!process.env.NEXT_RUNTIME) return undefined;
  try {
    const { headers } = await import("next/headers");
    const value = (await headers()).get(REQUEST_ID_HEADER);
    return isRequestId(value) ? value : undefined;
  } catch {
    return undefined; // outside a request: boot, the worker, a script
  }
}

/** The request id of the work in progress: a function run's, else the HTTP request's. */
export async function currentRequestId(): Promise<string | undefined> {
  return contextRequestId() ?? (await headerRequestId());
}

function emit(level: LogLevel, msg: string, fields: LogFields = {}): void {
  if (LEVELS[level] < minimumLevel()) return;
  if (fields.requestId !== undefined) return write(level, msg, fields);
  const fromContext = contextRequestId();
  if (fromContext) return write(level, msg, { requestId: fromContext, ...fields });
  if (!process.env.NEXT_RUNTIME) return write(level, msg, fields);
  // Asynchronous only in the web server; the line keeps the time it was logged at.
  const time = new Date();
  void headerRequestId().then((requestId) => write(level, msg, { requestId, ...fields }, time));
}

export const logger = {
  debug: (msg: string, fields?: LogFields) => emit("debug", msg, fields),
  info: (msg: string, fields?: LogFields) => emit("info", msg, fields),
  warn: (msg: string, fields?: LogFields) => emit("warn", msg, fields),
  error: (msg: string, fields?: LogFields) => emit("error", msg, fields),
};
