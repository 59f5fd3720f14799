import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createDb } from "@/lib/executor/db";
import { startAppExecutor, stubAppClientEnv } from "@/lib/executor/testing/app-rig";
import { databaseUrl, resetExecutorTables, testKeys } from "@/lib/executor/testing/harness";

// The schedule and the run through the executor; what pruning keeps is lib/pulse/prune.test.ts.

const keys = testKeys();
await stubAppClientEnv(keys);
const { inngest } = await import("@/lib/events/client");
const { pulsePrune } = await import("./pulse-prune");

const cleanups: (() => Promise<void>)[] = [];
beforeEach(resetExecutorTables);
afterAll(() => vi.unstubAllEnvs());
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("pulse-prune", () => {
  it("is scheduled hourly and prunes when its cron fires", async () => {
    const rig = await startAppExecutor(inngest, [pulsePrune], keys);
    cleanups.push(rig.stop);
    const db = createDb(databaseUrl(), 1);
    cleanups.push(() => db.end());
    const [cron] = (await db.query("SELECT schedule FROM ExecCron")) as { schedule: string }[];
    expect(cron?.schedule).toBe("23 * * * *");

    await db.query("UPDATE ExecCron SET nextAt = ?", [Date.now() - 1_000]);
    const deadline = Date.now() + 15_000;
    let run: { status: string; output: string | null } | undefined;
    while (Date.now() < deadline) {
      [run] = (await db.query(
        "SELECT status, output FROM ExecRun WHERE functionId = 'stratus-pulse-prune'",
      )) as { status: string; output: string | null }[];
      if (run && run.status !== "queued" && run.status !== "running") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(run?.status).toBe("completed");
    expect(JSON.parse(run?.output ?? "null")).toEqual({
      trackers: expect.any(Number),
      posts: expect.any(Number),
      staged: expect.any(Number),
    });
  });
});
