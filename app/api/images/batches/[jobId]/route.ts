import { fileIdSchema } from "@/lib/images/action-schemas";
import { listBatchItems } from "@/lib/images/batch";
import { HttpError } from "@/lib/server/errors";
import { json, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// The images of one of the owner's batch jobs with their status, polled by the batch view.
export const GET = withUser<{ jobId: string }>(async ({ user, params }) => {
  const jobId = fileIdSchema.safeParse(params.jobId);
  const items = jobId.success ? await listBatchItems(user.id, jobId.data) : null;
  if (!items) throw new HttpError(404, "This batch does not exist.");
  return json({ items });
});
