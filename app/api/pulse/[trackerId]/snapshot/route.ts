import { snapshot } from "@/lib/pulse/live";
import { rangeSchema } from "@/lib/pulse/schemas";
import { assertOwnsTracker } from "@/lib/pulse/trackers";
import { json, readQuery, withUser } from "@/lib/server/route";
import { z } from "zod";

export const dynamic = "force-dynamic";

const querySchema = z.object({ range: rangeSchema });

// A tracker's aggregates for a range: the second series of "compare two trackers".
export const GET = withUser<{ trackerId: string }>(async ({ request, user, params }) => {
  await assertOwnsTracker(user.id, params.trackerId);
  const { range } = readQuery(request, querySchema, "Unknown range.");
  return json(await snapshot(params.trackerId, range));
});
