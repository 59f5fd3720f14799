import type { Db } from "./db";

// Finished runs (their steps cascade) and old events are history nobody reads after a while.
// Deleted in small batches so no statement holds locks the claim loop would wait on. Events
// older than the cutoff no longer deduplicate a resend with the same id, as with Inngest (24 h).
const BATCH = 1000;

export async function pruneHistory(db: Db, cutoff: number): Promise<number> {
  let total = 0;
  for (;;) {
    const runs: { affectedRows: number } = await db.query(
      `DELETE FROM ExecRun WHERE status IN ('completed', 'failed', 'cancelled') AND finishedAt < ? LIMIT ${BATCH}`,
      [cutoff],
    );
    const events: { affectedRows: number } = await db.query(
      `DELETE FROM ExecEvent WHERE receivedAt < ? LIMIT ${BATCH}`,
      [cutoff],
    );
    total += runs.affectedRows + events.affectedRows;
    if (runs.affectedRows < BATCH && events.affectedRows < BATCH) return total;
  }
}
