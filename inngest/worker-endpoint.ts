import http from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "inngest/node";
import { inngest } from "./client";
import { SERVE_PATH, serveOptions } from "./serve-options";
import { workerFunctions } from "./worker-functions";

export { SERVE_PATH };

// The worker's own serve endpoint: the functions of /api/inngest plus the worker-only ones, in the
// worker process, so heavy steps never run inside the web server. Its origin is the address it
// listens on (INNGEST_SERVE_ORIGIN when an external Inngest reaches it under another name), never
// the request's Host header.
export async function startWorkerEndpoint(host: string, port: number) {
  // The request listener is attached once the address (and so the origin) is known.
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const { address, port: actual } = server.address() as AddressInfo;
  const origin = `http://${address.includes(":") ? `[${address}]` : address}:${actual}`;
  const handler = serve({ client: inngest, functions: workerFunctions, ...serveOptions(origin) });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!req.url?.startsWith(SERVE_PATH)) {
      res.writeHead(404).end();
      return;
    }
    void handler(req, res);
  });
  return {
    url: `${origin}${SERVE_PATH}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
