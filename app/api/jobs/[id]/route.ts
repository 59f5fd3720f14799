import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import { getJob } from "@/lib/jobs/jobs";
import { toJobView } from "@/lib/jobs/view";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "private, no-store" };
const JOB_NOT_FOUND = "This job does not exist.";

// One job's status for its owner, polled by components/jobs. Another user's job id answers
// exactly like a missing one.
export async function GET(_request: Request, ctx: RouteContext<"/api/jobs/[id]">) {
  const user = await currentUser();
  if (!user) return Response.json({ message: SESSION_ENDED }, { status: 401, headers: NO_STORE });
  const job = await getJob(user.id, (await ctx.params).id);
  if (!job) return Response.json({ message: JOB_NOT_FOUND }, { status: 404, headers: NO_STORE });
  return Response.json({ job: toJobView(job) }, { headers: NO_STORE });
}
