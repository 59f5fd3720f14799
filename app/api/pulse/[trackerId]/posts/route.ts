import { listPosts } from "@/lib/pulse/posts";
import { postQuerySchema } from "@/lib/pulse/schemas";
import { assertOwnsTracker } from "@/lib/pulse/trackers";
import { firstIssueMessage, json, readQuery, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// The dashboard's post list when a tab, a hashtag or a term filters it, or it pages back.
export const GET = withUser<{ trackerId: string }>(async ({ request, user, params }) => {
  await assertOwnsTracker(user.id, params.trackerId);
  const query = readQuery(request, postQuerySchema, firstIssueMessage("Bad filter."));
  return json({ posts: await listPosts(params.trackerId, query) });
});
