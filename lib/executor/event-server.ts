import http from "node:http";
import { z } from "zod";
import { transaction, type Db } from "./db";
import { cancelRun, IncomingEvent, ingestEvents, type Handoff } from "./lifecycle";
import { Op } from "./protocol";
import type { ApiAnswer, ApiHandler, ApiRequest } from "./local-api";
import { hashedSigningKey, sameSecret } from "./signing";
import { completeLeasedStep } from "./store";

// The Inngest event API as `inngest.send()` calls it (POST /e/<event key>, an event or an array,
// answered with { ids, status }), the SDK's checkpoints, and the executor's own run cancellation
// endpoint. Listens on loopback only: the event key is the only credential, as with Inngest's own
// API. The same handler answers over HTTP and, in the worker's own process, without a socket
// (local-api.ts): one place for every check.

const MAX_BODY_BYTES = 3 * 1024 * 1024;
const EventBatch = z.array(IncomingEvent).max(5000);

export type EventServerOptions = {
  db: Db;
  eventKey: string;
  signingKey: string;
  /** Called after events created queued runs, to claim them without waiting for the next poll. */
  onEvents: () => void;
  /** The worker's offer to start new runs itself (lifecycle.ts, Handoff), one per transaction. */
  handoff?: () => Handoff & { reset: () => void; settle: (committed: boolean) => void };
  log: (line: string) => void;
};

// Events from requests that arrive while a transaction is committing are stored together in the
// next one: one commit (one log flush) for many requests under load, none of them waiting longer
// than the commit before.
const MAX_EVENTS_PER_COMMIT = 5000;

// What the SDK posts after each step it ran inline in a checkpointing call (protocol.ts):
// qi_id is what the executor sent as the call's queue item, the worker holding the run's lease.
const CheckpointBody = z.object({
  qi_id: z.string().min(1),
  steps: z.array(Op).min(1).max(1000),
});

type Waiting = {
  events: IncomingEvent[];
  resolve: (ids: string[]) => void;
  reject: (error: unknown) => void;
};

function ingester(options: EventServerOptions): (events: IncomingEvent[]) => Promise<string[]> {
  const queue: Waiting[] = [];
  let flushing = false;

  const store = async (events: IncomingEvent[]): Promise<string[]> => {
    const handoff = options.handoff?.();
    let ids: string[];
    try {
      ids = await transaction(options.db, (tx) => {
        // A deadlock retries the whole transaction: whatever the last attempt took is void.
        handoff?.reset();
        return ingestEvents(tx, events, Date.now(), handoff);
      });
    } catch (error) {
      handoff?.settle(false);
      throw error;
    }
    handoff?.settle(true);
    if (!handoff || handoff.queued > 0) options.onEvents();
    return ids;
  };

  const flush = async () => {
    flushing = true;
    while (queue.length > 0) {
      const batch: Waiting[] = [];
      let size = 0;
      while (
        queue.length > 0 &&
        (batch.length === 0 || size + queue[0]!.events.length <= MAX_EVENTS_PER_COMMIT)
      ) {
        const next = queue.shift()!;
        size += next.events.length;
        batch.push(next);
      }
      try {
        const ids = await store(batch.flatMap((w) => w.events));
        let at = 0;
        for (const w of batch) {
          w.resolve(ids.slice(at, at + w.events.length));
          at += w.events.length;
        }
      } catch (error) {
        if (batch.length === 1) {
          batch[0]!.reject(error);
          continue;
        }
        // One request's failure is its own: the others are stored one by one.
        for (const w of batch) await store(w.events).then(w.resolve, w.reject);
      }
    }
    flushing = false;
  };

  return (events) =>
    new Promise<string[]>((resolve, reject) => {
      queue.push({ events, resolve, reject });
      if (!flushing) void flush();
    });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: http.IncomingMessage, maxBytes: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export type EventApi = {
  /** The event API over HTTP (loopback). */
  server: http.Server;
  /** The same API without a socket, for localFetch (local-api.ts) in this process. */
  answer: ApiHandler;
};

export function createEventServer(options: EventServerOptions): EventApi {
  const ingest = ingester(options);
  const checkpointAuth = `Bearer ${hashedSigningKey(options.signingKey)}`;
  const answer: ApiHandler = (request) =>
    handle(options, checkpointAuth, ingest, request).catch((error: unknown) => {
      options.log(`event API error: ${error instanceof Error ? error.message : String(error)}`);
      return { status: 500, body: { status: 500, error: "internal error" } };
    });
  const server = http.createServer((req, res) => {
    const auth = req.headers.authorization;
    void answer({
      method: req.method ?? "GET",
      url: new URL(req.url ?? "/", "http://localhost"),
      authorization: Array.isArray(auth) ? (auth[0] ?? "") : (auth ?? ""),
      body: (maxBytes) => readBody(req, maxBytes),
    }).then(
      ({ status, body }) => send(res, status, body),
      () => res.destroy(),
    );
  });
  return { server, answer };
}

async function handle(
  options: EventServerOptions,
  /** The bearer token of the SDK's checkpoints (the signing key, hashed as the SDK does). */
  checkpointAuth: string,
  ingest: (events: IncomingEvent[]) => Promise<string[]>,
  req: ApiRequest,
): Promise<ApiAnswer> {
  const reply = (status: number, body: unknown): ApiAnswer => ({ status, body });
  const { pathname } = req.url;
  if (req.method === "GET" && pathname === "/health") return reply(200, { status: "ok" });

  const eventPath = /^\/e\/([^/]+)\/?$/.exec(pathname);
  if (eventPath && req.method === "POST") {
    if (!sameSecret(decodeURIComponent(eventPath[1] ?? ""), options.eventKey)) {
      return reply(401, { status: 401, error: "Event key not found" });
    }
    const text = await req.body(MAX_BODY_BYTES);
    if (text === null)
      return reply(413, { status: 413, error: "request body is larger than 3 MiB" });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return reply(400, { status: 400, error: "body is not JSON" });
    }
    // One schema at a time: a union's error would only say "invalid input".
    const parsed = Array.isArray(json) ? EventBatch.safeParse(json) : IncomingEvent.safeParse(json);
    if (!parsed.success) return reply(400, { status: 400, error: z.prettifyError(parsed.error) });
    const events = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
    const reserved = events.find((e) => e.name.startsWith("inngest/"));
    if (reserved)
      return reply(400, {
        status: 400,
        error: `event name "${reserved.name}" is reserved for Inngest`,
      });
    const ids = await ingest(events);
    return reply(200, { ids, status: 200 });
  }

  const checkpointPath = /^\/v1\/checkpoint\/([0-9A-Z]{26})\/async$/.exec(pathname);
  if (checkpointPath && req.method === "POST") {
    if (!sameSecret(req.authorization, checkpointAuth))
      return reply(401, { error: "unauthorized" });
    const text = await req.body(MAX_BODY_BYTES);
    let json: unknown = null;
    try {
      json = text === null ? null : JSON.parse(text);
    } catch {
      // answered below
    }
    const parsed = CheckpointBody.safeParse(json);
    if (!parsed.success) return reply(400, { error: "unreadable checkpoint" });
    const runId = checkpointPath[1] ?? "";
    // Each step's result is stored (one statement, under the run's row lock) only while the run
    // is running and leased to the worker that made the call; 409 tells the SDK to stop (its
    // dispatch is stale: the run was cancelled or its lease lost). Anything but a step's result
    // is refused: after its retries the SDK falls back to answering the call with the ops.
    for (const op of parsed.data.steps) {
      if (op.op !== "StepRun" && op.op !== "Step" && op.op !== "StepFailed")
        return reply(400, { error: `cannot checkpoint a ${op.op}` });
      const step = { id: op.id, op: op.op, name: op.displayName ?? op.name ?? op.id };
      const result =
        op.op === "StepFailed" ? { error: op.error ?? null } : { data: op.data ?? null };
      const stored = await completeLeasedStep(
        options.db,
        runId,
        parsed.data.qi_id,
        step,
        result,
        Date.now(),
      );
      if (stored === null) return reply(409, { error: "the run is not leased to this call" });
    }
    return reply(200, { status: 200 });
  }

  const cancelPath = /^\/v1\/runs\/([0-9A-Z]{26})\/cancel$/.exec(pathname);
  if (cancelPath && req.method === "POST") {
    if (!sameSecret(req.authorization, `Bearer ${options.signingKey}`))
      return reply(401, { error: "unauthorized" });
    const runId = cancelPath[1] ?? "";
    const cancelled = await transaction(options.db, (tx) =>
      cancelRun(tx, runId, "cancelled through the API", Date.now()),
    );
    return reply(cancelled ? 200 : 404, { cancelled });
  }
  return reply(404, { error: "not found" });
}
