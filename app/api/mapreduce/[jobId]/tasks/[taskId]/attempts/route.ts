import { MAX_TASK_ATTEMPTS } from "@/lib/mapreduce/attempts";
import { listTaskAttempts } from "@/lib/mapreduce/store";
import { HttpError } from "@/lib/server/errors";
import { json, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// A task's attempts (1-based) with their state and error, and how many are allowed, for the log
// dialog's attempt tabs.
// Another user's task answers exactly like a missing one.
export const GET = withUser<{ jobId: string; taskId: string }>(async ({ user, params }) => {
  const attempts = await listTaskAttempts(user.id, params.jobId, params.taskId);
  if (attempts === null) throw new HttpError(404, "This task does not exist.");
  return json({ attempts, allowed: MAX_TASK_ATTEMPTS });
});
