import { transaction, type Db } from "./db";
import { getStepsOf, loadFunctions, RUN_COLUMNS, RunRow, type Snapshot } from "./store";

// Claiming runs. Candidates are locked with SKIP LOCKED, so workers polling together split the
// queue instead of queueing behind each other. A run whose holder died is claimable again once its
// lease expires. Functions with a concurrency limit are counted under their ExecFunction row
// lock: two workers claiming for the same function take turns, and the second sees the first's
// claim (READ COMMITTED), so the limit holds across workers.

/** A claimed run with its row and steps as of the claim, so its driver need not read them. */
export type Claim = Snapshot;

export async function claimRuns(
  db: Db,
  owner: string,
  max: number,
  leaseMs: number,
  now = Date.now(),
): Promise<Claim[]> {
  if (max <= 0) return [];
  return transaction(db, async (tx) => {
    const rows: unknown[] = await tx.query(
      `SELECT ${RUN_COLUMNS} FROM ExecRun
        WHERE (status = 'queued' AND availableAt <= ?) OR (status = 'running' AND leaseUntil < ?)
        ORDER BY availableAt LIMIT ? FOR UPDATE SKIP LOCKED`,
      [now, now, max * 4 + 16],
    );
    const candidates = rows.map((row) => RunRow.parse(row));
    const fns = await loadFunctions(tx);
    const claimed: Claim[] = [];
    const taken = new Map<string, number>();
    for (const c of candidates) {
      if (claimed.length >= max) break;
      const limit = fns.get(c.functionId)?.concurrencyLimit ?? null;
      if (limit !== null) {
        let running = taken.get(c.functionId);
        if (running === undefined) {
          await tx.query("SELECT id FROM ExecFunction WHERE id = ? FOR UPDATE", [c.functionId]);
          const rows: { n: number }[] = await tx.query(
            "SELECT COUNT(*) AS n FROM ExecRun WHERE functionId = ? AND status = 'running' AND leaseUntil >= ?",
            [c.functionId, now],
          );
          running = rows[0]?.n ?? 0;
        }
        if (running >= limit) {
          taken.set(c.functionId, running);
          continue;
        }
        taken.set(c.functionId, running + 1);
      }
      claimed.push({
        run: {
          ...c,
          status: "running",
          leaseOwner: owner,
          leaseUntil: now + leaseMs,
          firstStepAt: c.firstStepAt ?? now,
        },
        steps: [],
      });
    }
    if (claimed.length === 0) return claimed;
    await tx.query(
      `UPDATE ExecRun SET status = 'running', leaseOwner = ?, leaseUntil = ?, firstStepAt = COALESCE(firstStepAt, ?)
        WHERE id IN (?)`,
      [owner, now + leaseMs, now, claimed.map((c) => c.run.id)],
    );
    // Only a run that was leased before can have steps (its lease holder writes them), so a run
    // claimed for the first time needs no read.
    const fresh = new Set(candidates.filter((c) => c.firstStepAt === null).map((c) => c.id));
    const resumed = claimed.filter((c) => !fresh.has(c.run.id));
    const steps = await getStepsOf(
      tx,
      resumed.map((c) => c.run.id),
    );
    for (const c of resumed) c.steps = steps.get(c.run.id) ?? [];
    return claimed;
  });
}

/** Extends a lease; false when it is no longer ours (expired and taken, or the run ended). */
export async function renewLease(
  db: Db,
  runId: string,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  const result: { affectedRows: number } = await db.query(
    "UPDATE ExecRun SET leaseUntil = ? WHERE id = ? AND leaseOwner = ? AND status = 'running'",
    [Date.now() + leaseMs, runId, owner],
  );
  return result.affectedRows > 0;
}

/** Hands back every run this worker still holds, for another worker to take right away. */
export async function releaseAll(db: Db, owner: string): Promise<number> {
  const result: { affectedRows: number } = await db.query(
    "UPDATE ExecRun SET status = 'queued', leaseOwner = NULL, leaseUntil = NULL WHERE leaseOwner = ? AND status = 'running'",
    [owner],
  );
  return result.affectedRows;
}
