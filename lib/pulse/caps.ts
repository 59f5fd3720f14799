import "server-only";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { postCaps, type PostCaps } from "./config";

// Caps on stored raw posts, so one user (or all of them) cannot fill the database: across one
// user's trackers (PULSE_MAX_POSTS_PER_USER, default 500,000) and on the whole server
// (PULSE_MAX_POSTS_TOTAL, default 5,000,000). A tracker's own retention (prune.ts) still applies
// below them.
//
// When a cap is reached, the oldest posts go first — but only archived ones (archive.ts: every
// post received before the end of its tracker's last archived hour), so nothing is lost: the raw
// post stays in the owner's Drive, the charts keep their aggregates. Only when there are not
// enough archived posts to delete (the archive is behind, or stuck on a full Drive) does Pulse
// pause the trackers instead — the owner's, for the per-user cap; the biggest owners' first, for
// the total — with a message on the dashboard naming the limit. Deleting unarchived posts would
// lose them; dropping new ones silently would too. Pulse resumes the trackers it paused once the
// count is under the cap again; trackers their owner paused are never touched.
//
// Run after each archive pass (inngest/functions/pulse-archive.ts, every 15 minutes), so the
// overshoot is at most what the trackers collect between two passes plus the batches in flight.

const SLICE = 5_000;

export type CapsResult = {
  deleted: number;
  paused: string[]; // tracker ids Pulse paused in this pass
  resumed: string[];
};

const fmt = (n: number) => n.toLocaleString("en-US");

export function perUserMessage(count: number, caps: PostCaps): string {
  return (
    `Paused by Pulse: your trackers hold ${fmt(count)} posts and the limit per user is ` +
    `${fmt(caps.perUser)} (PULSE_MAX_POSTS_PER_USER). Collecting resumes by itself once older ` +
    `posts are archived to your Drive and removed — make sure your Drive has space, or delete a tracker.`
  );
}

export function totalMessage(total: number, caps: PostCaps): string {
  return (
    `Paused by Pulse: this server holds ${fmt(total)} posts, its limit is ${fmt(caps.total)} ` +
    `(PULSE_MAX_POSTS_TOTAL), and your trackers hold the most. Collecting resumes by itself once ` +
    `older posts are archived to your Drive and removed.`
  );
}

/**
 * The owners one pass looks at: everyone on the server, or only the given ones (each test passes
 * its own users, so that a pass never deletes or pauses what another test running beside it holds).
 */
export type CapsScope = { owners?: readonly string[] };

function ownersIn(scope: CapsScope): Prisma.Sql {
  if (!scope.owners) return Prisma.empty;
  if (scope.owners.length === 0) return Prisma.sql`AND FALSE`;
  return Prisma.sql`AND t.ownerId IN (${Prisma.join(scope.owners)})`;
}

/** Deletes up to `count` of the oldest archived posts, of one owner or of everyone in scope. */
async function deleteOldestArchived(
  ownerId: string | null,
  count: number,
  scope: CapsScope,
): Promise<number> {
  let deleted = 0;
  while (deleted < count) {
    const take = Math.min(SLICE, count - deleted);
    const owner = ownerId === null ? ownersIn(scope) : Prisma.sql`AND t.ownerId = ${ownerId}`;
    const rows = await db.$queryRaw<{ id: bigint }[]>`
      SELECT p.id FROM PulsePost p
      JOIN PulseTracker t ON t.id = p.trackerId
      JOIN (SELECT trackerId, MAX(hour) AS lastHour FROM PulseArchive GROUP BY trackerId) a
        ON a.trackerId = p.trackerId
      WHERE p.receivedAt < a.lastHour + INTERVAL 1 HOUR ${owner}
      ORDER BY p.receivedAt, p.id
      LIMIT ${take}`;
    if (rows.length === 0) break;
    deleted +=
      await db.$executeRaw`DELETE FROM PulsePost WHERE id IN (${Prisma.join(rows.map((r) => r.id))})`;
    if (rows.length < take) break;
  }
  return deleted;
}

async function countsByOwner(scope: CapsScope): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ ownerId: string; n: bigint | number }[]>`
    SELECT t.ownerId, COUNT(p.id) AS n FROM PulseTracker t
    LEFT JOIN PulsePost p ON p.trackerId = t.id
    WHERE TRUE ${ownersIn(scope)}
    GROUP BY t.ownerId`;
  return new Map(rows.map((r) => [r.ownerId, Number(r.n)]));
}

/** One pass: delete the oldest archived posts over the caps, else pause; resume when under. */
export async function enforcePostCaps(
  caps: PostCaps = postCaps(),
  scope: CapsScope = {},
): Promise<CapsResult> {
  let deleted = 0;
  let counts = await countsByOwner(scope);

  // Per user.
  for (const [ownerId, n] of counts)
    if (n > caps.perUser) deleted += await deleteOldestArchived(ownerId, n - caps.perUser, scope);
  // In total.
  let total = [...counts.values()].reduce((a, b) => a + b, 0) - deleted;
  if (total > caps.total) deleted += await deleteOldestArchived(null, total - caps.total, scope);
  if (deleted > 0) counts = await countsByOwner(scope);
  total = [...counts.values()].reduce((a, b) => a + b, 0);

  // Still over: who pauses, and why.
  const reasons = new Map<string, string>();
  for (const [ownerId, n] of counts)
    if (n > caps.perUser) reasons.set(ownerId, perUserMessage(n, caps));
  if (total > caps.total) {
    // The biggest owners first, until the posts they hold cover the excess.
    let covered = 0;
    for (const [ownerId, n] of [...counts].sort((a, b) => b[1] - a[1])) {
      if (covered >= total - caps.total) break;
      covered += n;
      if (!reasons.has(ownerId)) reasons.set(ownerId, totalMessage(total, caps));
    }
  }

  const paused: string[] = [];
  const resumed: string[] = [];
  const trackers = await db.pulseTracker.findMany({
    where: {
      OR: [{ status: "active" }, { pausedReason: { not: null } }],
      ...(scope.owners && { ownerId: { in: [...scope.owners] } }),
    },
    select: { id: true, ownerId: true, status: true, pausedReason: true },
  });
  for (const t of trackers) {
    const reason = reasons.get(t.ownerId);
    if (reason && (t.status === "active" || t.pausedReason !== reason)) {
      // Only a tracker still collecting, or one Pulse paused (a new count in its message).
      const { count } = await db.pulseTracker.updateMany({
        where: { id: t.id, OR: [{ status: "active" }, { pausedReason: { not: null } }] },
        data: { status: "paused", pausedReason: reason },
      });
      if (count && t.status === "active") paused.push(t.id);
    } else if (!reason && t.pausedReason !== null) {
      // Pulse paused it and the cap is no longer reached (an owner's resume clears the reason).
      const { count } = await db.pulseTracker.updateMany({
        where: { id: t.id, status: "paused", pausedReason: { not: null } },
        data: { status: "active", pausedReason: null },
      });
      if (count) resumed.push(t.id);
    }
  }
  return { deleted, paused, resumed };
}
