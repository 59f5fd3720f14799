import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import { getMapReduceJob } from "@/lib/mapreduce/store";
import { toMapReduceView } from "@/lib/mapreduce/view";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "private, no-store" };

// One MapReduce job with its phases, tasks and counters, polled by the job page while it runs.
// Another user's job answers exactly like a missing one.
export async function GET(_request: Request, ctx: RouteContext<"/api/mapreduce/[jobId]">) {
  const user = await currentUser();
  if (!user) return Response.json({ message: SESSION_ENDED }, { status: 401, headers: NO_STORE });
  const job = await getMapReduceJob(user.id, (await ctx.params).jobId);
  if (!job) {
    return Response.json(
      { message: "This job does not exist." },
      { status: 404, headers: NO_STORE },
    );
  }
  return Response.json({ view: await toMapReduceView(job) }, { headers: NO_STORE });
}
