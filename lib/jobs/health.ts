import "server-only";
import { db } from "@/lib/db/client";

// A worker writes a heartbeat every 5 s (lib/executor/executor.ts). Three missed beats mean no
// background function will run, which /api/health reports.
export const WORKER_STALE_MS = 15_000;

/** Throws unless some worker's heartbeat is recent. */
export async function checkWorker(now = Date.now()): Promise<void> {
  const latest = await db.execWorker.findFirst({
    where: { stoppedAt: null },
    orderBy: { heartbeatAt: "desc" },
    select: { heartbeatAt: true },
  });
  if (!latest) throw new Error("no job worker is running (start it with npm run worker)");
  const age = now - latest.heartbeatAt.getTime();
  if (age > WORKER_STALE_MS) {
    throw new Error(`no job worker heartbeat for ${Math.round(age / 1000)} s`);
  }
}
