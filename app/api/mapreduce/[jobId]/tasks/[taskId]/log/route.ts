import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import { getTaskLog } from "@/lib/mapreduce/store";

export const dynamic = "force-dynamic";

// A task's stderr (user programs; the first 256 KiB of its last attempt), as plain text for its
// owner. Served as an attachment-free text/plain with nosniff: the log is the program's output.
export async function GET(
  _request: Request,
  ctx: RouteContext<"/api/mapreduce/[jobId]/tasks/[taskId]/log">,
) {
  const user = await currentUser();
  if (!user) return new Response(SESSION_ENDED, { status: 401 });
  const { jobId, taskId } = await ctx.params;
  const log = await getTaskLog(user.id, jobId, taskId);
  if (log === null) return new Response("This task does not exist.", { status: 404 });
  return new Response(log, {
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
    },
  });
}
