// npm run bench:jobs:serve — where one signed call to a serve endpoint spends its CPU (issue 19's
// "SDK floor"), split into its parts and measured in this one process, the sides interleaved
// round by round so that the shared machine's load lands on all of them alike:
//
//   client            the executor's side alone: build and sign the body, verify and parse a
//                     canned answer (lib/executor/protocol.ts), no HTTP, no SDK
//   SDK in process    + the SDK's serve handler (inngest/edge) on a Request object, no HTTP
//   + middleware      the same with the app client's RequestIdMiddleware and structured logger
//   version 2         the same body with "version": 2 instead of -1 (protocol.ts, callVersion)
//   HTTP, canned      + node:http both ways (keep-alive agent, server answering a signed "null")
//   HTTP + SDK        + the SDK behind inngest/node: what bench:jobs calls its SDK floor
//   worker endpoint   scripts/worker.ts's endpoint (inngest/worker-endpoint.ts): the replay guard
//                     (one INSERT into SeenSignature) and the app's client, its send-email function;
//                     over HTTP, and "in process" as the worker's own executor calls it (no socket,
//                     lib/executor/local-api.ts)
//   Next route        app/api/inngest in an in-process `next start` (the build in NEXT_DIST_DIR):
//                     "404" with the local executor (Next's routing and our route wrapper only),
//                     "send-email" with INNGEST_EXECUTOR=external (the same call as the worker's)
//
// The send-email calls are first calls with disable_immediate_execution: the SDK runs the
// function to its first step and answers 206 with the step planned; nothing is sent.
// Every side reports CPU µs per call (this process's user + system time; servers and clients are
// all in it) and calls/s at the same concurrency; "× floor" divides by the HTTP + SDK side.
// BENCH_SERVE_NEXT=0 skips the Next sides (they need `next build` first).
import { existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { z } from "zod";

if (existsSync(".env.local")) process.loadEnvFile(".env.local");
const env = z
  .object({
    BENCH_SERVE_CALLS: z.coerce.number().int().min(10).default(300),
    BENCH_SERVE_ROUNDS: z.coerce.number().int().min(1).default(7),
    BENCH_SERVE_CONCURRENCY: z.coerce.number().int().min(1).default(8),
    BENCH_SERVE_NEXT: z.enum(["0", "1"]).default("1"),
    // Only the sides whose name contains this (for a profile: --cpu-prof on one side).
    BENCH_SERVE_ONLY: z.string().default(""),
    NEXT_DIST_DIR: z.string().default(".next"),
    TEST_DATABASE_URL: z.string().optional(),
    INNGEST_SIGNING_KEY: z.string().min(1),
  })
  .parse(process.env);
// The replay guard's SeenSignature table: the test database, as the other job benches.
if (env.TEST_DATABASE_URL) process.env.DATABASE_URL = env.TEST_DATABASE_URL;
// As scripts/worker.ts: the SDK reads a plain snapshot of the environment.
process.env = { ...process.env };
const signingKey = env.INNGEST_SIGNING_KEY;

// Log lines (the app client's middleware logs each run) go to /dev/null; the report to stdout.
const report = process.stdout.write.bind(process.stdout);
const { createWriteStream } = await import("node:fs");
const sink = createWriteStream("/dev/null");
process.stdout.write = ((chunk: string | Uint8Array) =>
  sink.write(chunk)) as typeof process.stdout.write;

const { Inngest } = await import("inngest");
const { serve: serveEdge } = await import("inngest/edge");
const { serve: serveNode } = await import("inngest/node");
const { callBody, callFunction } = await import("@/lib/executor/protocol");
const { signatureHeader, verifySignature } = await import("@/lib/executor/signing");
const { RequestIdMiddleware } = await import("@/lib/log/inngest-middleware");
const { startWorkerEndpoint } = await import("@/inngest/worker-endpoint");

type CallInput = Parameters<typeof callFunction>[0];

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const bare = new Inngest({ id: "floor", isDev: false, signingKey, logger: silent });
const withMiddleware = new Inngest({
  id: "floor",
  isDev: false,
  signingKey,
  middleware: [RequestIdMiddleware],
});
const noop = (client: typeof bare) =>
  client.createFunction({ id: "noop", triggers: [{ event: "bench/noop" }] }, async () => null);

let seq = 0;
const input = (url: string, event: unknown, disableImmediate = false): CallInput => {
  seq++;
  return {
    url,
    stepId: "step",
    signingKey,
    event,
    steps: {},
    stack: [],
    runId: `01FLOOR${process.pid}${seq}`,
    attempt: 0,
    maxAttempts: 1,
    disableImmediate,
    signal: new AbortController().signal,
    timeoutMs: 60_000,
  };
};
const noopEvent = () => ({
  name: "bench/noop",
  data: { requestId: "req_0123456789abcdef" },
  id: `e${seq}`,
  ts: Date.now(),
});
const mailEvent = () => ({
  name: "stratus/email.send",
  data: { to: "floor@example.com", subject: "floor", text: "floor", purpose: "account" },
  id: `e${seq}`,
  ts: Date.now(),
});

async function listen(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

// --- the sides --------------------------------------------------------------------------------

type Side = { name: string; call: () => Promise<void> };
const floorName = "HTTP + SDK (bench:jobs' floor)";
const sides: Side[] = [];
const expect = (result: Awaited<ReturnType<typeof callFunction>>, kind: string) => {
  if (result.kind !== kind) throw new Error(`expected ${kind}: ${JSON.stringify(result)}`);
};

// The client's side with the SDK's answer to a no-op call, as it comes over the wire.
const cannedAnswer = "null";
sides.push({
  name: "client (body, sign, verify, parse)",
  call: async () => {
    const body = callBody(input("http://x/api/inngest?fnId=floor-noop", noopEvent()));
    signatureHeader(body, signingKey);
    const answer = signatureHeader(cannedAnswer, signingKey);
    if (!verifySignature(answer, cannedAnswer, signingKey)) throw new Error("canned signature");
    JSON.parse(cannedAnswer);
  },
});

// The SDK's handler on a Request: the body, headers and URL the executor would send.
// `version` overrides the body's (callVersion: -1 on a call without steps, as every call here).
function inProcess(name: string, client: typeof bare, version?: number) {
  const handler = serveEdge({ client, functions: [noop(client)] }) as (
    req: Request,
  ) => Promise<Response>;
  sides.push({
    name,
    call: async () => {
      const call = input("http://127.0.0.1:1/api/inngest?fnId=floor-noop", noopEvent());
      const url = new URL(call.url);
      url.searchParams.set("stepId", call.stepId);
      const sent = callBody(call);
      const body =
        version === undefined ? sent : sent.replace(/"version":-?\d+}$/, `"version":${version}}`);
      const response = await handler(
        new Request(url, {
          method: "POST",
          headers: {
            // The edge adapter builds the URL from the Host header, as behind a proxy.
            host: url.host,
            "content-type": "application/json",
            "x-inngest-signature": signatureHeader(body, signingKey),
          },
          body,
        }),
      );
      const text = await response.text();
      const signature = response.headers.get("x-inngest-signature");
      if (response.status !== 200 || !signature || !verifySignature(signature, text, signingKey))
        throw new Error(`in-process call: ${response.status} ${text}`);
      JSON.parse(text);
    },
  });
}
inProcess("SDK in process (inngest/edge)", bare);
inProcess("SDK in process + our middleware", withMiddleware);
inProcess("SDK in process, version 2", bare, 2);

const canned = await listen((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, {
      "content-type": "application/json",
      "x-inngest-signature": signatureHeader(cannedAnswer, signingKey),
    });
    res.end(cannedAnswer);
  });
});
sides.push({
  name: "HTTP, canned answer (no SDK)",
  call: async () =>
    expect(
      await callFunction(input(`${canned.origin}/api/inngest?fnId=floor-noop`, noopEvent())),
      "done",
    ),
});

const sdk = await listen(serveNode({ client: bare, functions: [noop(bare)] }));
sides.push({
  name: floorName,
  call: async () =>
    expect(
      await callFunction(input(`${sdk.origin}/api/inngest?fnId=floor-noop`, noopEvent())),
      "done",
    ),
});

// The worker's function and client without the worker endpoint's replay guard.
const { inngest: appClient } = await import("@/lib/events/client");
const { sendEmail } = await import("@/inngest/functions/send-email");
const unguarded = await listen(serveNode({ client: appClient, functions: [sendEmail] }));
sides.push({
  name: "HTTP + SDK, send-email, no guard",
  call: async () =>
    expect(
      await callFunction(
        input(`${unguarded.origin}/api/inngest?fnId=stratus-send-email`, mailEvent(), true),
      ),
      "ops",
    ),
});

// Over HTTP, as an executor in another process calls it.
const worker = await startWorkerEndpoint("127.0.0.1", 0, undefined, { inProcess: false });
sides.push({
  name: "worker endpoint, send-email",
  call: async () =>
    expect(
      await callFunction(input(`${worker.url}?fnId=stratus-send-email`, mailEvent(), true)),
      "ops",
    ),
});
// The same endpoint as the executor of its own process calls it (lib/executor/local-api.ts).
const inProcessWorker = await startWorkerEndpoint("127.0.0.1", 0);
sides.push({
  name: "worker endpoint in process, send-email",
  call: async () =>
    expect(
      await callFunction(
        input(`${inProcessWorker.url}?fnId=stratus-send-email`, mailEvent(), true),
      ),
      "ops",
    ),
});

let next: { origin: string; close: () => void } | undefined;
if (env.BENCH_SERVE_NEXT === "1") {
  if (!existsSync(`${env.NEXT_DIST_DIR}/BUILD_ID`))
    throw new Error(`no Next build in ${env.NEXT_DIST_DIR}: run next build, or BENCH_SERVE_NEXT=0`);
  // proxy.ts limits each address to 50 requests/s (200 burst) by default: not what is measured.
  process.env.STRATUS_LIMIT_REQUESTS_PER_SECOND = "1000000";
  process.env.STRATUS_LIMIT_REQUEST_BURST = "1000000";
  process.env.STRATUS_LIMIT_ADDRESS_REQUESTS_PER_SECOND = "1000000";
  process.env.STRATUS_LIMIT_ADDRESS_REQUEST_BURST = "1000000";
  const { default: createNext } = await import("next");
  const app = createNext({ dev: false, dir: process.cwd() });
  await app.prepare();
  const handle = app.getRequestHandler();
  const served = await listen((req, res) => void handle(req, res));
  next = { origin: served.origin, close: () => served.server.close() };
  const origin = served.origin;
  sides.push({
    name: "Next route, 404 (local executor)",
    call: async () => {
      delete process.env.INNGEST_EXECUTOR;
      const result = await callFunction(
        input(`${origin}/api/inngest?fnId=floor-noop`, noopEvent()),
      );
      if (result.kind !== "error" || !result.error.message.includes("404"))
        throw new Error(`expected 404: ${JSON.stringify(result)}`);
    },
  });
  sides.push({
    name: "Next route, send-email",
    call: async () => {
      process.env.INNGEST_EXECUTOR = "external";
      expect(
        await callFunction(
          input(`${origin}/api/inngest?fnId=stratus-send-email`, mailEvent(), true),
        ),
        "ops",
      );
    },
  });
}

// --- measuring --------------------------------------------------------------------------------

const cpuUs = () => {
  const cpu = process.cpuUsage();
  return cpu.user + cpu.system;
};

async function batch(side: Side, calls: number, concurrency: number) {
  let left = calls;
  const cpu = cpuUs();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left > 0) {
        left--;
        await side.call();
      }
    }),
  );
  return { cpuUs: (cpuUs() - cpu) / calls, ms: (performance.now() - started) / calls };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

const measured = sides.filter((s) => s.name.includes(env.BENCH_SERVE_ONLY) || s.name === floorName);
const loadBefore = os.loadavg();
// Warm-up: JIT, connections, Next's route compilation and module loading.
for (const side of measured) await batch(side, 50, env.BENCH_SERVE_CONCURRENCY);
const samples = new Map(measured.map((s) => [s.name, { cpu: [] as number[], ms: [] as number[] }]));
for (let round = 0; round < env.BENCH_SERVE_ROUNDS; round++) {
  // Each round in another order: no side always follows the same one.
  const order = measured.map((_, i) => measured[(i + round) % measured.length]!);
  for (const side of order) {
    const { cpuUs: cpu, ms } = await batch(
      side,
      env.BENCH_SERVE_CALLS,
      env.BENCH_SERVE_CONCURRENCY,
    );
    samples.get(side.name)!.cpu.push(cpu);
    samples.get(side.name)!.ms.push(ms);
  }
}
const loadAfter = os.loadavg();

const floorCpu = median(samples.get(floorName)!.cpu);
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
const lines = [
  `one signed call, its parts: ${env.BENCH_SERVE_ROUNDS} rounds × ${env.BENCH_SERVE_CALLS} calls per side, ` +
    `${env.BENCH_SERVE_CONCURRENCY} at once, sides interleaved; medians over rounds; ` +
    `load average ${load(loadBefore)} before, ${load(loadAfter)} after (${os.cpus().length} cores)`,
  "",
  [
    "side".padEnd(38),
    "CPU µs/call".padStart(12),
    "min–max".padStart(14),
    "× floor".padStart(8),
    "calls/s".padStart(9),
  ].join(""),
];
for (const side of measured) {
  const { cpu, ms } = samples.get(side.name)!;
  lines.push(
    [
      side.name.padEnd(38),
      median(cpu).toFixed(0).padStart(12),
      `${Math.min(...cpu).toFixed(0)}–${Math.max(...cpu).toFixed(0)}`.padStart(14),
      `${(median(cpu) / floorCpu).toFixed(2)}×`.padStart(8),
      (1000 / median(ms)).toFixed(0).padStart(9),
    ].join(""),
  );
}
report(`${lines.join("\n")}\n`);

canned.server.close();
sdk.server.close();
unguarded.server.close();
next?.close();
await worker.close();
await inProcessWorker.close();
process.exit(0);
