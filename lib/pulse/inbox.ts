import "server-only";
import { createHash } from "node:crypto";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { sqlTime } from "./sql-time";
import type { IncomingPost } from "./types";

// The listener's staged batches. A `stratus/pulse.posts` event used to carry its posts: the event
// API parsed and canonicalised them, the executor stored and re-read them, and the SDK parsed,
// canonicalised and HMAC-checked them on each of a run's calls — about 4/5 of the worker's CPU per
// post, against ~16 µs for scoring. Now the listener stores a batch's posts in PulseInbox first and
// the event carries only the row's id; the consumer reads the row and deletes it in the
// transaction that stores the posts (consume.ts storeStaged).
//
// Durability is the event's: the row is committed before the event is sent, and the batcher
// stores its cursor only after both. The id is a hash of the batch, so a send that is retried (or
// a batch re-read after a crash) stages the same row once; a row whose event is consumed twice is
// stored once (the second run finds it gone). Rows whose event never went out (the listener died
// between the two) hold posts the listener reads again from its cursor; prune sweeps them.

/** Staged rows older than this are swept (a sent event waits minutes, not days, to be consumed). */
export const INBOX_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export type StagedBatch = { trackerId: string; inbox: string; count: number };

export function inboxId(trackerId: string, postsJson: string): string {
  return createHash("sha256").update(trackerId).update("\n").update(postsJson).digest("base64url");
}

/** Stores the batches in one statement; returns what their events carry. */
export async function stageBatches(
  batches: { trackerId: string; posts: IncomingPost[] }[],
  now = Date.now(),
): Promise<StagedBatch[]> {
  if (batches.length === 0) return [];
  const createdAt = sqlTime(now);
  const staged: StagedBatch[] = [];
  const rows = batches.map(({ trackerId, posts }) => {
    const json = JSON.stringify(posts);
    const id = inboxId(trackerId, json);
    staged.push({ trackerId, inbox: id, count: posts.length });
    return Prisma.sql`(${id}, ${trackerId}, ${posts.length}, ${json}, ${createdAt})`;
  });
  // IGNORE: a batch staged before (a retried send) keeps its row. A batch of a tracker deleted
  // meanwhile fails the foreign key; IGNORE drops it too, and its event is then a no-op.
  await db.$executeRaw`
    INSERT IGNORE INTO PulseInbox (id, trackerId, count, posts, createdAt)
    VALUES ${Prisma.join(rows)}`;
  return staged;
}

/**
 * A staged batch's tracker, the tracker's scorer and the posts (one query: the consumer's first);
 * null when it is gone (consumed, or its tracker deleted).
 */
export async function readStaged(
  id: string,
): Promise<{ trackerId: string; scorer: string; posts: IncomingPost[] } | null> {
  const [row] = await db.$queryRaw<{ trackerId: string; scorer: string; posts: string }[]>`
    SELECT i.trackerId, t.scorer, i.posts
    FROM PulseInbox i JOIN PulseTracker t ON t.id = i.trackerId
    WHERE i.id = ${id}`;
  return row
    ? {
        trackerId: row.trackerId,
        scorer: row.scorer,
        posts: JSON.parse(row.posts) as IncomingPost[],
      }
    : null;
}

/** Deletes staged rows older than INBOX_MAX_AGE_MS: batches whose event was never sent. */
export async function sweepInbox(now = Date.now()): Promise<number> {
  return db.$executeRaw`DELETE FROM PulseInbox WHERE createdAt < ${sqlTime(now - INBOX_MAX_AGE_MS)}`;
}
