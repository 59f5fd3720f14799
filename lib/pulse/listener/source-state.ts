import "server-only";
import { db } from "@/lib/db/client";
import { formatCount } from "@/lib/format/numbers";
import type { SourceStatus } from "../sources/types";

// The listener's word to the dashboard about a tracker's replay (PulseSourceState): an error it
// is retrying after, or what the file held once played to the end. Opening the file again clears
// it, so a fixed problem disappears by itself. Writes never fail the source: they are logged.

export function doneMessage(rows: number, posts: number): string {
  if (rows === 0) return "The file has no rows.";
  if (posts === 0)
    return `None of its ${formatCount(rows)} rows has text and a readable time, so there were no posts to replay.`;
  const skipped = rows - posts;
  return `${formatCount(posts)} post${posts === 1 ? "" : "s"} from ${formatCount(rows)} row${rows === 1 ? "" : "s"}${skipped ? ` (${formatCount(skipped)} without text or a readable time skipped)` : ""}.`;
}

/** What to store for a status, or "clear", or null to leave the row as it is. */
export function stateFor(
  status: SourceStatus,
): { state: "error" | "done"; message: string } | "clear" | null {
  if (status.state === "open") return "clear";
  if (status.state === "waiting" && status.error)
    return {
      state: "error",
      message: `${status.error} Stratus keeps trying, up to once a minute.`,
    };
  // A file that ended without a single post is a problem to show, not a success.
  if (status.state === "done" && status.rows !== undefined)
    return {
      state: status.posts ? "done" : "error",
      message: doneMessage(status.rows, status.posts ?? 0),
    };
  return null;
}

export async function saveSourceState(
  trackerId: string,
  source: string,
  status: SourceStatus,
): Promise<void> {
  const next = stateFor(status);
  if (next === null) return;
  const where = { trackerId_source: { trackerId, source } };
  if (next === "clear") {
    await db.pulseSourceState.deleteMany({ where: { trackerId, source } });
    return;
  }
  const message = next.message.slice(0, 1000);
  try {
    await db.pulseSourceState.upsert({
      where,
      create: { trackerId, source, state: next.state, message },
      update: { state: next.state, message },
    });
  } catch (error) {
    // The tracker was deleted meanwhile (the foreign key): nothing to tell anyone.
    if (!(await db.pulseTracker.count({ where: { id: trackerId } }))) return;
    throw error;
  }
}
