import { type FailureEventArgs } from "inngest";
import { inngest } from "@/lib/events/client";
import { jobCancelRequested, trashEmptyRequested } from "@/lib/events/events";
import { emptyTrashSliceDelayMs } from "@/lib/drive/config";
import { countTrash, emptiedMessage, purgeTrashBatch } from "@/lib/drive/trash";
import { failJob, reportProgress, startJob, succeedJob } from "@/lib/jobs/jobs";
import { userMessage } from "@/lib/server/errors";

const NOT_EMPTIED =
  "The trash could not be emptied because of a server problem. Try again in a moment.";

// Rows (and their objects) deleted per step: S3's DeleteObjects takes 1,000 keys, and a slice of
// 500 stays well under a second, so a cancel or a worker restart loses little.
export const EMPTY_TRASH_BATCH = 500;

// A pause before each slice (EMPTY_TRASH_SLICE_DELAY_MS, lib/drive/config.ts).
const pauseMs = () => emptyTrashSliceDelayMs();

export const emptyTrashJob = inngest.createFunction(
  {
    id: "empty-trash",
    retries: 3,
    triggers: [trashEmptyRequested],
    cancelOn: [{ event: jobCancelRequested, match: "data.jobId" }],
    onFailure: async ({ event, error }: FailureEventArgs) => {
      const { jobId } = trashEmptyRequested.schema.parse(event.data.event.data);
      await failJob(jobId, userMessage(error, NOT_EMPTIED));
    },
  },
  async ({ event, step }) => {
    const { jobId, ownerId } = event.data;
    // What was in the trash when the job began is what it deletes: the counts are exact however
    // often a slice is retried, and items trashed meanwhile stay.
    const plan = await step.run("count", async () => {
      const before = new Date();
      const counts = await countTrash(ownerId, before);
      const started = await startJob(jobId, { phase: "Deleting", progress: 0 });
      return started ? { ...counts, before: before.toISOString() } : null;
    });
    if (plan === null) return { cancelled: true };
    const before = new Date(plan.before);
    const total = plan.files + plan.folders;

    for (let slice = 0; ; slice++) {
      const deleted = await step.run(`delete-${slice}`, async () => {
        const pause = pauseMs();
        if (pause > 0) await new Promise((r) => setTimeout(r, pause));
        const d = await purgeTrashBatch(ownerId, before, EMPTY_TRASH_BATCH);
        const left = await countTrash(ownerId, before);
        const gone = total - left.files - left.folders;
        await reportProgress(jobId, {
          phase: `Deleted ${gone.toLocaleString("en")} of ${total.toLocaleString("en")}`,
          progress: Math.min(99, Math.floor((gone / Math.max(total, 1)) * 100)),
        });
        return d.files + d.folders;
      });
      if (deleted === 0) break;
    }

    return step.run("finish", async () => {
      const { message } = emptiedMessage(plan.files, plan.folders);
      await succeedJob(jobId, undefined, message);
      return { files: plan.files, folders: plan.folders };
    });
  },
);
