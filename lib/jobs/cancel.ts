import "server-only";
import { inngest } from "@/lib/events/client";
import { jobCancelRequested } from "@/lib/events/events";
import { markJobCancelled } from "./jobs";

/**
 * What the UI's cancel button calls. The job is marked first, so the owner sees it at once and
 * later steps cannot reopen it; then the run is stopped through cancelOn (functions that run
 * jobs list stratus/job.cancel matched on data.jobId), which Inngest Cloud and the local
 * executor both honour.
 */
export async function cancelJob(ownerId: string, jobId: string): Promise<boolean> {
  if (!(await markJobCancelled(ownerId, jobId))) return false;
  await inngest.send(jobCancelRequested.create({ jobId }));
  return true;
}
