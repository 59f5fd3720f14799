import "server-only";
import { inngest } from "@/lib/events/client";
import { trashEmptyRequested } from "@/lib/events/events";
import { createJob, failJob, findActiveJob } from "@/lib/jobs/jobs";
import { logger } from "@/lib/log/logger";
import { countTrash } from "./trash";

export const EMPTY_TRASH_KIND = "drive.empty-trash";

export type EmptyTrashStart = { ok: boolean; message: string; jobId?: string };

/**
 * Starts emptying the owner's trash in the background (inngest/functions/empty-trash.ts) and
 * returns the job to follow. A second request while one runs follows the running one.
 */
export async function startEmptyTrash(ownerId: string): Promise<EmptyTrashStart> {
  const { files, folders } = await countTrash(ownerId);
  if (files + folders === 0) {
    return { ok: true, message: "The trash is already empty." };
  }
  const running = await findActiveJob(ownerId, EMPTY_TRASH_KIND);
  if (running) {
    return { ok: true, message: "The trash is already being emptied.", jobId: running.id };
  }
  const job = await createJob(ownerId, EMPTY_TRASH_KIND);
  try {
    await inngest.send(trashEmptyRequested.create({ jobId: job.id, ownerId }));
    logger.info("job started", { jobId: job.id, kind: EMPTY_TRASH_KIND });
  } catch (error) {
    logger.error("empty trash: the event could not be sent", { jobId: job.id, error });
    await failJob(job.id, "The job queue could not be reached; nothing was deleted.");
    return {
      ok: false,
      message: "The job queue could not be reached; nothing was deleted. Try again in a minute.",
    };
  }
  return { ok: true, message: "Emptying the trash…", jobId: job.id };
}
