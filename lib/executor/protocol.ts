import http from "node:http";
import https from "node:https";
import { z } from "zod";
import { canonicalJson } from "./canonical-json";
import { localServeHandler, type ServeAnswer, type ServeHandler } from "./local-api";
import { signatureHeader, verifySignature } from "./signing";

// One call to a serve endpoint in the SDK's execution version 2, and what comes back
// (docs/inngest-protocol.md: the protocol as read from the pinned SDK's source).

export const Op = z.object({
  id: z.string().min(1),
  op: z.string(),
  name: z.string().optional(),
  displayName: z.string().optional(),
  opts: z.record(z.string(), z.unknown()).nullish(),
  data: z.unknown().optional(),
  error: z.unknown().optional(),
});
export type Op = z.infer<typeof Op>;

export type CallResult =
  | { kind: "ops"; ops: Op[]; retryAfter: string | null }
  | { kind: "done"; data: unknown }
  | {
      kind: "error";
      retriable: boolean;
      error: { name: string; message: string; stack?: string };
      retryAfter: string | null;
    };

export type CallInput = {
  url: string;
  stepId: string;
  signingKey: string;
  event: unknown;
  steps: Record<string, unknown>;
  stack: string[];
  runId: string;
  attempt: number;
  maxAttempts: number;
  disableImmediate: boolean;
  /** Aborted when the lease is lost: the result would be discarded anyway. */
  signal: AbortSignal;
  timeoutMs: number;
  /**
   * Lets the SDK run the function's sequential steps one after another in this one call,
   * checkpointing each step's result to the executor (event-server.ts, /v1/checkpoint) before it
   * goes on. `queueItemId` comes back with each checkpoint: the worker holding the run's lease.
   */
  checkpoint?: { fnId: string; queueItemId: string };
};

const ErrorBody = z
  .object({
    name: z.string().optional(),
    message: z.string().optional(),
    error: z.string().optional(),
    stack: z.string().optional(),
  })
  .catchall(z.unknown());

function describe(
  body: unknown,
  fallback: string,
): { name: string; message: string; stack?: string } {
  const parsed = ErrorBody.safeParse(body);
  if (!parsed.success) return { name: "Error", message: fallback };
  return {
    name: parsed.data.name ?? "Error",
    message: parsed.data.message ?? parsed.data.error ?? fallback,
    ...(parsed.data.stack ? { stack: parsed.data.stack } : {}),
  };
}

// One keep-alive pool per process for the calls: a step costs one request on an open connection
// (node:http rather than fetch, whose web streams cost more CPU per call than the call's own
// work). Idle sockets close a second before the server's announced keep-alive timeout.
const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

/**
 * A serve endpoint in this process (local-api.ts): its handler, no socket. An abort stops the
 * wait, not the handler — as over HTTP, where the endpoint goes on after the client hangs up.
 */
async function callLocally(
  handler: ServeHandler,
  url: URL,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
): Promise<ServeAnswer> {
  signal.throwIfAborted();
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([handler({ url, headers, body }), aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

function post(url: URL, headers: Record<string, string>, body: string, signal: AbortSignal) {
  const client = url.protocol === "https:" ? https : http;
  return new Promise<ServeAnswer>((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: "POST",
        agent: agents[url.protocol === "https:" ? "https:" : "http:"],
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const header = (name: string) => {
            const value = res.headers[name];
            return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
          };
          resolve({
            status: res.statusCode ?? 0,
            header,
            text: Buffer.concat(chunks).toString("utf8"),
          });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The call's `ctx`: which run, attempt and step stack the SDK resumes. */
export function callContext(input: CallInput) {
  // ctx.fn_id (with qi_id) switches the SDK to checkpointing, against the client's base URL: the
  // executor's event API when the app's client points there (INNGEST_BASE_URL).
  return {
    run_id: input.runId,
    attempt: input.attempt,
    max_attempts: input.maxAttempts,
    disable_immediate_execution: input.disableImmediate,
    use_api: false,
    stack: { stack: input.stack, current: input.stack.length },
    ...(input.checkpoint
      ? { fn_id: input.checkpoint.fnId, qi_id: input.checkpoint.queueItemId }
      : {}),
  };
}

/** The execution version this executor speaks (docs/inngest-protocol.md). */
export const EXECUTION_VERSION = 2;

/**
 * The request version a call sends. While a run has no memoised steps it sends -1 ("unset: the SDK
 * decides"), as Inngest does for a run's first call; once it has steps, the version their ids were
 * hashed under, EXECUTION_VERSION (callFunction refuses an answer made under any other). Why not
 * always 2: the pinned SDK reads the body's version through a zod union of literals tried in
 * the order -1, 0, 1, 2, so a 2 builds four ZodErrors (each with a stack trace) per call — about
 * 0.2–0.4 ms of the SDK's ~1.5 ms per call (bench:jobs:serve). A no-op run, and a checkpointed
 * run's sequential steps, are one call with no steps.
 */
export function callVersion(steps: Record<string, unknown> | undefined): number {
  if (steps) for (const _ in steps) return EXECUTION_VERSION;
  return -1;
}

/**
 * The signed body of a call: canonicalJson({ ctx, event, events: [event], steps, version }),
 * with the event serialised once and placed twice (its text is most of a Pulse consumer call's
 * bytes: 500 posts; serialising it twice was 8% of the worker's thread at 5,000 posts/s). The keys
 * are written in canonical (sorted) order; protocol.test.ts holds it to canonicalJson.
 */
export function callBody(input: CallInput): string {
  const ctx = callContext(input);
  if (input.event === undefined) {
    return canonicalJson({
      event: input.event,
      events: [input.event],
      steps: input.steps,
      ctx,
      version: callVersion(input.steps),
    });
  }
  const event = canonicalJson(input.event);
  const steps = input.steps === undefined ? "" : `"steps":${canonicalJson(input.steps)},`;
  const version = callVersion(input.steps);
  return `{"ctx":${canonicalJson(ctx)},"event":${event},"events":[${event}],${steps}"version":${version}}`;
}

export async function callFunction(input: CallInput): Promise<CallResult> {
  const url = new URL(input.url);
  url.searchParams.set("stepId", input.stepId);
  const body = callBody(input);
  // A serve endpoint in this process is called without a signature, and its answer is taken
  // unsigned: the signature proves that a request crossed the network from the holder of the
  // key, and an in-process call crosses none — only code of this process can reach the handler
  // (local-api.ts). It was four HMACs a call (two of them the SDK's WebCrypto) and the replay
  // guard's claim in MariaDB. Over HTTP every call is signed and every answer checked as before.
  const local = localServeHandler(url);
  const signal = AbortSignal.any([input.signal, AbortSignal.timeout(input.timeoutMs)]);
  let response: ServeAnswer;
  try {
    response = local
      ? await callLocally(local, url, { "content-type": "application/json" }, body, signal)
      : await post(
          url,
          {
            "content-type": "application/json",
            "x-inngest-signature": signatureHeader(body, input.signingKey),
          },
          body,
          signal,
        );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      kind: "error",
      retriable: true,
      error: { name: "NetworkError", message: `calling ${url.origin}${url.pathname}: ${message}` },
      retryAfter: null,
    };
  }
  const text = response.text;
  // The SDK signs every answer to a signed call. Only a signed answer (or one from this process)
  // can finish a step or a run or stop its retries; anything else (a proxy's 502, a forged reply)
  // is a retriable error.
  const signature = response.header("x-inngest-signature");
  const signed =
    local !== undefined ||
    (signature !== null && verifySignature(signature, text, input.signingKey));
  if (!signed && (signature !== null || response.status === 200 || response.status === 206)) {
    return {
      kind: "error",
      retriable: true,
      error: {
        name: "SignatureError",
        message: signature
          ? "the serve endpoint's response signature does not match the signing key"
          : "the serve endpoint's response is not signed",
      },
      retryAfter: null,
    };
  }
  // The SDK names the version it executed (it decides when the call sent -1). Step ids are hashed
  // per version, so an answer under another one must not be stored: an SDK outside the pin.
  const version = response.header("x-inngest-req-version");
  if (signed && version !== null && version !== String(EXECUTION_VERSION)) {
    return {
      kind: "error",
      retriable: false,
      error: {
        name: "ProtocolError",
        message: `the serve endpoint executed version ${version}; the local executor speaks version ${EXECUTION_VERSION} only (is the inngest package the pinned one?)`,
      },
      retryAfter: null,
    };
  }
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  const retryAfter = response.header("retry-after");
  if (response.status === 200) return { kind: "done", data: json };
  if (response.status === 206) {
    const ops = z.array(Op).safeParse(json);
    if (ops.success) return { kind: "ops", ops: ops.data, retryAfter };
    return {
      kind: "error",
      retriable: true,
      error: { name: "ProtocolError", message: `unreadable 206 response: ${ops.error.message}` },
      retryAfter: null,
    };
  }
  if (response.status === 401) {
    return {
      kind: "error",
      retriable: true,
      error: {
        name: "SignatureError",
        message:
          "the serve endpoint rejected the request signature: INNGEST_SIGNING_KEY differs between the worker and the app",
      },
      retryAfter: null,
    };
  }
  const noRetry = signed && response.header("x-inngest-no-retry") === "true";
  return {
    kind: "error",
    retriable: !noRetry,
    error: describe(json, `HTTP ${response.status}`),
    retryAfter,
  };
}

/** retry-after as Inngest sends it: seconds, an HTTP date or an ISO time. Null if unreadable. */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
