import { getTaskLog } from "@/lib/mapreduce/store";
import { HttpError } from "@/lib/server/errors";
import { NO_STORE, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// A task's stderr (user programs; the first 256 KiB of its last attempt), as plain text for its
// owner. Served as an attachment-free text/plain with nosniff: the log is the program's output.
export const GET = withUser<{ jobId: string; taskId: string }>(async ({ user, params }) => {
  const log = await getTaskLog(user.id, params.jobId, params.taskId);
  if (log === null) throw new HttpError(404, "This task does not exist.");
  return new Response(log, {
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
      "cache-control": NO_STORE,
    },
  });
});
