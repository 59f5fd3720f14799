import { z } from "zod";
import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import { userSlots } from "@/lib/limits/user-slots";
import { delta, TERMS_REFRESH_MS } from "@/lib/pulse/live";
import { rangeSchema } from "@/lib/pulse/schemas";
import { ownsTracker } from "@/lib/pulse/trackers";
import type { LiveDelta } from "@/lib/pulse/view-types";

export const dynamic = "force-dynamic";

const POLL_MS = 1_000;
const HEARTBEAT_MS = 15_000;
// A stream ends after a while and the browser reconnects with Last-Event-ID: ownership and the
// session are checked again, and no connection lives forever.
const MAX_STREAM_MS = 5 * 60_000;
const NO_STORE = { "cache-control": "private, no-store" };

const querySchema = z.object({
  range: rangeSchema,
  since: z.coerce.number().int().nonnegative().optional(),
});
const lastEventId = z.coerce.number().int().nonnegative();

// Server-sent events for one tracker's dashboard: polls the database every second for rows changed
// since the cursor and pushes what is new. Any app server can answer a reconnect: the cursor (the
// event id) is all the state there is; what this connection remembers only avoids resending.
export async function GET(request: Request, ctx: RouteContext<"/api/pulse/[trackerId]/stream">) {
  const user = await currentUser();
  if (!user) return Response.json({ message: SESSION_ENDED }, { status: 401, headers: NO_STORE });
  const { trackerId } = await ctx.params;
  if (!(await ownsTracker(user.id, trackerId)))
    return Response.json(
      { message: "This tracker does not exist." },
      { status: 404, headers: NO_STORE },
    );
  const url = new URL(request.url);
  const query = querySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success)
    return Response.json({ message: "Bad stream parameters." }, { status: 400, headers: NO_STORE });
  const resumed = lastEventId.safeParse(request.headers.get("last-event-id") ?? undefined);
  let cursor = resumed.success ? resumed.data : (query.data.since ?? Date.now());
  const range = query.data.range;
  const ownerId = user.id;
  // Each stream polls the database every second: one user may hold only a few.
  const slot = userSlots("pulse-streams").acquire(ownerId);
  if (!slot.ok) return Response.json({ message: slot.message }, { status: 429, headers: NO_STORE });

  const sentPosts = new Set<string>();
  const sentMinutes = new Map<number, string>();
  const encoder = new TextEncoder();
  const started = Date.now();

  let closed = false;
  const stream = new ReadableStream<Uint8Array>({
    cancel() {
      closed = true;
      slot.release();
    },
    async start(controller) {
      const close = () => {
        slot.release();
        if (closed) return;
        closed = true;
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      };
      request.signal.addEventListener("abort", close);
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
          // A tracker deleted in another tab ends the stream for good.
          if (++polls % 30 === 0 && !(await ownsTracker(ownerId, trackerId))) {
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
          if (sentPosts.size > 5_000) sentPosts.clear();
          if (out.minutes.length || out.posts.length || out.hashtags) {
            write(`id: ${cursor}\nevent: delta\ndata: ${JSON.stringify(out)}\n\n`);
            lastWrite = Date.now();
          } else if (Date.now() - lastWrite > HEARTBEAT_MS) {
            write(`: keep-alive\n\n`);
            lastWrite = Date.now();
          }
        } catch (err) {
          console.error("[pulse] live stream poll failed:", err);
          break;
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      close();
    },
  });
  return new Response(stream, {
    headers: {
      ...NO_STORE,
      "content-type": "text/event-stream; charset=utf-8",
      connection: "keep-alive",
      // Proxies such as nginx would otherwise buffer the stream.
      "x-accel-buffering": "no",
    },
  });
}
