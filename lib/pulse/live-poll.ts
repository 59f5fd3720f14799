import "server-only";
import { logger } from "@/lib/log/logger";
import { delta, TERMS_REFRESH_MS } from "./live";
import type { RangeKey } from "./schemas";
import { ownsTracker } from "./trackers";
import type { LiveDelta } from "./view-types";

// One database poll per tracker dashboard (tracker and range) in this server process, however
// many live streams show it: every second the poll asks for what changed and hands it to each
// stream, which sends its client only what that client has not seen (live-stream.ts). Before,
// every stream polled on its own — a user holding 50 dashboards open cost 100+ queries a second
// of the server's one thread (docs/isolation-bench.md).

export const POLL_MS = 1_000;
// Checked this many polls apart: a tracker deleted in another tab ends its streams for good.
const OWNERSHIP_EVERY_POLLS = 30;

export type LiveListener = {
  delta: (d: LiveDelta) => void;
  /** The tracker is gone (or no longer the owner's): the stream says so and ends. */
  gone: () => void;
  /** The poll failed: the stream ends (the browser reconnects). */
  failed: () => void;
};

type Poll = {
  key: string;
  ownerId: string;
  trackerId: string;
  range: RangeKey;
  cursor: number;
  termsAt: number;
  termsCursor: number;
  polls: number;
  listeners: Set<LiveListener>;
  timer?: NodeJS.Timeout;
};

const GLOBAL = globalThis as typeof globalThis & { __stratusLivePolls?: Map<string, Poll> };
function polls(): Map<string, Poll> {
  GLOBAL.__stratusLivePolls ??= new Map();
  return GLOBAL.__stratusLivePolls;
}

/**
 * Adds a stream to its tracker's poll (started when it is the first), from `cursor` on (the
 * stream has itself sent what changed before). Returns the unsubscribe.
 */
export function subscribeLive(
  where: { ownerId: string; trackerId: string; range: RangeKey; cursor: number },
  listener: LiveListener,
): () => void {
  const key = `${where.ownerId}\n${where.trackerId}\n${where.range}`;
  let poll = polls().get(key);
  if (!poll) {
    poll = {
      key,
      ...where,
      // Due at once: the top lists are sent as soon as term counts change after the cursor.
      termsAt: 0,
      termsCursor: where.cursor,
      polls: 0,
      listeners: new Set(),
    };
    polls().set(key, poll);
    schedule(poll);
  } else {
    // A later stream's cursor is no earlier than the poll's: nothing it needs is skipped.
    poll.cursor = Math.min(poll.cursor, where.cursor);
  }
  poll.listeners.add(listener);
  const p = poll;
  return () => {
    p.listeners.delete(listener);
    if (p.listeners.size === 0) stop(p);
  };
}

/** Polls running now and the streams they serve (tests and the bench). */
export function livePolls(): { polls: number; streams: number } {
  let streams = 0;
  for (const p of polls().values()) streams += p.listeners.size;
  return { polls: polls().size, streams };
}

function stop(poll: Poll) {
  clearTimeout(poll.timer);
  if (polls().get(poll.key) === poll) polls().delete(poll.key);
}

function schedule(poll: Poll) {
  poll.timer = setTimeout(() => void tick(poll), POLL_MS);
  // A server shutting down does not wait for dashboards.
  poll.timer.unref();
}

async function tick(poll: Poll) {
  if (poll.listeners.size === 0) return stop(poll);
  try {
    if (
      ++poll.polls % OWNERSHIP_EVERY_POLLS === 0 &&
      !(await ownsTracker(poll.ownerId, poll.trackerId))
    ) {
      stop(poll);
      for (const l of [...poll.listeners]) l.gone();
      return;
    }
    const termsDue = Date.now() - poll.termsAt >= TERMS_REFRESH_MS[poll.range];
    const d = await delta(
      poll.trackerId,
      poll.range,
      poll.cursor,
      termsDue ? poll.termsCursor : null,
    );
    poll.cursor = d.cursor;
    if (d.hashtags) {
      poll.termsAt = Date.now();
      poll.termsCursor = d.cursor;
    }
    for (const l of [...poll.listeners]) l.delta(d);
  } catch (error) {
    logger.error("pulse: live poll failed", { trackerId: poll.trackerId, error });
    stop(poll);
    for (const l of [...poll.listeners]) l.failed();
    return;
  }
  if (poll.listeners.size > 0 && polls().get(poll.key) === poll) schedule(poll);
  else stop(poll);
}
