import { parseCron, nextCronTime } from "./cron";
import { transaction, type Db } from "./db";
import { newId } from "./ids";
import { createRuns } from "./store";

// Fires due cron schedules. The row lock (SKIP LOCKED) lets exactly one worker fire a given
// tick; a worker that was down fires a missed schedule once, then continues from now.

export async function fireDueCrons(db: Db, now = Date.now()): Promise<number> {
  return transaction(db, async (tx) => {
    const due: { functionId: string; schedule: string; nextAt: number }[] = await tx.query(
      "SELECT functionId, schedule, nextAt FROM ExecCron WHERE nextAt <= ? FOR UPDATE SKIP LOCKED",
      [now],
    );
    for (const row of due) {
      const eventId = newId(now);
      const event = {
        name: "inngest/scheduled.timer",
        data: { cron: row.schedule },
        id: eventId,
        ts: row.nextAt,
      };
      await tx.query(
        "INSERT INTO ExecEvent (id, name, payload, dedupeKey, receivedAt) VALUES (?, ?, ?, NULL, ?)",
        [eventId, event.name, JSON.stringify(event), now],
      );
      await createRuns(tx, [{ functionId: row.functionId, eventId, event }], now);
      const next = nextCronTime(parseCron(row.schedule), now);
      if (next === null)
        await tx.query("DELETE FROM ExecCron WHERE functionId = ? AND schedule = ?", [
          row.functionId,
          row.schedule,
        ]);
      else
        await tx.query("UPDATE ExecCron SET nextAt = ? WHERE functionId = ? AND schedule = ?", [
          next,
          row.functionId,
          row.schedule,
        ]);
    }
    return due.length;
  });
}
