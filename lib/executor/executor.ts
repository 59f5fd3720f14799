import type { AddressInfo } from "node:net";
import os from "node:os";
import { logger } from "@/lib/log/logger";
import { fireDueCrons } from "./cron-tick";
import { createDb, type Db } from "./db";
import { RunDriver } from "./driver";
import { createEventServer } from "./event-server";
import { newId } from "./ids";
import { localOrigins, serveLocally } from "./local-api";
import { claimRuns, releaseAll, renewLease, type Claim } from "./leases";
import type { Handoff } from "./lifecycle";
import { pruneHistory } from "./retention";
import { findSharedSteps, releaseSteps } from "./step-leases";
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
  /**
   * Steps of parallel batches (shared steps, step-leases.ts) this worker runs at once, its own
   * runs' and other workers' together; a run's holder always runs at least one. Default: as many
   * as maxConcurrentRuns.
   */
  maxParallelSteps?: number;
  leaseMs?: number;
  pollMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  requestTimeoutMs?: number;
  /** Finished runs and old events are deleted after this many days. */
  retentionDays?: number;
  /**
   * Offer the SDK checkpointing (driver.ts): a function whose client allows it runs its
   * sequential steps in one call. Default true; a client with `checkpointing: false` ignores it.
   */
  checkpointing?: boolean;
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
// How often an idle worker looks for shared steps of other workers' runs (one SELECT); a worker
// that just finished one looks again at once.
const HELP_POLL_MS = 500;

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
  const maxSteps = options.maxParallelSteps ?? maxRuns;
  const db = createDb(options.databaseUrl, maxRuns + maxSteps + 4);
  let stepsInFlight = 0;
  let helpWake: (() => void) | null = null;
  const stepSlots = {
    take: (wanted: number, atLeast: number) => {
      const n = Math.max(atLeast, Math.min(wanted, maxSteps - stepsInFlight));
      stepsInFlight += n;
      return n;
    },
    give: (n: number) => {
      stepsInFlight -= n;
      if (n > 0) helpWake?.();
    },
  };
  const driver = new RunDriver({
    db,
    owner: workerId,
    signingKey: options.signingKey,
    backoffMs: backoff(options.backoffBaseMs ?? 1_000, options.backoffMaxMs ?? 10 * 60_000),
    requestTimeoutMs: options.requestTimeoutMs ?? 15 * 60_000,
    serveUrl: options.serveUrl,
    log,
    onQueued: () => poke(),
    leaseMs,
    stepSlots,
    checkpointing: options.checkpointing ?? true,
  });

  let stopping = false;
  let wake: (() => void) | null = null;
  const poke = () => wake?.();
  const slots = new Map<number, Promise<void>>();
  const inFlight = new Set<AbortController>();
  // Runs claimed ahead, in one claim with the run a slot needed, for slots that are busy now.
  const ahead: Claim[] = [];
  // Slots promised to runs being claimed or handed over, not started yet.
  let reserved = 0;
  const capacity = () => maxRuns - slots.size - reserved;
  // Set once the slots below exist: until then the event API queues every run.
  let accepting = false;

  const sync = async () => {
    const defs = await syncApp(db, options.serveUrl, options.signingKey);
    log(`synced ${defs.length} function(s) from ${options.serveUrl}`);
  };
  await sync();

  // The event API hands this worker the new runs it has free slots for, already leased, so that
  // they start without a claim; the rest are queued for the claim loop (of any worker).
  const handoff = () => {
    let taken = 0;
    const h: Handoff & { reset: () => void; settle: (committed: boolean) => void } = {
      owner: workerId,
      leaseUntil: Date.now() + leaseMs,
      leased: [],
      queued: 0,
      take: (fn) => {
        if (!accepting || stopping || fn.concurrencyLimit !== null || capacity() <= 0) return false;
        reserved++;
        taken++;
        return true;
      },
      reset: () => {
        reserved -= taken;
        taken = 0;
        h.leased = [];
        h.queued = 0;
      },
      settle: (committed) => {
        reserved -= taken;
        taken = 0;
        if (committed) for (const run of h.leased) startSlot({ run, steps: [] });
      },
    };
    return h;
  };

  const { server, answer } = createEventServer({
    db,
    eventKey: options.eventKey,
    signingKey: options.signingKey,
    onEvents: poke,
    handoff,
    log,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.eventPort, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const eventUrl = `http://${address.address}:${address.port}`;
  // Clients in this process given localFetch (the app's client, lib/events/client.ts) reach the
  // event API without a socket: a run's checkpoints and the events its functions send.
  const unserveLocally = serveLocally(localOrigins(address.address, address.port), answer);

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

  const driveOne = async (claim: Claim) => {
    const runId = claim.run.id;
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
      await driver.drive(runId, abort.signal, () => stopping, claim);
    } catch (e) {
      log(`run ${runId}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } finally {
      clearInterval(renew);
      inFlight.delete(abort);
    }
  };

  /** A run claimed ahead, if its lease is still ours (renewed when half of it is gone). */
  const fromAhead = async (): Promise<Claim | undefined> => {
    for (let claim = ahead.shift(); claim; claim = ahead.shift()) {
      if ((claim.run.leaseUntil ?? 0) - Date.now() > leaseMs / 2) return claim;
      if (await renewLease(db, claim.run.id, workerId, leaseMs)) return claim;
    }
    return undefined;
  };

  /**
   * The next run for a slot that finished one: claimed ahead, else claimed now together with
   * enough runs to feed the other slots as they finish (one claim transaction for many runs).
   */
  const nextRun = async (): Promise<Claim | undefined> => {
    const queued = await fromAhead();
    if (queued || stopping) return queued;
    const [first, ...rest] = await claimRuns(db, workerId, maxRuns, leaseMs);
    ahead.push(...rest);
    // Slots that came free meanwhile take them at once.
    if (rest.length > 0 && capacity() > 0) poke();
    return first;
  };

  // A slot drives runs one after another: when a run is done it takes the next one itself, so
  // under load claims happen in every slot at once instead of queueing behind the poller.
  let slotSeq = 0;
  const startSlot = (first: Claim) => {
    const slot = slotSeq++;
    const done = (async () => {
      let next: Claim | undefined = first;
      while (next) {
        await driveOne(next);
        if (stopping) break;
        try {
          next = await nextRun();
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

  accepting = true;
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
        while (capacity() > 0) {
          const claim = await fromAhead();
          if (!claim) break;
          startSlot(claim);
        }
        const free = capacity();
        if (free > 0) {
          reserved += free;
          let claims: Claim[];
          try {
            claims = await claimRuns(db, workerId, free, leaseMs);
          } finally {
            reserved -= free;
          }
          for (const claim of claims) startSlot(claim);
          claimedAll = claimedAll || (claims.length > 0 && claims.length === free);
        }
      } catch (error) {
        log(`claim loop: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (stopping) break;
      if (claimedAll && capacity() > 0) continue;
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

  // Helping: shared steps of runs other workers hold (or queued ones), run here while this worker
  // has step capacity to spare. This is what spreads one run's parallel steps over workers.
  const helping = new Set<Promise<void>>();
  const helpAbort = new AbortController();
  const helpLoop = (async () => {
    while (!stopping) {
      let found = 0;
      try {
        const free = maxSteps - stepsInFlight;
        for (const candidate of await findSharedSteps(db, free)) {
          if (stopping || stepSlots.take(1, 0) === 0) break;
          found++;
          const call = driver
            .helpStep(candidate, helpAbort.signal)
            .then(() => undefined)
            .catch((e: unknown) =>
              log(`step of run ${candidate.runId}: ${e instanceof Error ? e.message : String(e)}`),
            )
            .finally(() => helping.delete(call));
          helping.add(call);
        }
      } catch (error) {
        log(`help loop: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (stopping) break;
      if (found > 0 && stepsInFlight < maxSteps) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, HELP_POLL_MS);
        helpWake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      helpWake = null;
    }
  })();

  const stop = async (graceMs = 10_000) => {
    if (stopping) return;
    stopping = true;
    poke();
    helpWake?.();
    await loop;
    await helpLoop;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.all([...slots.values(), ...helping]), timeout]);
    for (const abort of inFlight) abort.abort();
    helpAbort.abort();
    await Promise.all([...slots.values(), ...helping]);
    // Until here the calls in flight could still checkpoint in process (over HTTP they cannot once
    // the server closed above; the SDK then hands its steps back in the call's answer).
    unserveLocally();
    clearInterval(heartbeatTimer);
    // Runs claimed ahead go back with the rest.
    ahead.length = 0;
    const released = await releaseAll(db, workerId);
    if (released > 0) log(`released ${released} run(s) for other workers`);
    const steps = await releaseSteps(db, workerId);
    if (steps > 0) log(`released ${steps} step(s) for other workers`);
    await db.query("UPDATE ExecWorker SET stoppedAt = UTC_TIMESTAMP(3) WHERE id = ?", [workerId]);
    await db.end();
  };

  log(`worker ${workerId}: event API on ${eventUrl}, running up to ${maxRuns} runs at once`);
  return { workerId, eventUrl, db, sync, stop };
}
