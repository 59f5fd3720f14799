import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { localFetch, localOrigins } from "./local-api";
import { resetExecutorTables, startRig, type Rig } from "./testing/harness";

// localFetch: a client in the executor's own process reaches its event API without a socket
// (the worker's checkpoints and sends); every other request is globalThis.fetch's.

let rig: Rig | undefined;
beforeEach(resetExecutorTables);
afterEach(async () => {
  vi.restoreAllMocks();
  await rig?.stop();
  rig = undefined;
});

const fiveSteps = (rigOptions: { inProcess: boolean }) =>
  startRig(
    (client) => [
      client.createFunction(
        { id: "five", triggers: [{ event: "test/five" }] },
        async ({ step }) => {
          let sum = 0;
          for (let i = 0; i < 5; i++) sum += await step.run(`s${i}`, () => i + 1);
          return sum;
        },
      ),
    ],
    {},
    undefined,
    { checkpointing: true, ...rigOptions },
  );

const eventApiRequests = (spy: { mock: { calls: unknown[][] } }, eventUrl: string) =>
  spy.mock.calls
    .map(([input]) => (input instanceof URL ? input.href : String(input)))
    .filter((url) => url.startsWith(eventUrl));

describe("localFetch", () => {
  it("sends the event and stores five checkpoints in process: no request reaches fetch", async () => {
    rig = await fiveSteps({ inProcess: true });
    const spy = vi.spyOn(globalThis, "fetch");
    await rig.client.send({ name: "test/five", data: {} });
    const [run] = await rig.waitForRuns("five", 1);
    expect(run?.status).toBe("completed");
    expect(JSON.parse(run!.output ?? "null")).toBe(15);
    const rows: { n: number | bigint }[] = await rig.db.query(
      "SELECT COUNT(*) AS n FROM ExecStep WHERE runId = ? AND status = 'done'",
      [run!.id],
    );
    expect(Number(rows[0]?.n)).toBe(5);
    expect(eventApiRequests(spy, rig.executor.eventUrl)).toEqual([]);
  });

  it("the same client without it goes over HTTP: one send and five checkpoints through fetch", async () => {
    // The other side of the test above: what the spy sees when the path is not taken.
    rig = await fiveSteps({ inProcess: false });
    const spy = vi.spyOn(globalThis, "fetch");
    await rig.client.send({ name: "test/five", data: {} });
    const [run] = await rig.waitForRuns("five", 1);
    expect(run?.status).toBe("completed");
    const urls = eventApiRequests(spy, rig.executor.eventUrl);
    expect(urls.filter((u) => u.includes("/v1/checkpoint/"))).toHaveLength(5);
    expect(urls.filter((u) => u.includes("/e/"))).toHaveLength(1);
  });

  it("answers a Request as fetch would, and hands other origins to fetch", async () => {
    rig = await startRig((client) => [
      client.createFunction({ id: "noop", triggers: [{ event: "test/noop" }] }, async () => "ok"),
    ]);
    const spy = vi.spyOn(globalThis, "fetch");
    const request = new Request(`${rig.executor.eventUrl}/e/${rig.keys.eventKey}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "test/noop", data: {} }),
    });
    const response = await localFetch(request);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { ids: string[] }).ids).toHaveLength(1);
    expect((await rig.waitForRuns("noop", 1))[0]?.status).toBe("completed");
    const health = await localFetch(new URL("/health", rig.executor.eventUrl));
    expect(await health.json()).toEqual({ status: "ok" });
    expect(spy).not.toHaveBeenCalled();

    // Another origin (the serve endpoint) is fetch's.
    const other = await localFetch(rig.serveUrl);
    expect(other.status).toBeGreaterThan(0);
    expect(spy).toHaveBeenCalledTimes(1);

    // A stopped executor is not served in process any more: the request goes to fetch, and fails.
    const eventUrl = rig.executor.eventUrl;
    await rig.stop();
    rig = undefined;
    await expect(localFetch(`${eventUrl}/health`)).rejects.toThrow();
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it("serves an address under the names a client in this process gives it", () => {
    expect(localOrigins("127.0.0.1", 8288)).toEqual([
      "http://127.0.0.1:8288",
      "http://localhost:8288",
      "http://[::1]:8288",
    ]);
    expect(localOrigins("0.0.0.0", 9)).toContain("http://127.0.0.1:9");
    expect(localOrigins("10.1.2.3", 9)).toEqual(["http://10.1.2.3:9"]);
  });
});
