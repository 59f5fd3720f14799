import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import { z } from "zod";
import { createDb, type Db } from "../db";
import { startExecutor, type Executor, type ExecutorOptions } from "../executor";
import { localFetch } from "../local-api";
import { RunRow } from "../store";

// Contract-test rig: real SDK functions behind the SDK's real node serve handler (cloud mode,
// signed requests), driven by a real executor over HTTP against the test database.

export type TestClient = Inngest;

export const testKeys = () => ({
  signingKey: `signkey-test-${randomBytes(32).toString("hex")}`,
  eventKey: `test-${randomBytes(16).toString("hex")}`,
});

export function databaseUrl(): string {
  return z
    .string()
    .min(1, "DATABASE_URL is not set (vitest sets it from TEST_DATABASE_URL)")
    .parse(process.env.DATABASE_URL);
}

export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const silent = { info() {}, warn() {}, error() {}, debug() {} };

export function testClient(
  keys: { signingKey: string; eventKey: string },
  eventPort: number,
  appId = "contract",
  options: {
    /** The SDK's checkpointing: a run's sequential steps in one call (driver.ts). */
    checkpointing?: boolean;
    /** localFetch (local-api.ts): an executor's event API in this process answered without HTTP. */
    inProcess?: boolean;
  } = {},
): Inngest {
  const { checkpointing = false, inProcess = false } = options;
  return new Inngest({
    id: appId,
    checkpointing,
    ...(inProcess ? { fetch: localFetch } : {}),
    isDev: false,
    signingKey: keys.signingKey,
    eventKey: keys.eventKey,
    baseUrl: `http://127.0.0.1:${eventPort}/`,
    logger: silent,
  });
}

// Cloud mode with the client's signing key: unsigned calls are refused, as in production.
export async function startServeEndpoint(
  client: Inngest,
  functions: InngestFunction.Any[],
  port = 0,
) {
  const server = http.createServer(serve({ client, functions }));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}/api/inngest`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function resetExecutorTables(): Promise<void> {
  const db = createDb(databaseUrl(), 1);
  try {
    for (const table of [
      "ExecStep",
      "ExecRun",
      "ExecEvent",
      "ExecCron",
      "ExecFunction",
      "ExecWorker",
    ]) {
      await db.query(`DELETE FROM ${table}`);
    }
  } finally {
    await db.end();
  }
}

export type Rig = {
  client: Inngest;
  keys: { signingKey: string; eventKey: string };
  executor: Executor;
  db: Db;
  serveUrl: string;
  runs: (functionId: string) => Promise<RunRow[]>;
  waitForRuns: (
    functionId: string,
    count: number,
    done?: (run: RunRow) => boolean,
    timeoutMs?: number,
  ) => Promise<RunRow[]>;
  stop: () => Promise<void>;
};

const FINISHED = new Set(["completed", "failed", "cancelled"]);

export async function startRig(
  define: (client: Inngest) => InngestFunction.Any[],
  overrides: Partial<ExecutorOptions> = {},
  keys = testKeys(),
  /**
   * The client's checkpointing (runs sequential steps in one call; driver.ts), and whether its
   * requests to the executor's event API go through localFetch (in process) or HTTP.
   */
  {
    checkpointing = false,
    inProcess = false,
  }: { checkpointing?: boolean; inProcess?: boolean } = {},
): Promise<Rig> {
  const eventPort = await freePort();
  const client = testClient(keys, eventPort, "contract", { checkpointing, inProcess });
  const endpoint = await startServeEndpoint(client, define(client));
  const executor = await startExecutor({
    databaseUrl: databaseUrl(),
    ...keys,
    serveUrl: endpoint.url,
    eventPort,
    leaseMs: 3_000,
    pollMs: 50,
    backoffBaseMs: 50,
    log: () => {},
    ...overrides,
  });
  // Its own pool: tests look at runs after stopping the executor.
  const db = createDb(databaseUrl(), 2);
  const runs = async (functionId: string) => {
    const rows: unknown[] = await db.query(
      "SELECT * FROM ExecRun WHERE functionId = ? ORDER BY createdAt, id",
      [`contract-${functionId}`],
    );
    return rows.map((row) => RunRow.parse(row));
  };
  const waitForRuns: Rig["waitForRuns"] = async (
    functionId,
    count,
    done = (r) => FINISHED.has(r.status),
    timeoutMs = 20_000,
  ) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await runs(functionId);
      if (rows.length >= count && rows.filter(done).length >= count) return rows;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${count} run(s) of ${functionId}: ${JSON.stringify(rows.map((r) => [r.status, r.error]))}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    client,
    keys,
    executor,
    db,
    serveUrl: endpoint.url,
    runs,
    waitForRuns,
    stop: async () => {
      await executor.stop(2_000);
      await endpoint.close();
      await db.end();
    },
  };
}
