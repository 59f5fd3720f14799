// A child process of the responsiveness bench. ROLE=web: a trivial web server; ROLE=worker: the
// heavy job's worker; ROLE=web+worker: both in one process (the job inside the web server).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { startHeavyWorker } from "./heavy";

const env = z
  .object({
    ROLE: z.enum(["web", "worker", "web+worker"]),
    DATABASE_URL: z.string(),
    INNGEST_SIGNING_KEY: z.string(),
    INNGEST_EVENT_KEY: z.string(),
    EVENT_PORT: z.coerce.number().int(),
  })
  .parse(process.env);

let webUrl = "";
if (env.ROLE !== "worker") {
  const server = http.createServer((_req, res) => res.end('{"ok":true}'));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  webUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}
if (env.ROLE !== "web") {
  await startHeavyWorker({
    databaseUrl: env.DATABASE_URL,
    keys: { signingKey: env.INNGEST_SIGNING_KEY, eventKey: env.INNGEST_EVENT_KEY },
    eventPort: env.EVENT_PORT,
  });
}
console.log(`ready ${webUrl}`);
