import { getMapReduceJob } from "@/lib/mapreduce/store";
import { toMapReduceView } from "@/lib/mapreduce/view";
import { HttpError } from "@/lib/server/errors";
import { json, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// One MapReduce job with its phases, tasks and counters, polled by the job page while it runs.
// Another user's job answers exactly like a missing one.
export const GET = withUser<{ jobId: string }>(async ({ user, params }) => {
  const job = await getMapReduceJob(user.id, params.jobId);
  if (!job) throw new HttpError(404, "This job does not exist.");
  return json({ view: await toMapReduceView(job) });
});
