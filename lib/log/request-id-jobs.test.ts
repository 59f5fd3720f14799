import { Inngest } from "inngest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localFetch } from "@/lib/executor/local-api";
import { resetExecutorTables, startRig, type Rig } from "@/lib/executor/testing/harness";
import { contextRequestId, runWithRequestId } from "./context";
import { RequestIdMiddleware } from "./inngest-middleware";

// The request id follows a request into the job it starts, and on into the jobs that job starts,
// through the real SDK and the local executor (events and runs in MySQL).

let rig: Rig | undefined;
beforeEach(resetExecutorTables);
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const silent = { info() {}, warn() {}, error() {}, debug() {} };

describe("request ids in background jobs", () => {
  it("reach the run a request's event starts, its steps, and the events it sends", async () => {
    const seen: Record<string, unknown> = {};
    rig = await startRig(
      (client) => [
        client.createFunction(
          { id: "first", triggers: [{ event: "test/first" }], middleware: [RequestIdMiddleware] },
          async ({ event, step }) => {
            seen.firstData = event.data.requestId;
            await step.run("look", () => {
              seen.firstStep = contextRequestId();
            });
            await step.sendEvent("pass-on", { name: "test/second", data: { n: 1 } });
          },
        ),
        client.createFunction(
          { id: "second", triggers: [{ event: "test/second" }], middleware: [RequestIdMiddleware] },
          async ({ event, step }) => {
            seen.secondData = event.data.requestId;
            await step.run("look", () => {
              seen.secondStep = contextRequestId();
            });
          },
        ),
      ],
      {},
      undefined,
      // As the app's client: checkpointing, its sends in process (lib/executor/local-api.ts).
      { checkpointing: true, inProcess: true },
    );
    // The web app's client, as in lib/events/client.ts.
    const sender = new Inngest({
      id: "contract",
      checkpointing: true,
      fetch: localFetch,
      isDev: false,
      signingKey: rig.keys.signingKey,
      eventKey: rig.keys.eventKey,
      baseUrl: rig.client.eventBaseUrl,
      logger: silent,
      middleware: [RequestIdMiddleware],
    });
    await runWithRequestId("req-from-nginx-1", () =>
      sender.send({ name: "test/first", data: { n: 0 } }),
    );
    await rig.waitForRuns("first", 1, (r) => r.status === "completed");
    await rig.waitForRuns("second", 1, (r) => r.status === "completed");
    expect(seen).toEqual({
      firstData: "req-from-nginx-1",
      firstStep: "req-from-nginx-1",
      secondData: "req-from-nginx-1",
      secondStep: "req-from-nginx-1",
    });
  });

  it("leaves events sent outside any request as they are", async () => {
    let data: unknown;
    rig = await startRig((client) => [
      client.createFunction(
        { id: "plain", triggers: [{ event: "test/plain" }], middleware: [RequestIdMiddleware] },
        async ({ event }) => {
          data = event.data;
        },
      ),
    ]);
    const sender = new Inngest({
      id: "contract",
      checkpointing: true,
      fetch: localFetch,
      isDev: false,
      signingKey: rig.keys.signingKey,
      eventKey: rig.keys.eventKey,
      baseUrl: rig.client.eventBaseUrl,
      logger: silent,
      middleware: [RequestIdMiddleware],
    });
    await sender.send({ name: "test/plain", data: { n: 2 } });
    await rig.waitForRuns("plain", 1, (r) => r.status === "completed");
    expect(data).toEqual({ n: 2 });
  });
});
