import { NonRetriableError } from "inngest";
import { inngest } from "@/lib/events/client";
import { imageBatchRequested, jobCancelRequested } from "@/lib/events/events";
import { clip } from "@/lib/images/apply";
import {
  BATCH_CONCURRENCY,
  batchCounts,
  failItem,
  pendingItems,
  processBatchItem,
} from "@/lib/images/batch";
import { ImageBatchData } from "@/lib/images/job-schemas";
import { studioFolder } from "@/lib/images/results";
import { failJob, startJob, succeedJob } from "@/lib/jobs/jobs";
import { userMessage } from "@/lib/server/errors";

const ITEM_FAILURE = "A server problem stopped this image. The original is unchanged.";
const BATCH_FAILURE =
  "The batch stopped because of a server problem. Images already saved are in Image Studio.";

// Image Studio's batch: a preset over many images, one step per image, BATCH_CONCURRENCY at a
// time. An image that fails is recorded on its item with the reason and the others go on; the job
// succeeds when at least one image did and fails only when none could be processed.
export const applyImageBatch = inngest.createFunction(
  {
    id: "apply-image-batch",
    retries: 2,
    concurrency: { limit: 2 },
    triggers: [imageBatchRequested],
    cancelOn: [{ event: jobCancelRequested, match: "data.jobId" }],
    onFailure: async ({ event, error }) => {
      const jobId = (event.data.event.data as { jobId?: unknown }).jobId;
      if (typeof jobId !== "string") return;
      await failJob(jobId, userMessage(error, BATCH_FAILURE));
    },
  },
  async ({ event, step }) => {
    const data = ImageBatchData.safeParse(event.data);
    if (!data.success) {
      await step.run("refuse", () =>
        failJob(event.data.jobId, "The preset was not valid, so nothing was done."),
      );
      throw new NonRetriableError(`invalid stratus/image.batch event: ${data.error.message}`);
    }
    const { jobId, userId, chain, output } = data.data;
    const start = await step.run("start", async () => {
      if (!(await startJob(jobId, { phase: "Starting", progress: 0 }))) return null;
      const folderId = await studioFolder(userId);
      const items = await pendingItems(jobId);
      return { folderId, items };
    });
    if (!start) return { status: "cancelled" };

    for (let i = 0; i < start.items.length; i += BATCH_CONCURRENCY) {
      const slice = start.items.slice(i, i + BATCH_CONCURRENCY);
      await Promise.all(
        slice.map(async (item) => {
          try {
            await step.run(`image-${item.position}`, () =>
              processBatchItem({
                jobId,
                ownerId: userId,
                item,
                chain,
                output,
                folderId: start.folderId,
              }),
            );
          } catch (error) {
            // Out of retries (the store or the database kept failing): this image is lost, the
            // others are not.
            const message = userMessage(error, ITEM_FAILURE);
            await step.run(`image-${item.position}-failed`, () => failItem(item.id, message));
          }
        }),
      );
    }

    return step.run("finish", async () => {
      const { total, succeeded, failed } = await batchCounts(jobId);
      if (total > 0 && succeeded === 0) {
        await failJob(
          jobId,
          total === 1
            ? "The image could not be processed; see the reason below."
            : `None of the ${total} images could be processed; see the reasons below.`,
        );
        return { status: "failed", succeeded, failed };
      }
      const note = failed > 0 ? `, ${failed} failed` : "";
      const images = total === 1 ? "image" : "images";
      await succeedJob(
        jobId,
        start.folderId,
        clip(`${succeeded} of ${total} ${images} saved in Image Studio${note}`),
      );
      return { status: "succeeded", succeeded, failed };
    });
  },
);
