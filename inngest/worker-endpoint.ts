import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { InngestCommHandler } from "inngest";
import { serve } from "inngest/node";
import { inngest } from "@/lib/events/client";
import {
  serveFunctionsLocally,
  type ServeAnswer,
  type ServeCall,
  type ServeHandler,
} from "@/lib/executor/local-api";
import { claimSignedRequest, REPLAYED_MESSAGE, servingKeys } from "@/lib/executor/replay-guard";
import { SERVE_PATH, serveOptions } from "./serve-options";
import { workerFunctions } from "./worker-functions";

export { SERVE_PATH };

// The worker's own serve endpoint: the functions of /api/inngest plus the worker-only ones, in the
// worker process, so heavy steps never run inside the web server. Its origin is the address it
// listens on (INNGEST_SERVE_ORIGIN when an external Inngest reaches it under another name), never
// the request's Host header.
// `served` is for bench:jobs, which serves its own functions exactly as the worker serves these.
export async function startWorkerEndpoint(
  host: string,
  port: number,
  served: Pick<Parameters<typeof serve>[0], "client" | "functions"> = {
    client: inngest,
    functions: workerFunctions,
  },
  /**
   * Also serve the local executor of this process without a socket (local-api.ts): its calls
   * take the same guard and the same SDK checks. false: over HTTP only (bench:jobs' baseline).
   */
  { inProcess = true }: { inProcess?: boolean } = {},
) {
  // The request listener is attached once the address (and so the origin) is known.
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const { address, port: actual } = server.address() as AddressInfo;
  const origin = `http://${address.includes(":") ? `[${address}]` : address}:${actual}`;
  const handler = serve({ ...served, ...serveOptions(origin) });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!req.url?.startsWith(SERVE_PATH)) {
      res.writeHead(404).end();
      return;
    }
    void guarded(handler, req, res);
  });
  const url = `${origin}${SERVE_PATH}`;
  const unserve = inProcess
    ? serveFunctionsLocally(url, inProcessHandler(served, origin))
    : () => {};
  return {
    url,
    server,
    close: () => {
      unserve();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The SDK's serve handler on a call handed over in process (the SDK's documented way to serve
 * another framework, as its node and edge adapters do). No signature and no replay guard here:
 * a signature proves that a request crossed the network from the key's holder, and only code of
 * this process reaches this handler (local-api.ts; protocol.ts calls it unsigned and takes its
 * unsigned answer). They cost four HMACs and a claim in MariaDB a call. The HTTP path above keeps
 * both: the guard, and the SDK's check of every call and signature on every answer.
 */
function inProcessHandler(
  served: Pick<Parameters<typeof serve>[0], "client" | "functions">,
  origin: string,
): ServeHandler {
  const sdk = new InngestCommHandler({
    frameworkName: "nodejs",
    ...served,
    ...serveOptions(origin),
    skipSignatureValidation: true,
    handler: (call: ServeCall) => ({
      body: () => call.body,
      headers: (key: string) => call.headers[key.toLowerCase()] ?? null,
      method: () => "POST",
      url: () => call.url,
      transformResponse: (answer: {
        status: number;
        headers: Record<string, string>;
        body: string;
      }) => answered(answer.status, answer.headers, answer.body),
      transformStreamingResponse: async (answer: {
        status: number;
        headers: Record<string, string>;
        body: ReadableStream<Uint8Array>;
      }) => answered(answer.status, answer.headers, await new Response(answer.body).text()),
    }),
  }).createHandler();
  return async (call) => (await sdk(call)) as ServeAnswer;
}

function answered(status: number, headers: Record<string, string>, text: string): ServeAnswer {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status, header: (name) => lower.get(name.toLowerCase()) ?? null, text };
}

// Larger than any call's steps state; a body past this is refused before it fills memory.
const MAX_BODY_BYTES = 64 * 1024 * 1024;

// Reads the body to check the signature once (lib/executor/replay-guard.ts), then hands the SDK
// the same request with the body replayed.
async function guarded(
  handler: ReturnType<typeof serve>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        req.destroy();
        return;
      }
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    const header = req.headers["x-inngest-signature"];
    const verdict = await claimSignedRequest(
      Array.isArray(header) ? header[0] : header,
      body.toString("utf8"),
      servingKeys(),
      new URL(req.url ?? "/", "http://worker"),
    );
    if (verdict === "replayed") {
      res
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify({ message: REPLAYED_MESSAGE }));
      return;
    }
    const replay = Object.assign(Readable.from(body.length > 0 ? [body] : []), {
      headers: req.headers,
      method: req.method,
      url: req.url,
      socket: req.socket,
    });
    await handler(replay as unknown as http.IncomingMessage, res);
  } catch (error) {
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy(error as Error);
  }
}
