import http from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "inngest/node";
import { inngest } from "@/lib/events/client";
import { workerFunctions } from "./worker-functions";

export const SERVE_PATH = "/api/inngest";

// The worker's own serve endpoint: the functions of /api/inngest plus the worker-only ones, in the
// worker process, so heavy steps never run inside the web server.
export async function startWorkerEndpoint(host: string, port: number) {
  const handler = serve({ client: inngest, functions: workerFunctions, servePath: SERVE_PATH });
  const server = http.createServer((req, res) => {
    if (!req.url?.startsWith(SERVE_PATH)) {
      res.writeHead(404).end();
      return;
    }
    void handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const { address, port: actual } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(":") ? `[${address}]` : address}:${actual}${SERVE_PATH}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
