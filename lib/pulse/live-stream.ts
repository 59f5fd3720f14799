import "server-only";
import { logger } from "@/lib/log/logger";
import { delta } from "./live";
import { subscribeLive } from "./live-poll";
import type { RangeKey } from "./schemas";
import type { LiveDelta } from "./view-types";

const HEARTBEAT_MS = 15_000;
// A stream ends after a while and the browser reconnects with Last-Event-ID: ownership and the
// session are checked again, and no connection lives forever.
const MAX_STREAM_MS = 5 * 60_000;
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
 * Server-sent events for one tracker's dashboard: what changed since the cursor first, then every
 * second what the tracker's poll (live-poll.ts, one per tracker in this process, whatever the
 * number of streams) found changed, less what this client has seen. Any app server can answer a reconnect: the cursor (the
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
  /** Ends the stream's wait (the client went away, the time is up, the tracker is gone…). */
  let finish = () => {};
  return new ReadableStream<Uint8Array>({
    cancel() {
      closed = true;
      finish();
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
      const send = (d: LiveDelta) => {
        cursor = Math.max(cursor, d.cursor);
        const out = unsent(d);
        if (out.minutes.length || out.posts.length || out.hashtags) {
          write(`id: ${cursor}\nevent: delta\ndata: ${JSON.stringify(out)}\n\n`);
          lastWrite = Date.now();
        } else if (Date.now() - lastWrite > HEARTBEAT_MS) {
          write(`: keep-alive\n\n`);
          lastWrite = Date.now();
        }
      };
      let unsubscribe = () => {};
      let timer: NodeJS.Timeout | undefined;
      const ended = new Promise<void>((resolve) => {
        finish = resolve;
        signal.addEventListener("abort", () => resolve());
        timer = setTimeout(resolve, Math.max(0, MAX_STREAM_MS - (Date.now() - started)));
        void (async () => {
          try {
            // This client's own catch-up (the top lists too when they changed since its cursor)…
            send(await delta(trackerId, range, cursor, cursor));
          } catch (error) {
            logger.error("pulse: live stream poll failed", { trackerId, error });
            return resolve();
          }
          if (closed) return resolve();
          // …then the tracker's shared poll.
          unsubscribe = subscribeLive(
            { ownerId, trackerId, range, cursor },
            {
              delta: send,
              gone: () => {
                write(`event: gone\ndata: {}\n\n`);
                resolve();
              },
              failed: () => resolve(),
            },
          );
        })();
      });
      await ended;
      clearTimeout(timer);
      unsubscribe();
      close();
    },
  });
}

/** The stream as an HTTP response, with the headers that keep proxies from buffering it. */
export function liveStreamResponse(options: LiveStreamOptions): Response {
  return new Response(liveStream(options), {
    headers: {
      // no-transform: Next's compression (and a proxy's) leaves the stream alone — gzip of an
      // event stream costs a zlib flush per event on the server's thread and its thread pool
      // (the pool argon2 sign-ins wait in), for messages of a few hundred bytes.
      "cache-control": "private, no-store, no-transform",
      "content-type": "text/event-stream; charset=utf-8",
      connection: "keep-alive",
      // Proxies such as nginx would otherwise buffer the stream.
      "x-accel-buffering": "no",
    },
  });
}
