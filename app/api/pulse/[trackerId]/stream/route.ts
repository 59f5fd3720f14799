import { z } from "zod";
import { HttpError } from "@/lib/server/errors";
import { userSlots } from "@/lib/limits/user-slots";
import { liveStreamResponse } from "@/lib/pulse/live-stream";
import { rangeSchema } from "@/lib/pulse/schemas";
import { assertOwnsTracker } from "@/lib/pulse/trackers";
import { readQuery, withUser, type UserRouteArgs } from "@/lib/server/route";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  range: rangeSchema,
  since: z.coerce.number().int().nonnegative().optional(),
});
const lastEventId = z.coerce.number().int().nonnegative();

// Server-sent events for one tracker's dashboard (lib/pulse/live-stream.ts): this route only checks
// who asks and where the stream resumes.
export const GET = withUser<{ trackerId: string }>(liveStream);

async function liveStream({ request, user, params }: UserRouteArgs<{ trackerId: string }>) {
  const { trackerId } = params;
  await assertOwnsTracker(user.id, trackerId);
  const query = readQuery(request, querySchema, "Bad stream parameters.");
  const resumed = lastEventId.safeParse(request.headers.get("last-event-id") ?? undefined);
  const cursor = resumed.success ? resumed.data : (query.since ?? Date.now());
  // Each stream polls the database every second: one user may hold only a few.
  const slot = await userSlots("pulse-streams").acquireWithin(user.id, request.signal);
  if (!slot.ok) throw new HttpError(429, slot.message);
  return liveStreamResponse({
    ownerId: user.id,
    trackerId,
    range: query.range,
    cursor,
    signal: request.signal,
    onEnd: slot.release,
  });
}
