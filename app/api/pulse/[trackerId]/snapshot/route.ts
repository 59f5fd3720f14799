import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import { snapshot } from "@/lib/pulse/live";
import { rangeSchema } from "@/lib/pulse/schemas";
import { ownsTracker } from "@/lib/pulse/trackers";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "private, no-store" };

// A tracker's aggregates for a range: the second series of "compare two trackers".
export async function GET(request: Request, ctx: RouteContext<"/api/pulse/[trackerId]/snapshot">) {
  const user = await currentUser();
  if (!user) return Response.json({ message: SESSION_ENDED }, { status: 401, headers: NO_STORE });
  const { trackerId } = await ctx.params;
  if (!(await ownsTracker(user.id, trackerId)))
    return Response.json(
      { message: "This tracker does not exist." },
      { status: 404, headers: NO_STORE },
    );
  const range = rangeSchema.safeParse(new URL(request.url).searchParams.get("range") ?? undefined);
  if (!range.success)
    return Response.json({ message: "Unknown range." }, { status: 400, headers: NO_STORE });
  return Response.json(await snapshot(trackerId, range.data), { headers: NO_STORE });
}
