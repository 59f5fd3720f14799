import { z } from "zod";
import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import { userSlots } from "@/lib/limits/user-slots";
import { liveStreamResponse } from "@/lib/pulse/live-stream";
import { rangeSchema } from "@/lib/pulse/schemas";
import { ownsTracker } from "@/lib/pulse/trackers";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "private, no-store" };

const querySchema = z.object({
  range: rangeSchema,
  since: z.coerce.number().int().nonnegative().optional(),
});
const lastEventId = z.coerce.number().int().nonnegative();

// Server-sent events for one tracker's dashboard (lib/pulse/live-stream.ts): this route only checks
// who asks and where the stream resumes.
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
  const cursor = resumed.success ? resumed.data : (query.data.since ?? Date.now());
  const range = query.data.range;
  const ownerId = user.id;
  // Each stream polls the database every second: one user may hold only a few.
  const slot = userSlots("pulse-streams").acquire(ownerId);
  if (!slot.ok) return Response.json({ message: slot.message }, { status: 429, headers: NO_STORE });

  return liveStreamResponse({
    ownerId,
    trackerId,
    range,
    cursor,
    signal: request.signal,
    onEnd: slot.release,
  });
}
