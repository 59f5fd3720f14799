import { NonRetriableError, RetryAfterError, type FailureEventArgs, type Inngest } from "inngest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startExecutor } from "./executor";
import {
  databaseUrl,
  resetExecutorTables,
  startRig as startRigWith,
  testKeys,
  type Rig,
} from "./testing/harness";

let rig: Rig | undefined;
beforeEach(resetExecutorTables);
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const output = (run: { output: string | null }) => JSON.parse(run.output ?? "null") as unknown;

// Every contract holds both ways the executor calls: one step per call, and with the SDK's
// checkpointing (sequential steps run in one call, each result stored through the event API),
// the client reaching the event API over HTTP or in process (local-api.ts, as the worker's).
describe.each([
  { mode: "one step per call", checkpointing: false, inProcess: false },
  { mode: "checkpointing", checkpointing: true, inProcess: false },
  { mode: "checkpointing in process", checkpointing: true, inProcess: true },
])(
  "local executor driving real functions through the serve endpoint ($mode)",
  ({ checkpointing, inProcess }) => {
    const startRig = (...args: Parameters<typeof startRigWith>) =>
      startRigWith(args[0], args[1], args[2], { checkpointing, inProcess });

    it("runs two steps in order and returns the function's result", async () => {
      const calls: string[] = [];
      rig = await startRig((client: Inngest) => [
        client.createFunction(
          { id: "two-steps", triggers: [{ event: "test/two" }] },
          async ({ event, step }) => {
            const a = await step.run("first", () => {
              calls.push("first");
              return `${String(event.data.name)}!`;
            });
            const b = await step.run("second", () => {
              calls.push("second");
              return a.length;
            });
            return { a, b };
          },
        ),
      ]);
      await rig.client.send({ name: "test/two", data: { name: "hi" } });
      const [run] = await rig.waitForRuns("two-steps", 1);
      expect(run?.status).toBe("completed");
      expect(output(run!)).toEqual({ a: "hi!", b: 3 });
      expect(calls).toEqual(["first", "second"]);
    });

    it("retries a failing step until it succeeds, memoising the steps before it", async () => {
      let firstCalls = 0;
      let flakyCalls = 0;
      rig = await startRig((client) => [
        client.createFunction(
          { id: "flaky", retries: 3, triggers: [{ event: "test/flaky" }] },
          async ({ step }) => {
            await step.run("before", () => ++firstCalls);
            return step.run("flaky", () => {
              flakyCalls++;
              if (flakyCalls < 3) throw new Error(`boom ${flakyCalls}`);
              return "ok";
            });
          },
        ),
      ]);
      await rig.client.send({ name: "test/flaky", data: {} });
      const [run] = await rig.waitForRuns("flaky", 1);
      expect(run?.status).toBe("completed");
      expect(output(run!)).toBe("ok");
      expect(flakyCalls).toBe(3);
      expect(firstCalls).toBe(1);
    });

    it("fails the run at once on a NonRetriableError", async () => {
      let calls = 0;
      rig = await startRig((client) => [
        client.createFunction(
          { id: "fatal", retries: 5, triggers: [{ event: "test/fatal" }] },
          async ({ step }) => {
            await step.run("explode", () => {
              calls++;
              throw new NonRetriableError("no point retrying");
            });
          },
        ),
      ]);
      await rig.client.send({ name: "test/fatal", data: {} });
      const [run] = await rig.waitForRuns("fatal", 1);
      expect(run?.status).toBe("failed");
      expect(run?.error).toContain("no point retrying");
      expect(calls).toBe(1);
    });

    it("sleeps durably and resumes after the sleep", async () => {
      rig = await startRig((client) => [
        client.createFunction(
          { id: "sleeper", triggers: [{ event: "test/sleep" }] },
          async ({ step }) => {
            const before = await step.run("before", () => Date.now());
            // Long enough that polling sees it asleep on a loaded machine (1 s was missed at load 50).
            await step.sleep("nap", "3s");
            const after = await step.run("after", () => Date.now());
            return after - before;
          },
        ),
      ]);
      await rig.client.send({ name: "test/sleep", data: {} });
      await rig.waitForRuns(
        "sleeper",
        1,
        (r) => r.status === "queued" && r.availableAt > Date.now(),
        60_000,
      );
      const [run] = await rig.waitForRuns("sleeper", 1);
      expect(run?.status).toBe("completed");
      expect(output(run!)).toBeGreaterThanOrEqual(3_000);
    });

    it("runs parallel steps each in its own request, then continues with all results", async () => {
      const active: number[] = [];
      let peak = 0;
      // Each step waits until all three are in flight (a state, not a duration): run one at a
      // time they never are, and the cap lets the test end with peak 1. A 150 ms overlap window
      // was missed at load 50.
      let release = () => {};
      const allIn = new Promise<void>((r) => (release = r));
      rig = await startRig((client) => [
        client.createFunction(
          { id: "fan-out", triggers: [{ event: "test/fan" }] },
          async ({ step }) => {
            const parts = await Promise.all(
              [1, 2, 3].map((n) =>
                step.run(`part-${n}`, async () => {
                  active.push(n);
                  peak = Math.max(peak, active.length);
                  if (active.length === 3) release();
                  await Promise.race([allIn, new Promise((r) => setTimeout(r, 30_000))]);
                  active.splice(active.indexOf(n), 1);
                  return n * 10;
                }),
              ),
            );
            const sum = await step.run("sum", () => parts.reduce((a, b) => a + b, 0));
            return { parts, sum };
          },
        ),
      ]);
      await rig.client.send({ name: "test/fan", data: {} });
      const [run] = await rig.waitForRuns("fan-out", 1);
      expect(run?.status).toBe("completed");
      expect(output(run!)).toEqual({ parts: [10, 20, 30], sum: 60 });
      expect(peak).toBe(3);
      expect(run?.disableImmediate).toBe(true);
    });

    it("invokes another function and receives its result (and its failure)", async () => {
      rig = await startRig((client) => {
        const child = client.createFunction(
          { id: "child", retries: 0, triggers: [{ event: "test/child-unused" }] },
          async ({ event }) => {
            if (event.data.fail) throw new NonRetriableError("child says no");
            return { doubled: Number(event.data.n) * 2 };
          },
        );
        const parent = client.createFunction(
          { id: "parent", triggers: [{ event: "test/parent" }] },
          async ({ step }) => {
            const ok = await step.invoke("call-child", { function: child, data: { n: 21 } });
            const failed = await step
              .invoke("call-child-failing", { function: child, data: { n: 1, fail: true } })
              .then(
                () => "no error",
                (e: unknown) => (e instanceof Error ? e.message : String(e)),
              );
            return { ok, failed };
          },
        );
        return [child, parent];
      });
      await rig.client.send({ name: "test/parent", data: {} });
      const [run] = await rig.waitForRuns("parent", 1);
      expect(run?.status).toBe("completed");
      const result = output(run!) as { ok: unknown; failed: string };
      expect(result.ok).toEqual({ doubled: 42 });
      expect(result.failed).toContain("child says no");
      const children = await rig.runs("child");
      expect(children.map((c) => c.status).sort()).toEqual(["completed", "failed"]);
      expect(children.every((c) => c.parentRunId === run?.id)).toBe(true);
    });

    it("sends events from a step, triggering other functions", async () => {
      rig = await startRig((client) => [
        client.createFunction(
          { id: "sender", triggers: [{ event: "test/send" }] },
          async ({ step }) => {
            const { ids } = await step.sendEvent("fan", [
              { name: "test/received", data: { n: 1 } },
              { name: "test/received", data: { n: 2 } },
            ]);
            return ids.length;
          },
        ),
        client.createFunction(
          { id: "receiver", triggers: [{ event: "test/received" }] },
          async ({ event }) => event.data.n,
        ),
      ]);
      await rig.client.send({ name: "test/send", data: {} });
      const [sender] = await rig.waitForRuns("sender", 1);
      expect(output(sender!)).toBe(2);
      const received = await rig.waitForRuns("receiver", 2);
      expect(received.map(output).sort()).toEqual([1, 2]);
    });

    it("runs the onFailure handler with the error and the original event", async () => {
      rig = await startRig((client) => [
        client.createFunction(
          {
            id: "doomed",
            retries: 1,
            triggers: [{ event: "test/doomed" }],
            onFailure: async ({ error, event }: FailureEventArgs) => ({
              message: error.message,
              original: event.data.event.data,
            }),
          },
          async ({ step }) => {
            await step.run("always-fails", () => {
              throw new Error("it broke");
            });
          },
        ),
      ]);
      await rig.client.send({ name: "test/doomed", data: { jobId: "j1" } });
      const [run] = await rig.waitForRuns("doomed", 1);
      expect(run?.status).toBe("failed");
      const [handler] = await rig.waitForRuns("doomed-failure", 1);
      expect(handler?.status).toBe("completed");
      expect(output(handler!)).toEqual({ message: "it broke", original: { jobId: "j1" } });
    });

    it("cancels runs whose cancelOn event matches, and through the cancel API", async () => {
      const after: string[] = [];
      rig = await startRig((client) => [
        client.createFunction(
          {
            id: "cancellable",
            triggers: [{ event: "test/long" }],
            cancelOn: [{ event: "test/stop", match: "data.key" }],
          },
          async ({ event, step }) => {
            await step.run("start", () => event.data.key);
            await step.sleep("wait", "3s");
            await step.run("after", () => after.push(String(event.data.key)));
          },
        ),
      ]);
      await rig.client.send([
        { name: "test/long", data: { key: "a" } },
        { name: "test/long", data: { key: "b" } },
        { name: "test/long", data: { key: "c" } },
      ]);
      const sleeping = (r: { status: string; availableAt: number }) =>
        r.status === "queued" && r.availableAt > Date.now();
      const runs = await rig.waitForRuns("cancellable", 3, sleeping, 5_000);
      await rig.client.send({ name: "test/stop", data: { key: "a" } });
      const runOf = async (key: string) => {
        const all = await rig!.runs("cancellable");
        return all.find(
          (r) => (JSON.parse(r.event) as { data: { key: string } }).data.key === key,
        )!;
      };
      const b = await runOf("b");
      const response = await fetch(`${rig.executor.eventUrl}/v1/runs/${b.id}/cancel`, {
        method: "POST",
        headers: { authorization: "Bearer wrong" },
      });
      expect(response.status).toBe(401);
      expect(runs).toHaveLength(3);
      // The cancel API takes the signing key as its bearer token.
      const key = rig.keys.signingKey;
      const ok = await fetch(`${rig.executor.eventUrl}/v1/runs/${b.id}/cancel`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}` },
      });
      expect(await ok.json()).toEqual({ cancelled: true });
      await rig.waitForRuns("cancellable", 3, undefined, 10_000);
      expect((await runOf("a")).status).toBe("cancelled");
      expect((await runOf("b")).status).toBe("cancelled");
      expect((await runOf("c")).status).toBe("completed");
      expect(after).toEqual(["c"]);
    });

    it("fires a due cron trigger once and schedules the next time", async () => {
      rig = await startRig((client) => [
        client.createFunction(
          { id: "ticker", triggers: [{ cron: "*/5 * * * *" }] },
          async ({ event }) => event.name,
        ),
      ]);
      const [cron] = (await rig.db.query(
        "SELECT nextAt FROM ExecCron WHERE functionId = 'contract-ticker'",
      )) as { nextAt: number }[];
      expect(cron!.nextAt).toBeGreaterThan(Date.now());
      expect(new Date(cron!.nextAt).getUTCMinutes() % 5).toBe(0);
      await rig.db.query("UPDATE ExecCron SET nextAt = ? WHERE functionId = 'contract-ticker'", [
        Date.now() - 1000,
      ]);
      const [run] = await rig.waitForRuns("ticker", 1);
      expect(output(run!)).toBe("inngest/scheduled.timer");
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await rig.runs("ticker")).toHaveLength(1);
    });

    it("honours a concurrency limit of 1 under 10 simultaneous events", async () => {
      const spans: [number, number][] = [];
      rig = await startRig(
        (client) => [
          client.createFunction(
            {
              id: "one-at-a-time",
              concurrency: { limit: 1 },
              triggers: [{ event: "test/serial" }],
            },
            async ({ step }) => {
              await step.run("work", async () => {
                const start = Date.now();
                await new Promise((r) => setTimeout(r, 40));
                spans.push([start, Date.now()]);
              });
            },
          ),
        ],
        { maxConcurrentRuns: 8 },
      );
      await Promise.all(
        Array.from({ length: 10 }, (_, n) =>
          rig!.client.send({ name: "test/serial", data: { n } }),
        ),
      );
      await rig.waitForRuns("one-at-a-time", 10, undefined, 30_000);
      expect(spans).toHaveLength(10);
      spans.sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < spans.length; i++)
        expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    });

    it("honours retry-after from a RetryAfterError", async () => {
      const attempts: number[] = [];
      rig = await startRig((client) => [
        client.createFunction(
          { id: "polite", triggers: [{ event: "test/polite" }] },
          async ({ step }) =>
            step.run("rate-limited", () => {
              attempts.push(Date.now());
              if (attempts.length === 1) throw new RetryAfterError("slow down", "2s");
              return "done";
            }),
        ),
      ]);
      await rig.client.send({ name: "test/polite", data: {} });
      const [run] = await rig.waitForRuns("polite", 1);
      expect(run?.status).toBe("completed");
      expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(1_900);
    });

    it("refuses at sync, by name, a function option it does not support", async () => {
      await expect(
        startRig((client) => [
          client.createFunction(
            {
              id: "limited",
              rateLimit: { limit: 1, period: "1m" },
              triggers: [{ event: "test/x" }],
            },
            async () => null,
          ),
        ]),
      ).rejects.toThrow(/function "contract-limited": option "rateLimit" is not supported/);
    });

    it("signs its calls: a serve endpoint with another signing key refuses the sync", async () => {
      rig = await startRig((client) => [
        client.createFunction({ id: "noop", triggers: [{ event: "test/noop" }] }, async () => null),
      ]);
      const unsigned = await fetch(`${rig.serveUrl}?fnId=contract-noop&stepId=step`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ event: { name: "test/noop", data: {} }, steps: {}, version: 2 }),
      });
      expect(unsigned.status).toBe(401);
      await expect(
        startExecutor({
          databaseUrl: databaseUrl(),
          ...testKeys(),
          serveUrl: rig.serveUrl,
          eventPort: 0,
          log: () => {},
        }),
      ).rejects.toThrow(/rejected the signature/);
    });
  },
);
