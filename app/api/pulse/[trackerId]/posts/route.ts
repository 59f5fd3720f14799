import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import { listPosts } from "@/lib/pulse/posts";
import { postQuerySchema } from "@/lib/pulse/schemas";
import { ownsTracker } from "@/lib/pulse/trackers";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "private, no-store" };

// The dashboard's post list when a tab, a hashtag or a term filters it, or it pages back.
export async function GET(request: Request, ctx: RouteContext<"/api/pulse/[trackerId]/posts">) {
  const user = await currentUser();
  if (!user) return Response.json({ message: SESSION_ENDED }, { status: 401, headers: NO_STORE });
  const { trackerId } = await ctx.params;
  if (!(await ownsTracker(user.id, trackerId)))
    return Response.json(
      { message: "This tracker does not exist." },
      { status: 404, headers: NO_STORE },
    );
  const q = postQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!q.success)
    return Response.json(
      { message: q.error.issues[0]?.message ?? "Bad filter." },
      { status: 400, headers: NO_STORE },
    );
  return Response.json({ posts: await listPosts(trackerId, q.data) }, { headers: NO_STORE });
}
