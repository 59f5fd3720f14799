import { AsyncResource } from "node:async_hooks";

// The executor's event API inside the worker process, without a socket. In the worker the SDK and
// the executor share one process, yet each of a run's checkpoints (POST /v1/checkpoint/<run>/async
// after every step) and each event a function sends went through undici's fetch on one side and
// node:http with a body parse on the other. `localFetch` is the `fetch` the Inngest client is
// given (the SDK's documented extension point): a request for the origin of an executor running in
// this process goes straight to that event API's handler (event-server.ts, `answer`), everything
// else to globalThis.fetch. The handler is the same one the HTTP server runs: the same event key
// and bearer checks, the same statement stored before the answer.

/** A request to the event API, whatever carried it. */
export type ApiRequest = {
  method: string;
  url: URL;
  authorization: string;
  /** The body as text; null when it is larger than `maxBytes`. */
  body: (maxBytes: number) => Promise<string | null>;
};
export type ApiAnswer = { status: number; body: unknown };
export type ApiHandler = (request: ApiRequest) => Promise<ApiAnswer>;

const handlers = new Map<string, ApiHandler>();

/**
 * `handler` run in the async context of the code that served it, not of its caller: as a request
 * over HTTP starts in its server's context. Otherwise what a handler starts (a run the event API
 * hands to a free slot, a function the SDK executes) would carry the caller's AsyncLocalStorage
 * stores — the sending step's SDK execution context and request id — into unrelated work.
 */
function inServingContext<A, R>(handler: (arg: A) => R): (arg: A) => R {
  const scope = new AsyncResource("stratus-local-api");
  return (arg) => scope.runInAsyncScope(handler, null, arg);
}

/**
 * The origins a listening address is reached at from this process: the address itself, and
 * loopback's usual names (INNGEST_BASE_URL is http://127.0.0.1:<port> as scripts/lib.sh writes it).
 */
export function localOrigins(address: string, port: number): string[] {
  const host = address.includes(":") ? `[${address}]` : address;
  const origins = [`http://${host}:${port}`];
  const loopback = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
  if (["0.0.0.0", "::", "127.0.0.1", "::1"].includes(address)) origins.push(...loopback);
  return [...new Set(origins)];
}

/** Serves `origins` to this process's localFetch; the returned function takes them back. */
export function serveLocally(origins: string[], handler: ApiHandler): () => void {
  // As URL.origin writes them (a default port is left out), which is what requests are matched by.
  const normalised = origins.map((origin) => new URL(origin).origin);
  const scoped = inServingContext(handler);
  for (const origin of normalised) handlers.set(origin, scoped);
  return () => {
    for (const origin of normalised) if (handlers.get(origin) === scoped) handlers.delete(origin);
  };
}

function urlOf(input: RequestInfo | URL): string {
  if (typeof input === "string") return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

async function answerLocally(
  handler: ApiHandler,
  input: RequestInfo | URL,
  init: RequestInit | undefined,
): Promise<Response> {
  init?.signal?.throwIfAborted();
  let request: ApiRequest;
  if (!(input instanceof Request) && (typeof init?.body === "string" || init?.body == null)) {
    // What the SDK sends: a URL, a plain init, a string body. No Request, no stream.
    const text = init?.body ?? "";
    request = {
      method: (init?.method ?? "GET").toUpperCase(),
      url: new URL(urlOf(input)),
      authorization: new Headers(init?.headers).get("authorization") ?? "",
      body: (max) => Promise.resolve(Buffer.byteLength(text) > max ? null : text),
    };
  } else {
    const req = new Request(input, init);
    request = {
      method: req.method,
      url: new URL(req.url),
      authorization: req.headers.get("authorization") ?? "",
      body: async (max) => {
        const text = await req.text();
        return Buffer.byteLength(text) > max ? null : text;
      },
    };
  }
  const { status, body } = await handler(request);
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** fetch, with the event API of an executor in this process answered in process. */
export function localFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  if (handlers.size > 0) {
    let origin: string | undefined;
    try {
      origin = new URL(urlOf(input)).origin;
    } catch {
      // not a URL: fetch says why
    }
    const handler = origin === undefined ? undefined : handlers.get(origin);
    if (handler) return answerLocally(handler, input, init);
  }
  return globalThis.fetch(input, init);
}

// The other direction: the executor's calls to a serve endpoint in this process (the worker's,
// inngest/worker-endpoint.ts) go straight to its handler, without a socket and without a
// signature: only code of this process can reach a handler registered here, so neither side
// signs nor verifies, and no replay can be claimed (protocol.ts, worker-endpoint.ts). protocol.ts
// looks here before it opens a request; a serve URL not served in process (another process,
// another machine, an external Inngest's target) is called over HTTP, signed, as before.

/** A call to a serve endpoint as protocol.ts makes it; header names in lower case. */
export type ServeCall = { url: URL; headers: Record<string, string>; body: string };
export type ServeAnswer = {
  status: number;
  header: (name: string) => string | null;
  text: string;
};
export type ServeHandler = (call: ServeCall) => Promise<ServeAnswer>;

const serveHandlers = new Map<string, ServeHandler>();
const serveKey = (url: URL) => `${url.origin}${url.pathname}`;

/** Serves the serve endpoint at `url` (origin and path) to this process's executors. */
export function serveFunctionsLocally(url: string, handler: ServeHandler): () => void {
  const key = serveKey(new URL(url));
  const scoped = inServingContext(handler);
  serveHandlers.set(key, scoped);
  return () => {
    if (serveHandlers.get(key) === scoped) serveHandlers.delete(key);
  };
}

/** The handler of a serve endpoint in this process at `url`, if there is one. */
export function localServeHandler(url: URL): ServeHandler | undefined {
  return serveHandlers.size === 0 ? undefined : serveHandlers.get(serveKey(url));
}
