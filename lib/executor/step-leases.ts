import { retrying, transaction, type Db } from "./db";
import { finishRun, type JsonError } from "./lifecycle";
import { completeStep, getRun, pendStep, type RunRow } from "./store";

// Step leases: the scale-out of one run (issue 19). The steps of a parallel batch (one call that
// planned several steps) are shared: each carries its own lease (ExecStep.leaseOwner/leaseUntil),
// and any worker sharing the database may claim one whose lease has passed and run it, the run's
// own lease holder included. A sequential step keeps leaseUntil null: the run's lease covers it,
// as before, at no extra cost.
//
// The guarantees are the run lease's, per step: a step is claimed by one worker at a time (the
// claim is a conditional UPDATE), its lease is renewed while its call is in flight, and its
// outcome is written only under the run's row lock while the step is still pending and leased
// to the writer — a worker that stalled past its lease, or whose run was cancelled, writes
// nothing. A worker that dies loses its step leases when they expire; the step is claimed again.
//
// The run's holder waits for steps leased elsewhere by handing the run back, queued for when the
// first of those leases expires; the worker that writes a shared step's outcome brings a queued
// run forward to now, as a finished child does for its parent.

/** Claims a shared, due step for `owner` unless another worker holds it. True when it is ours. */
export async function claimStep(
  db: Db,
  runId: string,
  stepId: string,
  owner: string,
  leaseMs: number,
  now = Date.now(),
): Promise<boolean> {
  const result: { affectedRows: number } = await retrying(() =>
    db.query(
      `UPDATE ExecStep SET leaseOwner = ?, leaseUntil = ?
        WHERE runId = ? AND id = ? AND status = 'pending' AND op = 'StepPlanned'
          AND availableAt <= ? AND leaseUntil < ?`,
      [owner, now + leaseMs, runId, stepId, now, now],
    ),
  );
  return result.affectedRows > 0;
}

/** Extends a step lease; false once it is not ours or the run is over (the call is abandoned). */
export async function renewStep(
  db: Db,
  runId: string,
  stepId: string,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  const result: { affectedRows: number } = await retrying(() =>
    db.query(
      `UPDATE ExecStep AS s JOIN ExecRun AS r ON r.id = s.runId SET s.leaseUntil = ?
        WHERE s.runId = ? AND s.id = ? AND s.leaseOwner = ? AND s.status = 'pending'
          AND s.leaseUntil IS NOT NULL AND r.status IN ('running', 'queued')`,
      [Date.now() + leaseMs, runId, stepId, owner],
    ),
  );
  return result.affectedRows > 0;
}

export type SharedStep = { runId: string; stepId: string };

/** Shared steps any worker may claim now (of active runs), oldest first. */
export async function findSharedSteps(
  db: Db,
  limit: number,
  now = Date.now(),
): Promise<SharedStep[]> {
  if (limit <= 0) return [];
  return db.query(
    `SELECT s.runId, s.id AS stepId FROM ExecStep AS s JOIN ExecRun AS r ON r.id = s.runId
      WHERE s.leaseUntil < ? AND s.status = 'pending' AND s.op = 'StepPlanned'
        AND s.availableAt <= ? AND r.status IN ('running', 'queued')
      ORDER BY s.availableAt LIMIT ?`,
    [now, now, limit],
  );
}

/** What one call of a shared step produced, as stored. */
export type SharedOutcome =
  | {
      kind: "done";
      step: { id: string; op: string; name: string };
      result: { data: unknown } | { error: unknown };
    }
  | {
      kind: "retry";
      step: { id: string; name: string; opts?: unknown };
      attempt: number;
      availableAt: number;
    }
  | { kind: "fail-run"; error: JsonError };

/**
 * Stores a shared step's outcome if the step is still pending and leased to `owner` and its run
 * still active; brings a run waiting in the queue for it forward. `written` false: nothing was
 * stored (the lease was lost or the run ended). `queued`: runs were queued (wake the claim loop).
 */
export async function writeSharedStep(
  db: Db,
  runId: string,
  stepId: string,
  owner: string,
  outcome: SharedOutcome,
  now = Date.now(),
): Promise<{ written: boolean; queued: boolean }> {
  return transaction(db, async (tx) => {
    const run: RunRow | null = await getRun(tx, runId, true);
    if (!run || (run.status !== "running" && run.status !== "queued"))
      return { written: false, queued: false };
    const rows: { status: string; leaseOwner: string | null; leaseUntil: number | null }[] =
      await tx.query(
        "SELECT status, leaseOwner, leaseUntil FROM ExecStep WHERE runId = ? AND id = ? FOR UPDATE",
        [runId, stepId],
      );
    const row = rows[0];
    if (!row || row.status !== "pending" || row.leaseOwner !== owner || row.leaseUntil === null)
      return { written: false, queued: false };
    if (outcome.kind === "fail-run") {
      const queued = await finishRun(tx, run, { status: "failed", error: outcome.error }, now);
      return { written: true, queued };
    }
    if (outcome.kind === "done") await completeStep(tx, runId, outcome.step, outcome.result, now);
    else
      await pendStep(
        tx,
        runId,
        {
          id: outcome.step.id,
          op: "StepPlanned",
          name: outcome.step.name,
          attempt: outcome.attempt,
          availableAt: outcome.availableAt,
          opts: outcome.step.opts,
          shared: true,
        },
        now,
      );
    if (run.status !== "queued") return { written: true, queued: false };
    await tx.query("UPDATE ExecRun SET availableAt = LEAST(availableAt, ?) WHERE id = ?", [
      outcome.kind === "done" ? now : outcome.availableAt,
      runId,
    ]);
    return { written: true, queued: true };
  });
}

/**
 * Hands back the shared steps this worker still holds (it is stopping and abandoned their calls):
 * claimable at once, and their runs, if queued waiting for them, due now.
 */
export async function releaseSteps(db: Db, owner: string, now = Date.now()): Promise<number> {
  const result: { affectedRows: number } = await db.query(
    `UPDATE ExecStep AS s JOIN ExecRun AS r ON r.id = s.runId
        SET s.leaseUntil = 0, r.availableAt = LEAST(r.availableAt, ?)
      WHERE s.leaseOwner = ? AND s.status = 'pending' AND s.leaseUntil > 0`,
    [now, owner],
  );
  return result.affectedRows;
}
