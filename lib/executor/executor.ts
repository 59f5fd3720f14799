import type { AddressInfo } from "node:net";
import os from "node:os";
import { logger } from "@/lib/log/logger";
import { fireDueCrons } from "./cron-tick";
import { createDb, type Db } from "./db";
import { RunDriver } from "./driver";
import { createEventServer } from "./event-server";
import { newId } from "./ids";
import { claimRuns, releaseAll, renewLease } from "./leases";
import { pruneHistory } from "./retention";
import { syncApp } from "./sync";

// The local executor: event API, function sync, the claim loop and the drivers of claimed runs,
// cron, and the worker's heartbeat. Several can run against one database.

export type ExecutorOptions = {
  databaseUrl: string;
  signingKey: string;
  eventKey: string;
  /** The serve endpoint whose functions this executor runs (synced at start). */
  serveUrl: string;
  host?: string;
  /** 0 picks a free port (tests). */
  eventPort: number;
  maxConcurrentRuns?: number;
  leaseMs?: number;
  pollMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  requestTimeoutMs?: number;
  /** Finished runs and old events are deleted after this many days. */
  retentionDays?: number;
  log?: (line: string) => void;
};

export type Executor = {
  workerId: string;
  eventUrl: string;
  db: Db;
  sync: () => Promise<void>;
  /** Finishes in-flight calls (up to graceMs), hands back every lease, closes everything. */
  stop: (graceMs?: number) => Promise<void>;
};

const HEARTBEAT_MS = 5_000;
const CRON_CHECK_MS = 1_000;
const PRUNE_EVERY_MS = 10 * 60_000;

export function backoff(baseMs: number, maxMs: number): (attempt: number) => number {
  return (attempt) => {
    const exp = Math.min(maxMs, baseMs * 2 ** attempt);
    return Math.round(exp * (0.8 + Math.random() * 0.4));
  };
}

export async function startExecutor(options: ExecutorOptions): Promise<Executor> {
  const log = options.log ?? ((line: string) => logger.info(`executor: ${line}`));
  const maxRuns = options.maxConcurrentRuns ?? 8;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 250;
  const workerId = `${os.hostname().slice(0, 30)}-${process.pid}-${newId().slice(-8)}`;
  const db = createDb(options.databaseUrl, maxRuns + 4);
  const driver = new RunDriver({
    db,
    owner: workerId,
    signingKey: options.signingKey,
    backoffMs: backoff(options.backoffBaseMs ?? 1_000, options.backoffMaxMs ?? 10 * 60_000),
    requestTimeoutMs: options.requestTimeoutMs ?? 15 * 60_000,
    serveUrl: options.serveUrl,
    log,
  });

  let stopping = false;
  let wake: (() => void) | null = null;
  const poke = () => wake?.();
  const slots = new Map<number, Promise<void>>();
  const inFlight = new Set<AbortController>();

  const sync = async () => {
    const defs = await syncApp(db, options.serveUrl, options.signingKey);
    log(`synced ${defs.length} function(s) from ${options.serveUrl}`);
  };
  await sync();

  const server = createEventServer({
    db,
    eventKey: options.eventKey,
    signingKey: options.signingKey,
    onEvents: poke,
    log,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.eventPort, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const eventUrl = `http://${address.address}:${address.port}`;

  const heartbeat = async () => {
    await db.query(
      `INSERT INTO ExecWorker (id, host, pid, startedAt, heartbeatAt) VALUES (?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))
       ON DUPLICATE KEY UPDATE heartbeatAt = UTC_TIMESTAMP(3)`,
      [workerId, os.hostname().slice(0, 255), process.pid],
    );
  };
  await heartbeat();
  const heartbeatTimer = setInterval(
    () => heartbeat().catch((e: unknown) => log(`heartbeat failed: ${String(e)}`)),
    HEARTBEAT_MS,
  );

  const driveOne = async (runId: string) => {
    const abort = new AbortController();
    const renew = setInterval(
      () => {
        renewLease(db, runId, workerId, leaseMs)
          .then((ours) => {
            if (!ours) abort.abort();
          })
          .catch((e: unknown) => log(`lease renewal of ${runId} failed: ${String(e)}`));
      },
      Math.max(100, Math.floor(leaseMs / 3)),
    );
    inFlight.add(abort);
    try {
      await driver.drive(runId, abort.signal, () => stopping);
    } catch (e) {
      log(`run ${runId}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } finally {
      clearInterval(renew);
      inFlight.delete(abort);
    }
  };

  // A slot drives runs one after another: when a run is done it claims the next one itself, so
  // under load claims happen in every slot at once instead of queueing behind the poller.
  let slotSeq = 0;
  const startSlot = (firstRunId: string) => {
    const slot = slotSeq++;
    const done = (async () => {
      let next: string | undefined = firstRunId;
      while (next) {
        await driveOne(next);
        if (stopping) break;
        try {
          next = (await claimRuns(db, workerId, 1, leaseMs))[0]?.id;
        } catch (e) {
          log(`claim: ${e instanceof Error ? e.message : String(e)}`);
          next = undefined;
        }
      }
    })().finally(() => {
      slots.delete(slot);
      poke();
    });
    slots.set(slot, done);
  };

  let lastCron = 0;
  let lastPrune = 0;
  const retentionMs = (options.retentionDays ?? 7) * 86_400_000;
  const loop = (async () => {
    while (!stopping) {
      let claimedAll = false;
      try {
        if (Date.now() - lastCron >= CRON_CHECK_MS) {
          lastCron = Date.now();
          if ((await fireDueCrons(db)) > 0) claimedAll = true;
        }
        if (Date.now() - lastPrune >= PRUNE_EVERY_MS) {
          lastPrune = Date.now();
          const pruned = await pruneHistory(db, Date.now() - retentionMs);
          if (pruned > 0) log(`deleted ${pruned} finished run(s) and event(s) past retention`);
        }
        const free = maxRuns - slots.size;
        if (free > 0) {
          const claims = await claimRuns(db, workerId, free, leaseMs);
          for (const claim of claims) startSlot(claim.id);
          claimedAll = claimedAll || (claims.length > 0 && claims.length === free);
        }
      } catch (error) {
        log(`claim loop: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (stopping) break;
      if (claimedAll && slots.size < maxRuns) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  })();

  const stop = async (graceMs = 10_000) => {
    if (stopping) return;
    stopping = true;
    poke();
    await loop;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.all(slots.values()), timeout]);
    for (const abort of inFlight) abort.abort();
    await Promise.all(slots.values());
    clearInterval(heartbeatTimer);
    const released = await releaseAll(db, workerId);
    if (released > 0) log(`released ${released} run(s) for other workers`);
    await db.query("UPDATE ExecWorker SET stoppedAt = UTC_TIMESTAMP(3) WHERE id = ?", [workerId]);
    await db.end();
  };

  log(`worker ${workerId}: event API on ${eventUrl}, running up to ${maxRuns} runs at once`);
  return { workerId, eventUrl, db, sync, stop };
}
