import { z } from "zod";
import { retrying, type Db, type Tx } from "./db";
import { eventMatches, expression, type FunctionDef } from "./functions";
import { newId } from "./ids";
import { completeStep, createRuns, getRun, loadFunctions, type NewRun, type RunRow } from "./store";

// Where events come in and runs end: trigger matching, cancelOn, and what a finished run owes
// its parent (an invoke result) and the onFailure handlers (inngest/function.failed). Both live
// here because each leads to the other: a failure emits an event, an event can cancel a run.

export const IncomingEvent = z.object({
  name: z.string().min(1).max(255),
  data: z.record(z.string(), z.unknown()).optional(),
  id: z.string().min(1).max(255).optional(),
  ts: z.number().int().nonnegative().optional(),
  v: z.string().max(64).optional(),
});
export type IncomingEvent = z.infer<typeof IncomingEvent>;

export type StoredEvent = {
  name: string;
  data: Record<string, unknown>;
  id: string;
  ts: number;
  v?: string;
};

const ER_DUP_ENTRY = 1062;

/**
 * A worker taking the runs it can start at once straight from the event API: they are created
 * leased to it, as a claim would lease them, and it starts them once the transaction committed.
 */
export type Handoff = {
  owner: string;
  leaseUntil: number;
  /** Whether the worker takes a run of this function (it has a free slot, no concurrency limit). */
  take: (fn: FunctionDef) => boolean;
  /** The runs created leased, filled in by ingestEvents. */
  leased: RunRow[];
  /** How many runs it created queued instead (for the claim loop). */
  queued: number;
};

/**
 * Stores events and, in the same transaction, creates the runs they trigger and cancels the runs
 * they cancel: an accepted event never loses its runs. Returns one id per event (the earlier id
 * for a duplicate of an event sent with the same `id`).
 */
export async function ingestEvents(
  tx: Tx,
  events: IncomingEvent[],
  now: number,
  handoff?: Handoff,
): Promise<string[]> {
  const fns = await loadFunctions(tx);
  const ids: string[] = [];
  const runs: NewRun[] = [];
  // Events sent without an id cannot be duplicates: they are inserted together, in one statement.
  const fresh: unknown[][] = [];
  for (const incoming of events) {
    const id = newId(now);
    const stored: StoredEvent = {
      name: incoming.name,
      data: incoming.data ?? {},
      id: incoming.id ?? id,
      ts: incoming.ts ?? now,
      ...(incoming.v ? { v: incoming.v } : {}),
    };
    if (incoming.id !== undefined) {
      const existing: { id: string }[] = await tx.query(
        "SELECT id FROM ExecEvent WHERE dedupeKey = ?",
        [incoming.id],
      );
      if (existing[0]) {
        ids.push(existing[0].id);
        continue;
      }
    }
    if (incoming.id === undefined) {
      fresh.push([id, stored.name, JSON.stringify(stored), null, now]);
    } else {
      try {
        await tx.query(
          "INSERT INTO ExecEvent (id, name, payload, dedupeKey, receivedAt) VALUES (?, ?, ?, ?, ?)",
          [id, stored.name, JSON.stringify(stored), incoming.id, now],
        );
      } catch (error) {
        if ((error as { errno?: number }).errno === ER_DUP_ENTRY) {
          ids.push(id);
          continue;
        }
        throw error;
      }
    }
    ids.push(id);
    for (const fn of fns.values()) {
      if (!triggeredBy(fn, stored)) continue;
      const lease =
        handoff && handoff.take(fn)
          ? { owner: handoff.owner, until: handoff.leaseUntil }
          : undefined;
      runs.push({ functionId: fn.id, eventId: id, event: stored, lease });
    }
    await cancelMatching(tx, fns, stored, now);
  }
  if (fresh.length > 0) {
    await tx.batch(
      "INSERT INTO ExecEvent (id, name, payload, dedupeKey, receivedAt) VALUES (?, ?, ?, ?, ?)",
      fresh,
    );
  }
  const created = await createRuns(tx, runs, now);
  if (handoff) {
    for (const run of created) {
      if (run.leaseOwner === null) handoff.queued++;
      else handoff.leased.push(run);
    }
  }
  return ids;
}

function triggeredBy(fn: FunctionDef, event: StoredEvent): boolean {
  return fn.triggers.some(
    (t) =>
      "event" in t &&
      eventMatches(t.event, event.name) &&
      (!t.expression || expression(t.expression).evaluate({ event })),
  );
}

async function cancelMatching(
  tx: Tx,
  fns: Map<string, FunctionDef>,
  incoming: StoredEvent,
  now: number,
): Promise<void> {
  for (const fn of fns.values()) {
    const rules = fn.cancel.filter((c) => eventMatches(c.event, incoming.name));
    if (rules.length === 0) continue;
    const candidates: { id: string; event: string; createdAt: number }[] = await tx.query(
      "SELECT id, event, createdAt FROM ExecRun WHERE functionId = ? AND status IN ('queued', 'running', 'waiting')",
      [fn.id],
    );
    for (const candidate of candidates) {
      const event: unknown = JSON.parse(candidate.event);
      const hit = rules.some(
        (rule) =>
          (rule.timeoutMs === undefined || now - candidate.createdAt <= rule.timeoutMs) &&
          (!rule.if || expression(rule.if).evaluate({ event, async: incoming })),
      );
      if (hit) await cancelRun(tx, candidate.id, `cancelled by event ${incoming.name}`, now);
    }
  }
}

/** Cancels an active run; false when it had already finished. */
export async function cancelRun(
  tx: Tx,
  runId: string,
  reason: string,
  now: number,
): Promise<boolean> {
  const run = await getRun(tx, runId, true);
  if (!run || !["queued", "running", "waiting"].includes(run.status)) return false;
  await finishRun(
    tx,
    run,
    { status: "cancelled", error: { name: "Cancelled", message: reason } },
    now,
  );
  return true;
}

export type JsonError = { name: string; message: string; stack?: string };

export type RunOutcome =
  | { status: "completed"; output: unknown }
  | { status: "failed"; error: JsonError }
  | { status: "cancelled"; error: JsonError };

/**
 * finishRun for a run that completed and has no parent, which is all that it has to do then, as
 * one statement outside a transaction, if the run is still leased to `owner` (the UPDATE locks
 * the row and checks the lease on its latest version). False when it was not ours any more.
 */
export async function completeLeasedRun(
  db: Db,
  run: RunRow,
  owner: string,
  output: unknown,
  now: number,
): Promise<boolean> {
  if (run.parentRunId !== null) throw new Error("completeLeasedRun: the run has a parent");
  const written: { affectedRows: number } = await retrying(() =>
    db.query(
      `UPDATE ExecRun SET status = 'completed', output = ?, error = NULL, finishedAt = ?,
         leaseOwner = NULL, leaseUntil = NULL
       WHERE id = ? AND status = 'running' AND leaseOwner = ?`,
      [JSON.stringify(output ?? null), now, run.id, owner],
    ),
  );
  return written.affectedRows > 0;
}

/**
 * Ends a run: records the outcome, resumes an invoking parent, announces a failure. Returns
 * whether that queued other runs (the parent, a failure handler).
 */
export async function finishRun(
  tx: Tx,
  run: RunRow,
  outcome: RunOutcome,
  now: number,
): Promise<boolean> {
  let queued = false;
  await tx.query(
    `UPDATE ExecRun SET status = ?, output = ?, error = ?, finishedAt = ?, leaseOwner = NULL,
       leaseUntil = NULL WHERE id = ?`,
    [
      outcome.status,
      outcome.status === "completed" ? JSON.stringify(outcome.output ?? null) : null,
      outcome.status === "completed" ? null : JSON.stringify(outcome.error),
      now,
      run.id,
    ],
  );
  // Children of a cancelled or failed run have nobody left to report to.
  if (outcome.status !== "completed") {
    const children: { id: string }[] = await tx.query(
      "SELECT id FROM ExecRun WHERE parentRunId = ? AND status IN ('queued', 'running', 'waiting')",
      [run.id],
    );
    for (const child of children) await cancelRun(tx, child.id, `parent run ${run.id} ended`, now);
  }
  if (run.parentRunId && run.parentStepId) {
    const pending: { op: string; name: string }[] = await tx.query(
      "SELECT op, name FROM ExecStep WHERE runId = ? AND id = ? AND status = 'pending' FOR UPDATE",
      [run.parentRunId, run.parentStepId],
    );
    if (pending[0]) {
      const result =
        outcome.status === "completed"
          ? { data: outcome.output ?? null }
          : { error: outcome.error };
      await completeStep(tx, run.parentRunId, { id: run.parentStepId, ...pending[0] }, result, now);
      await tx.query(
        "UPDATE ExecRun SET status = IF(status = 'waiting', 'queued', status), availableAt = ? WHERE id = ? AND status IN ('queued', 'waiting', 'running')",
        [now, run.parentRunId],
      );
      queued = true;
    }
  }
  if (outcome.status === "failed") {
    queued = true;
    await ingestEvents(
      tx,
      [
        {
          name: "inngest/function.failed",
          data: {
            function_id: run.functionId,
            run_id: run.id,
            error: outcome.error,
            event: JSON.parse(run.event) as unknown,
          },
        },
      ],
      now,
    );
  }
  return queued;
}
