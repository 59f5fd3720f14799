import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import { listBatchItems } from "@/lib/images/batch";
import { fileIdSchema } from "@/lib/images/action-schemas";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "private, no-store" };
const NOT_FOUND = "This batch does not exist.";

// The images of one of the owner's batch jobs with their status, polled by the batch view.
export async function GET(_request: Request, ctx: RouteContext<"/api/images/batches/[jobId]">) {
  const user = await currentUser();
  if (!user) return Response.json({ message: SESSION_ENDED }, { status: 401, headers: NO_STORE });
  const jobId = fileIdSchema.safeParse((await ctx.params).jobId);
  const items = jobId.success ? await listBatchItems(user.id, jobId.data) : null;
  if (!items) return Response.json({ message: NOT_FOUND }, { status: 404, headers: NO_STORE });
  return Response.json({ items }, { headers: NO_STORE });
}
