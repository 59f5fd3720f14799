import { getJob } from "@/lib/jobs/jobs";
import { toJobView } from "@/lib/jobs/view";
import { HttpError } from "@/lib/server/errors";
import { json, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// One job's status for its owner, polled by components/jobs. Another user's job id answers
// exactly like a missing one.
export const GET = withUser<{ id: string }>(async ({ user, params }) => {
  const job = await getJob(user.id, params.id);
  if (!job) throw new HttpError(404, "This job does not exist.");
  return json({ job: toJobView(job) });
});
