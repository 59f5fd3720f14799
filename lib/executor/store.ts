import { z } from "zod";
import type { Db, Tx } from "./db";
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
});
export type StepRow = z.infer<typeof StepRow>;

const RUN_COLUMNS =
  "id, functionId, eventId, event, status, availableAt, leaseOwner, leaseUntil, attempt, disableImmediate, output, error, parentRunId, parentStepId, createdAt, firstStepAt, finishedAt";

export async function getRun(q: Queryable, id: string, forUpdate = false): Promise<RunRow | null> {
  const rows: unknown[] = await q.query(
    `SELECT ${RUN_COLUMNS} FROM ExecRun WHERE id = ?${forUpdate ? " FOR UPDATE" : ""}`,
    [id],
  );
  return rows[0] ? RunRow.parse(rows[0]) : null;
}

export async function getSteps(q: Queryable, runId: string): Promise<StepRow[]> {
  const rows: unknown[] = await q.query(
    "SELECT id, op, name, status, attempt, availableAt, opts, result, seq, childRunId FROM ExecStep WHERE runId = ?",
    [runId],
  );
  return z.array(StepRow).parse(rows);
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
};

export async function createRuns(tx: Tx, runs: NewRun[], now: number): Promise<string[]> {
  if (runs.length === 0) return [];
  const ids = runs.map(() => newId(now));
  await tx.batch(
    "INSERT INTO ExecRun (id, functionId, eventId, event, status, availableAt, parentRunId, parentStepId, createdAt) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?)",
    runs.map((run, i) => [
      ids[i],
      run.functionId,
      run.eventId,
      JSON.stringify(run.event),
      run.availableAt ?? now,
      run.parentRunId ?? null,
      run.parentStepId ?? null,
      now,
    ]),
  );
  return ids;
}

export async function nextSeq(tx: Tx, runId: string): Promise<number> {
  const rows: { seq: number | null }[] = await tx.query(
    "SELECT MAX(seq) AS seq FROM ExecStep WHERE runId = ?",
    [runId],
  );
  return (rows[0]?.seq ?? -1) + 1;
}

/** Stores a step's final result (memoised for every later call) at the end of the stack. */
export async function completeStep(
  tx: Tx,
  runId: string,
  step: { id: string; op: string; name: string },
  result: { data: unknown } | { error: unknown },
  now: number,
): Promise<void> {
  const seq = await nextSeq(tx, runId);
  await tx.query(
    `INSERT INTO ExecStep (runId, id, op, name, status, result, seq, updatedAt, availableAt)
     VALUES (?, ?, ?, ?, 'done', ?, ?, ?, NULL)
     ON DUPLICATE KEY UPDATE status = 'done', result = VALUES(result), seq = VALUES(seq),
       updatedAt = VALUES(updatedAt), availableAt = NULL`,
    [runId, step.id, step.op, step.name.slice(0, 255), JSON.stringify(result), seq, now],
  );
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
  },
  now: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO ExecStep (runId, id, op, name, status, attempt, availableAt, opts, childRunId, updatedAt)
     VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE op = VALUES(op), name = VALUES(name), attempt = VALUES(attempt),
       availableAt = VALUES(availableAt), opts = VALUES(opts), childRunId = VALUES(childRunId),
       updatedAt = VALUES(updatedAt)`,
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
