import "server-only";
import { db } from "@/lib/db/client";
import { sqlTime } from "./sql-time";

// Retention of raw posts: per tracker, posts stored longer ago than retentionDays go, and so do the
// oldest beyond retentionMaxPosts. Aggregates and term counts stay, so charts keep their history.
// Deletes run in slices so a big backlog never holds long locks against the consumer.
//
// Only archived posts go: the raw archive (archive.ts) cuts hours in order, so every post that
// arrived before the end of the tracker's last archived hour is in the archive, and none after it
// may be deleted yet — however old, and whatever the caps say. A tracker whose archive is stuck
// (its owner's Drive is full) keeps its posts; the per-user and total caps (caps.ts) then pause
// its ingestion rather than lose them.

const SLICE = 5_000;
const DAY = 24 * 60 * 60 * 1000;
const HOUR = 3_600_000;

/** The end of the tracker's last archived hour: every post received before it is archived. */
export async function archivedBefore(trackerId: string): Promise<number | null> {
  const last = await db.pulseArchive.findFirst({
    where: { trackerId },
    orderBy: { hour: "desc" },
    select: { hour: true },
  });
  return last ? last.hour.getTime() + HOUR : null;
}

async function deleteInSlices(run: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await run();
    total += n;
    if (n < SLICE) return total;
  }
}

export async function prunePosts(now = Date.now()): Promise<{ trackers: number; posts: number }> {
  const trackers = await db.pulseTracker.findMany({
    select: { id: true, retentionDays: true, retentionMaxPosts: true },
    orderBy: { id: "asc" },
  });
  let posts = 0;
  for (const t of trackers) {
    const archived = await archivedBefore(t.id);
    if (archived === null) continue;
    const safe = sqlTime(archived);
    const cutoff = sqlTime(Math.min(archived, now - t.retentionDays * DAY));
    posts += await deleteInSlices(
      () =>
        db.$executeRaw`DELETE FROM PulsePost WHERE trackerId = ${t.id} AND receivedAt < ${cutoff} ORDER BY receivedAt LIMIT ${SLICE}`,
    );
    // The newest retentionMaxPosts stay; ids grow with insertion, so "oldest" is "smallest id".
    const [edge] = await db.$queryRaw<{ id: bigint }[]>`
      SELECT id FROM PulsePost WHERE trackerId = ${t.id}
      ORDER BY id DESC LIMIT 1 OFFSET ${t.retentionMaxPosts}`;
    if (edge) {
      posts += await deleteInSlices(
        () =>
          db.$executeRaw`DELETE FROM PulsePost WHERE trackerId = ${t.id} AND id <= ${edge.id} AND receivedAt < ${safe} ORDER BY id LIMIT ${SLICE}`,
      );
    }
  }
  return { trackers: trackers.length, posts };
}
