import "server-only";
import { logger } from "@/lib/log/logger";
import { delta, TERMS_REFRESH_MS } from "./live";
import type { RangeKey } from "./schemas";
import { ownsTracker } from "./trackers";
import type { LiveDelta } from "./view-types";

const POLL_MS = 1_000;
const HEARTBEAT_MS = 15_000;
// A stream ends after a while and the browser reconnects with Last-Event-ID: ownership and the
// session are checked again, and no connection lives forever.
const MAX_STREAM_MS = 5 * 60_000;
// Checked this many polls apart: a tracker deleted in another tab ends the stream for good.
const OWNERSHIP_EVERY_POLLS = 30;
const MAX_REMEMBERED_POSTS = 5_000;

export type LiveStreamOptions = {
  ownerId: string;
  trackerId: string;
  range: RangeKey;
  /** Rows changed since this time are sent first (the Last-Event-ID of a reconnect). */
  cursor: number;
  /** The request's signal: the client going away ends the loop. */
  signal: AbortSignal;
  /** Called once the stream has ended, however it ended (frees the user's stream slot). */
  onEnd?: () => void;
};

/**
 * Server-sent events for one tracker's dashboard: polls the database every second for rows changed
 * since the cursor and pushes what is new. Any app server can answer a reconnect: the cursor (the
 * event id) is all the state there is; what this connection remembers only avoids resending.
 */
export function liveStream(options: LiveStreamOptions): ReadableStream<Uint8Array> {
  const { ownerId, trackerId, range, signal } = options;
  let cursor = options.cursor;
  const sentPosts = new Set<string>();
  const sentMinutes = new Map<number, string>();
  const encoder = new TextEncoder();
  const started = Date.now();

  // Only rows the client has not seen: minutes whose values changed, posts not sent yet.
  const unsent = (d: LiveDelta): LiveDelta => {
    const out: LiveDelta = {
      ...d,
      minutes: d.minutes.filter((m) => {
        const sig = JSON.stringify(m);
        if (sentMinutes.get(m.t) === sig) return false;
        sentMinutes.set(m.t, sig);
        return true;
      }),
      posts: d.posts.filter((p) => !sentPosts.has(p.id)),
    };
    for (const p of out.posts) sentPosts.add(p.id);
    if (sentPosts.size > MAX_REMEMBERED_POSTS) sentPosts.clear();
    return out;
  };

  let closed = false;
  return new ReadableStream<Uint8Array>({
    cancel() {
      closed = true;
      options.onEnd?.();
    },
    async start(controller) {
      const close = () => {
        options.onEnd?.();
        if (closed) return;
        closed = true;
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      };
      signal.addEventListener("abort", close);
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      write(`retry: 1000\n\n`);
      let lastWrite = Date.now();
      let termsAt = 0;
      let termsCursor = cursor;
      let polls = 0;
      while (!closed && Date.now() - started < MAX_STREAM_MS) {
        try {
          if (++polls % OWNERSHIP_EVERY_POLLS === 0 && !(await ownsTracker(ownerId, trackerId))) {
            write(`event: gone\ndata: {}\n\n`);
            break;
          }
          const termsDue = Date.now() - termsAt >= TERMS_REFRESH_MS[range];
          const d = await delta(trackerId, range, cursor, termsDue ? termsCursor : null);
          cursor = d.cursor;
          if (d.hashtags) {
            termsAt = Date.now();
            termsCursor = d.cursor;
          }
          const out = unsent(d);
          if (out.minutes.length || out.posts.length || out.hashtags) {
            write(`id: ${cursor}\nevent: delta\ndata: ${JSON.stringify(out)}\n\n`);
            lastWrite = Date.now();
          } else if (Date.now() - lastWrite > HEARTBEAT_MS) {
            write(`: keep-alive\n\n`);
            lastWrite = Date.now();
          }
        } catch (error) {
          logger.error("pulse: live stream poll failed", { trackerId, error });
          break;
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      close();
    },
  });
}

/** The stream as an HTTP response, with the headers that keep proxies from buffering it. */
export function liveStreamResponse(options: LiveStreamOptions): Response {
  return new Response(liveStream(options), {
    headers: {
      "cache-control": "private, no-store",
      "content-type": "text/event-stream; charset=utf-8",
      connection: "keep-alive",
      // Proxies such as nginx would otherwise buffer the stream.
      "x-accel-buffering": "no",
    },
  });
}
