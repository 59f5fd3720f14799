import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localFetch } from "./local-api";
import { resetExecutorTables, startRig, type Rig } from "./testing/harness";

let rig: Rig | undefined;
beforeEach(resetExecutorTables);
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

// The same API over HTTP and in process (local-api.ts: what the worker's own client uses).
let transport: typeof fetch = fetch;

async function post(path: string, body: unknown) {
  const response = await transport(`${rig!.executor.eventUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe.each([
  { over: "HTTP", through: fetch },
  { over: "in process", through: localFetch },
])("event API ($over)", ({ through }) => {
  beforeEach(async () => {
    transport = through;
    rig = await startRig((client) => [
      client.createFunction(
        { id: "premium", triggers: [{ event: "shop/order.*", if: "event.data.total >= 100" }] },
        async ({ event }) => event.data.total,
      ),
    ]);
  });

  it("answers like Inngest's event API and starts only the runs whose trigger matches", async () => {
    const { status, body } = await post(`/e/${rig!.keys.eventKey}`, [
      { name: "shop/order.placed", data: { total: 250 } },
      { name: "shop/order.placed", data: { total: 20 } },
      { name: "shop/refund", data: { total: 500 } },
    ]);
    expect(status).toBe(200);
    expect(body.status).toBe(200);
    expect(body.ids).toHaveLength(3);
    const runs = await rig!.waitForRuns("premium", 1);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.output).toBe("250");
  });

  it("drops a second event sent with the same id", async () => {
    const first = await post(`/e/${rig!.keys.eventKey}`, {
      name: "shop/order.placed",
      id: "order-7",
      data: { total: 100 },
    });
    const again = await post(`/e/${rig!.keys.eventKey}`, {
      name: "shop/order.placed",
      id: "order-7",
      data: { total: 100 },
    });
    expect(again.body.ids).toEqual(first.body.ids);
    await rig!.waitForRuns("premium", 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await rig!.runs("premium")).toHaveLength(1);
  });

  it("refuses a wrong event key, malformed events and Inngest's reserved names", async () => {
    expect((await post("/e/not-the-key", { name: "x/y", data: {} })).status).toBe(401);
    expect((await post(`/e/${rig!.keys.eventKey}`, "{nope")).status).toBe(400);
    const invalid = await post(`/e/${rig!.keys.eventKey}`, { data: {} });
    expect(invalid.status).toBe(400);
    expect(String(invalid.body.error)).toContain("name");
    const reserved = await post(`/e/${rig!.keys.eventKey}`, {
      name: "inngest/function.failed",
      data: {},
    });
    expect(reserved.status).toBe(400);
  });
});

describe("graceful shutdown", () => {
  it("finishes the step in flight, hands the run back, and another worker completes it", async () => {
    const calls: string[] = [];
    const define = (client: Parameters<Parameters<typeof startRig>[0]>[0]) => [
      client.createFunction(
        { id: "slow", triggers: [{ event: "test/slow" }] },
        async ({ step }) => {
          await step.run("long", async () => {
            calls.push("long:start");
            await new Promise((r) => setTimeout(r, 500));
            calls.push("long:end");
          });
          await step.run("next", () => calls.push("next"));
        },
      ),
    ];
    rig = await startRig(define);
    await rig.client.send({ name: "test/slow", data: {} });
    const deadline = Date.now() + 10_000;
    while (!calls.includes("long:start") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await rig.executor.stop(5_000);
    expect(calls).toEqual(["long:start", "long:end"]);
    const [run] = await rig.runs("slow");
    expect(run).toMatchObject({ status: "queued", leaseOwner: null });

    const { startExecutor } = await import("./executor");
    const { databaseUrl } = await import("./testing/harness");
    const second = await startExecutor({
      databaseUrl: databaseUrl(),
      ...rig.keys,
      serveUrl: rig.serveUrl,
      eventPort: 0,
      pollMs: 50,
      log: () => {},
    });
    try {
      const deadline2 = Date.now() + 10_000;
      let status = "";
      while (Date.now() < deadline2) {
        const rows: { status: string }[] = await second.db.query(
          "SELECT status FROM ExecRun WHERE functionId = 'contract-slow'",
        );
        status = rows[0]?.status ?? "";
        if (status === "completed") break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe("completed");
      expect(calls).toEqual(["long:start", "long:end", "next"]);
    } finally {
      await second.stop(2_000);
    }
  });
});
