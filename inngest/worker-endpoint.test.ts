import { AsyncLocalStorage } from "node:async_hooks";
import type http from "node:http";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startExecutor, type Executor } from "@/lib/executor/executor";
import { localServeHandler, serveFunctionsLocally } from "@/lib/executor/local-api";
import { signatureHeader } from "@/lib/executor/signing";
import { firstCallBody } from "@/lib/executor/testing/call-body";
import {
  databaseUrl,
  freePort,
  resetExecutorTables,
  testClient,
  testKeys,
} from "@/lib/executor/testing/harness";

// The worker's endpoint serves the executor of its own process without a socket (the executor's
// calls, lib/executor/local-api.ts), behind the same replay guard and the SDK's own signature
// checks as its HTTP path.

const keys = testKeys();
// The replay guard accepts the keys the SDK's variables name (replay-guard.ts, servingKeys).
vi.stubEnv("INNGEST_SIGNING_KEY", keys.signingKey);
const { startWorkerEndpoint } = await import("./worker-endpoint");
afterAll(() => vi.unstubAllEnvs());

let stops: (() => Promise<void>)[] = [];
beforeEach(resetExecutorTables);
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
});

const callerStore = new AsyncLocalStorage<string>();

// Rows the replay guard claimed (never reset: counted before and after, files run one at a time).
async function seenSignatures(executor: Executor): Promise<number> {
  const rows: { n: bigint }[] = await executor.db.query("SELECT COUNT(*) AS n FROM SeenSignature");
  return Number(rows[0]?.n ?? 0);
}

async function startWorker(inProcess: boolean) {
  const eventPort = await freePort();
  // Its sends reach the executor's event API in process too (localFetch), as the app's client's.
  const client = testClient(keys, eventPort, "contract", { inProcess: true });
  let calls = 0;
  const seenStores: (string | undefined)[] = [];
  const functions = [
    client.createFunction({ id: "probe", triggers: [{ event: "test/probe" }] }, async () => {
      seenStores.push(callerStore.getStore());
    }),
    client.createFunction({ id: "two", triggers: [{ event: "test/two" }] }, async ({ step }) => {
      calls++;
      const a = await step.run("a", () => 1);
      const b = await step.run("b", () => 2);
      return a + b;
    }),
  ];
  const endpoint = await startWorkerEndpoint("127.0.0.1", 0, { client, functions }, { inProcess });
  stops.push(endpoint.close);
  const posts: string[] = [];
  endpoint.server.on("request", (req: http.IncomingMessage) => {
    if (req.method === "POST") posts.push(req.url ?? "");
  });
  const executor: Executor = await startExecutor({
    databaseUrl: databaseUrl(),
    ...keys,
    serveUrl: endpoint.url,
    eventPort,
    pollMs: 50,
    log: () => {},
  });
  stops.push(() => executor.stop(2_000));
  const finished = async () => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const rows: { status: string; output: string | null }[] = await executor.db.query(
        "SELECT status, output FROM ExecRun WHERE functionId = 'contract-two'",
      );
      if (rows[0] && rows[0].status !== "queued" && rows[0].status !== "running") return rows[0];
      if (Date.now() > deadline) throw new Error(`run not finished: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const seen = () => seenSignatures(executor);
  return { client, endpoint, posts, finished, calls: () => calls, seenStores, seen };
}

describe("the worker endpoint in process", () => {
  it("takes its executor's calls without HTTP: a run's three calls, no POST on the socket", async () => {
    const worker = await startWorker(true);
    await worker.client.send({ name: "test/two", data: {} });
    const run = await worker.finished();
    expect(run).toMatchObject({ status: "completed", output: "3" });
    expect(worker.calls()).toBe(3);
    expect(worker.posts).toEqual([]);
  });

  it("without it the same run's calls are POSTs to the socket", async () => {
    // The other side of the test above: what the counter sees when the path is not taken.
    const worker = await startWorker(false);
    await worker.client.send({ name: "test/two", data: {} });
    expect((await worker.finished()).status).toBe("completed");
    expect(worker.posts).toHaveLength(3);
    expect(localServeHandler(new URL(worker.endpoint.url))).toBeUndefined();
  });

  it("takes its executor's calls unsigned in process: no replay claim in MariaDB", async () => {
    // Only code of this process reaches the handler, so the executor does not sign its calls
    // there, the SDK does not verify them nor sign its answers, and the replay guard claims
    // nothing (it was one row a call: 3 for this run).
    const worker = await startWorker(true);
    const handler = localServeHandler(new URL(worker.endpoint.url))!;
    const headersSeen: Record<string, string>[] = [];
    const answersSigned: boolean[] = [];
    serveFunctionsLocally(worker.endpoint.url, async (call) => {
      headersSeen.push(call.headers);
      const answer = await handler(call);
      answersSigned.push(answer.header("x-inngest-signature") !== null);
      return answer;
    });
    const claimed = await worker.seen();
    await worker.client.send({ name: "test/two", data: {} });
    expect(await worker.finished()).toMatchObject({ status: "completed", output: "3" });
    expect(headersSeen).toHaveLength(3);
    expect(headersSeen.every((h) => !("x-inngest-signature" in h))).toBe(true);
    expect(answersSigned).toEqual([false, false, false]);
    expect(await worker.seen()).toBe(claimed);
  });

  it("over HTTP still refuses an unsigned call, another key's and a replayed one", async () => {
    // The same endpoint, also served in process: its socket keeps the SDK's check and the guard.
    const worker = await startWorker(true);
    const url = `${worker.endpoint.url}?fnId=contract-two&stepId=step`;
    const body = firstCallBody({ name: "test/two", data: {} });
    const claimed = await worker.seen();
    const post = (headers: Record<string, string>) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });

    expect((await post({})).status).toBe(401);
    const otherKey = testKeys().signingKey;
    expect((await post({ "x-inngest-signature": signatureHeader(body, otherKey) })).status).toBe(
      401,
    );
    const signed = { "x-inngest-signature": signatureHeader(body, keys.signingKey) };
    const first = await post(signed);
    expect(first.status).toBe(206);
    expect(first.headers.get("x-inngest-signature")).toMatch(/^t=\d+&s=[0-9a-f]{64}$/);
    expect(first.headers.get("X-Inngest-Req-Version")).toBe("2");
    const again = await post(signed);
    expect(again.status).toBe(401);
    expect(await again.text()).toMatch(/already received/);
    // Only the signed call ran the function, once.
    expect(worker.calls()).toBe(1);
    expect(await worker.seen()).toBe(claimed + 1);
  });

  it("runs a function in its own async context, not in the sender's", async () => {
    // Over HTTP each request starts afresh; in process the send, the hand-off of the new run to a
    // free slot and the call all happen below the sender's stack, so the serving side's context
    // has to be put back. Without it the function sees the sender's stores (its SDK execution
    // context and request id included).
    const worker = await startWorker(true);
    await callerStore.run("the sender's", () =>
      worker.client.send({ name: "test/probe", data: {} }),
    );
    const deadline = Date.now() + 20_000;
    while (worker.seenStores.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(worker.seenStores).toEqual([undefined]);
  });

  it("is not served in process once closed", async () => {
    const worker = await startWorker(true);
    await worker.endpoint.close();
    expect(localServeHandler(new URL(worker.endpoint.url))).toBeUndefined();
  });
});
