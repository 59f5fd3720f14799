import "server-only";
import { db } from "@/lib/db/client";
import { inngest } from "@/lib/events/client";
import { pulseBackfillRequested } from "@/lib/events/events";
import { formatCount } from "@/lib/format/numbers";
import { backfillTracker, canBackfill, type BackfillSummary } from "./backfill";
import { BACKFILL_HOURS } from "./backfill-options";
import { eventSender } from "./listener/send";
import { trackerIdSchema } from "./schemas";
import { SOURCE_KINDS, type SourceKind } from "./types";

// Asking for a backfill and saying how it went: the state is a PulseSourceState row with source
// "backfill" ("running", "done" or "error" and a sentence), so the dashboard shows it like the
// replay's. Bounded per user: one backfill per tracker at a time and MAX_RUNNING_PER_USER over
// all their trackers; a "running" row older than STALE_MS (a worker that died) no longer counts.

export const MAX_RUNNING_PER_USER = 2;
const STALE_MS = 60 * 60_000;
const SOURCE = "backfill";

export type BackfillState = { state: "running" | "done" | "error"; message: string; at: string };

export async function backfillState(
  ownerId: string,
  trackerId: string,
): Promise<BackfillState | null> {
  const row = await db.pulseSourceState.findFirst({
    where: { trackerId, source: SOURCE, tracker: { ownerId } },
  });
  if (!row) return null;
  const state = row.state === "running" || row.state === "done" ? row.state : "error";
  return { state, message: row.message, at: row.updatedAt.toISOString() };
}

export async function requestBackfill(
  ownerId: string,
  trackerId: string,
  hours: number,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const id = trackerIdSchema.safeParse(trackerId);
  const tracker = id.success
    ? await db.pulseTracker.findFirst({
        where: { id: id.data, ownerId },
        select: { id: true, sources: true },
      })
    : null;
  if (!tracker) return { ok: false, message: "That tracker no longer exists." };
  const sources = (Array.isArray(tracker.sources) ? tracker.sources : []).filter(
    (s): s is SourceKind => (SOURCE_KINDS as readonly unknown[]).includes(s),
  );
  if (!canBackfill(sources))
    return { ok: false, message: "Only Bluesky and Mastodon offer a search to backfill from." };
  if (!(BACKFILL_HOURS as readonly number[]).includes(hours))
    return { ok: false, message: "Pick how far back to search." };
  const running = await db.pulseSourceState.findMany({
    where: {
      source: SOURCE,
      state: "running",
      updatedAt: { gt: new Date(Date.now() - STALE_MS) },
      tracker: { ownerId },
    },
    select: { trackerId: true },
  });
  if (running.some((r) => r.trackerId === tracker.id))
    return { ok: false, message: "A backfill of this tracker is running already." };
  if (running.length >= MAX_RUNNING_PER_USER)
    return {
      ok: false,
      message: `At most ${MAX_RUNNING_PER_USER} backfills run at a time; wait for one to finish.`,
    };
  const message = `Searching the last ${hours} h…`;
  await db.pulseSourceState.upsert({
    where: { trackerId_source: { trackerId: tracker.id, source: SOURCE } },
    create: { trackerId: tracker.id, source: SOURCE, state: "running", message },
    update: { state: "running", message },
  });
  await inngest.send(pulseBackfillRequested.create({ trackerId: tracker.id, hours }));
  return { ok: true };
}

function summaryMessage(hours: number, s: BackfillSummary): string {
  const found = `${formatCount(s.matched)} matching post${s.matched === 1 ? "" : "s"} found in the last ${hours} h`;
  const cut = s.truncated ? " (the most one backfill takes)" : "";
  const failed = s.errors.length ? ` Some searches failed: ${s.errors.join("; ")}` : "";
  return `${found}${cut}; posts already stored were kept once.${failed}`;
}

/** The pulse-backfill function's work: search, hand the posts to the consumer, say how it went. */
export async function runBackfill(trackerId: string, hours: number): Promise<BackfillSummary> {
  const to = new Date();
  const send = eventSender(inngest);
  const summary = await backfillTracker(
    trackerId,
    { from: new Date(to.getTime() - hours * 3_600_000), to },
    (id, posts) => send([{ trackerId: id, posts }]),
  );
  const failedAll = summary.errors.length > 0 && summary.matched === 0;
  await db.pulseSourceState.updateMany({
    where: { trackerId, source: SOURCE },
    data: {
      state: failedAll ? "error" : "done",
      message: summaryMessage(hours, summary).slice(0, 1000),
    },
  });
  return summary;
}
