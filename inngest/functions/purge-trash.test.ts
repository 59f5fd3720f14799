import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createDb } from "@/lib/executor/db";
import { startAppExecutor, stubAppClientEnv } from "@/lib/executor/testing/app-rig";
import { databaseUrl, resetExecutorTables, testKeys } from "@/lib/executor/testing/harness";

const keys = testKeys();
await stubAppClientEnv(keys);
const { inngest } = await import("@/lib/events/client");
const { purgeTrash } = await import("./purge-trash");

const cleanups: (() => Promise<void>)[] = [];
beforeEach(resetExecutorTables);
afterAll(() => vi.unstubAllEnvs());
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("purge-trash", () => {
  it("is scheduled daily at 03:00 UTC and purges when its cron fires", async () => {
    const rig = await startAppExecutor(inngest, [purgeTrash], keys);
    cleanups.push(rig.stop);
    const db = createDb(databaseUrl(), 1);
    cleanups.push(() => db.end());
    const [cron] = (await db.query("SELECT schedule, nextAt FROM ExecCron")) as {
      schedule: string;
      nextAt: number;
    }[];
    expect(cron?.schedule).toBe("0 3 * * *");
    expect(new Date(cron!.nextAt).getUTCHours()).toBe(3);

    await db.query("UPDATE ExecCron SET nextAt = ?", [Date.now() - 1_000]);
    const deadline = Date.now() + 15_000;
    let run: { status: string; output: string | null } | undefined;
    while (Date.now() < deadline) {
      [run] = (await db.query(
        "SELECT status, output FROM ExecRun WHERE functionId = 'stratus-purge-trash'",
      )) as { status: string; output: string | null }[];
      if (run && run.status !== "queued" && run.status !== "running") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(run?.status).toBe("completed");
    expect(JSON.parse(run?.output ?? "null")).toEqual({
      files: expect.any(Number),
      folders: expect.any(Number),
    });
  });
});
