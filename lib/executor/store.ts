import { z } from "zod";
import { retrying, type Db, type Tx } from "./db";
import { FunctionDef } from "./functions";
import { newId } from "./ids";

// Row shapes of the executor's tables (see prisma/schema.prisma, "The local executor's durable
// state") and the statements more than one module needs.

type Queryable = Db | Tx;

export const RunStatus = z.enum([
  "queued",
  "running",
  "waiting",
  "completed",
  "failed",
  "cancelled",
]);
export const ACTIVE_STATUSES = ["queued", "running", "waiting"] as const;

export const RunRow = z.object({
  id: z.string(),
  functionId: z.string(),
  eventId: z.string(),
  event: z.string(),
  status: RunStatus,
  availableAt: z.number(),
  leaseOwner: z.string().nullable(),
  leaseUntil: z.number().nullable(),
  attempt: z.number(),
  disableImmediate: z.union([z.boolean(), z.number()]).transform(Boolean),
  output: z.string().nullable(),
  error: z.string().nullable(),
  parentRunId: z.string().nullable(),
  parentStepId: z.string().nullable(),
  createdAt: z.number(),
  firstStepAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
});
export type RunRow = z.infer<typeof RunRow>;

export const StepRow = z.object({
  id: z.string(),
  op: z.string(),
  name: z.string(),
  status: z.enum(["pending", "done"]),
  attempt: z.number(),
  availableAt: z.number().nullable(),
  opts: z.string().nullable(),
  result: z.string().nullable(),
  seq: z.number().nullable(),
  childRunId: z.string().nullable(),
  // A shared step of a parallel batch (step-leases.ts): null leaseUntil means the run's lease
  // covers the step; else any worker may claim it once leaseUntil has passed.
  leaseOwner: z.string().nullable(),
  leaseUntil: z.number().nullable(),
});
export type StepRow = z.infer<typeof StepRow>;

/** What a driver knows of a run it holds: its row and its steps, as last read or written. */
export type Snapshot = { run: RunRow; steps: StepRow[] };

export const RUN_COLUMNS =
  "id, functionId, eventId, event, status, availableAt, leaseOwner, leaseUntil, attempt, disableImmediate, output, error, parentRunId, parentStepId, createdAt, firstStepAt, finishedAt";

export async function getRun(q: Queryable, id: string, forUpdate = false): Promise<RunRow | null> {
  const rows: unknown[] = await q.query(
    `SELECT ${RUN_COLUMNS} FROM ExecRun WHERE id = ?${forUpdate ? " FOR UPDATE" : ""}`,
    [id],
  );
  return rows[0] ? RunRow.parse(rows[0]) : null;
}

const STEP_COLUMNS =
  "id, op, name, status, attempt, availableAt, opts, result, seq, childRunId, leaseOwner, leaseUntil";

export async function getSteps(q: Queryable, runId: string): Promise<StepRow[]> {
  const rows: unknown[] = await q.query(`SELECT ${STEP_COLUMNS} FROM ExecStep WHERE runId = ?`, [
    runId,
  ]);
  return z.array(StepRow).parse(rows);
}

/** The steps of several runs in one query, by run id (a run without steps maps to []). */
export async function getStepsOf(q: Queryable, runIds: string[]): Promise<Map<string, StepRow[]>> {
  const byRun = new Map<string, StepRow[]>(runIds.map((id) => [id, []]));
  if (runIds.length === 0) return byRun;
  const rows: { runId: string }[] = await q.query(
    `SELECT runId, ${STEP_COLUMNS} FROM ExecStep WHERE runId IN (?)`,
    [runIds],
  );
  for (const row of rows) byRun.get(row.runId)?.push(StepRow.parse(row));
  return byRun;
}

// --- functions ------------------------------------------------------------------------------

let cache: { at: number; byId: Map<string, FunctionDef> } | undefined;
const CACHE_MS = 500;

/** Synced functions; cached briefly because every event intake and run step reads them. */
export async function loadFunctions(
  q: Queryable,
  fresh = false,
): Promise<Map<string, FunctionDef>> {
  if (!fresh && cache && Date.now() - cache.at < CACHE_MS) return cache.byId;
  const rows: { config: string }[] = await q.query("SELECT config FROM ExecFunction");
  const byId = new Map<string, FunctionDef>();
  for (const row of rows) {
    const def = FunctionDef.parse(JSON.parse(row.config));
    byId.set(def.id, def);
  }
  cache = { at: Date.now(), byId };
  return byId;
}

export function forgetFunctions(): void {
  cache = undefined;
}

// --- runs ------------------------------------------------------------------------------------

export type NewRun = {
  functionId: string;
  eventId: string;
  event: Record<string, unknown>;
  parentRunId?: string;
  parentStepId?: string;
  availableAt?: number;
  /** Created already leased to this owner (as a claim would), for its worker to start at once. */
  lease?: { owner: string; until: number };
};

/** Inserts runs in one statement; returns their rows as inserted. */
export async function createRuns(tx: Tx, runs: NewRun[], now: number): Promise<RunRow[]> {
  if (runs.length === 0) return [];
  const rows: RunRow[] = runs.map((run) => ({
    id: newId(now),
    functionId: run.functionId,
    eventId: run.eventId,
    event: JSON.stringify(run.event),
    status: run.lease ? "running" : "queued",
    availableAt: run.availableAt ?? now,
    leaseOwner: run.lease?.owner ?? null,
    leaseUntil: run.lease?.until ?? null,
    attempt: 0,
    disableImmediate: false,
    output: null,
    error: null,
    parentRunId: run.parentRunId ?? null,
    parentStepId: run.parentStepId ?? null,
    createdAt: now,
    firstStepAt: run.lease ? now : null,
    finishedAt: null,
  }));
  await tx.batch(
    "INSERT INTO ExecRun (id, functionId, eventId, event, status, availableAt, leaseOwner, leaseUntil, parentRunId, parentStepId, createdAt, firstStepAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    rows.map((row) => [
      row.id,
      row.functionId,
      row.eventId,
      row.event,
      row.status,
      row.availableAt,
      row.leaseOwner,
      row.leaseUntil,
      row.parentRunId,
      row.parentStepId,
      row.createdAt,
      row.firstStepAt,
    ]),
  );
  return rows;
}

/**
 * Stores a step's final result (memoised for every later call) at the end of the stack: its seq
 * is the run's highest plus one, taken in the same statement. Returns the stored result text.
 */
export async function completeStep(
  tx: Tx,
  runId: string,
  step: { id: string; op: string; name: string },
  result: { data: unknown } | { error: unknown },
  now: number,
): Promise<string> {
  const text = JSON.stringify(result);
  await tx.query(
    `INSERT INTO ExecStep (runId, id, op, name, status, result, seq, updatedAt, availableAt)
     SELECT ?, ?, ?, ?, 'done', ?, COALESCE(MAX(prior.seq), -1) + 1, ?, NULL
       FROM ExecStep AS prior WHERE prior.runId = ?
     ON DUPLICATE KEY UPDATE status = 'done', result = VALUES(result), seq = VALUES(seq),
       updatedAt = VALUES(updatedAt), availableAt = NULL, leaseUntil = NULL`,
    [runId, step.id, step.op, step.name.slice(0, 255), text, now, runId],
  );
  return text;
}

/**
 * completeStep as one statement outside a transaction, if the run is still leased to `owner`:
 * the INSERT reads the run row with a lock (FOR UPDATE), so it sees a cancellation or a lost
 * lease committed before it, and nothing can take the lease until it is done. Returns the
 * stored result text, or null when the lease is no longer ours (nothing was written).
 */
export async function completeLeasedStep(
  db: Db,
  runId: string,
  owner: string,
  step: { id: string; op: string; name: string },
  result: { data: unknown } | { error: unknown },
  now: number,
): Promise<string | null> {
  const text = JSON.stringify(result);
  const written: { affectedRows: number } = await retrying(() =>
    db.query(
      `INSERT INTO ExecStep (runId, id, op, name, status, result, seq, updatedAt, availableAt)
       SELECT r.id, ?, ?, ?, 'done', ?,
         (SELECT COALESCE(MAX(prior.seq), -1) + 1 FROM ExecStep AS prior WHERE prior.runId = r.id),
         ?, NULL
         FROM ExecRun AS r WHERE r.id = ? AND r.status = 'running' AND r.leaseOwner = ? FOR UPDATE
       ON DUPLICATE KEY UPDATE status = 'done', result = VALUES(result), seq = VALUES(seq),
         updatedAt = VALUES(updatedAt), availableAt = NULL, leaseUntil = NULL`,
      [step.id, step.op, step.name.slice(0, 255), text, now, runId, owner],
    ),
  );
  return written.affectedRows > 0 ? text : null;
}

export async function pendStep(
  tx: Tx,
  runId: string,
  step: {
    id: string;
    op: string;
    name: string;
    attempt: number;
    availableAt: number | null;
    opts?: unknown;
    childRunId?: string | null;
    /** A step of a parallel batch: any worker sharing the database may claim it. */
    shared?: boolean;
  },
  now: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO ExecStep (runId, id, op, name, status, attempt, availableAt, opts, childRunId, updatedAt, leaseUntil)
     VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE op = VALUES(op), name = VALUES(name), attempt = VALUES(attempt),
       availableAt = VALUES(availableAt), opts = VALUES(opts), childRunId = VALUES(childRunId),
       updatedAt = VALUES(updatedAt), leaseOwner = NULL, leaseUntil = VALUES(leaseUntil)`,
    [
      runId,
      step.id,
      step.op,
      step.name.slice(0, 255),
      step.attempt,
      step.availableAt,
      step.opts === undefined ? null : JSON.stringify(step.opts),
      step.childRunId ?? null,
      now,
      step.shared ? 0 : null,
    ],
  );
}

/** Leaves the executor's hands: queued again at `availableAt`, or waiting for a child run. */
export async function releaseRun(
  tx: Tx,
  runId: string,
  next: { status: "queued" | "waiting"; availableAt: number; attempt?: number },
): Promise<void> {
  await tx.query(
    `UPDATE ExecRun SET status = ?, availableAt = ?, attempt = COALESCE(?, attempt),
       leaseOwner = NULL, leaseUntil = NULL WHERE id = ?`,
    [next.status, next.availableAt, next.attempt ?? null, runId],
  );
}
