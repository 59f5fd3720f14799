import { NonRetriableError } from "inngest";
import { inngest } from "@/lib/events/client";
import { imageApplyRequested, jobCancelRequested } from "@/lib/events/events";
import { runApplyJob } from "@/lib/images/apply";
import { ImageApplyData } from "@/lib/images/job-schemas";
import { failJob } from "@/lib/jobs/jobs";
import { isUserFacing, userMessage } from "@/lib/server/errors";

const GENERIC_FAILURE =
  "The image could not be processed because of a server problem. Your original is unchanged; try again in a moment.";

const INVALID_CHAIN =
  "The filter chain was not valid, so nothing was done. Reload the editor and try again.";

// Image Studio's Apply. One step does the whole image: the decoded pixels cannot travel between
// steps, and a retry must start from the original anyway. A problem with the image itself (corrupt,
// unsupported, too large, no space left) fails the job with its message and is not retried.
export const applyImageChain = inngest.createFunction(
  {
    id: "apply-image-chain",
    retries: 2,
    // Full-resolution renders are memory-hungry; a few at once per worker is plenty.
    concurrency: { limit: 3 },
    triggers: [imageApplyRequested],
    cancelOn: [{ event: jobCancelRequested, match: "data.jobId" }],
    onFailure: async ({ event, error }) => {
      const jobId = (event.data.event.data as { jobId?: unknown }).jobId;
      if (typeof jobId !== "string") return;
      await failJob(jobId, userMessage(error, GENERIC_FAILURE));
    },
  },
  async ({ event, step }) => {
    const data = ImageApplyData.safeParse(event.data);
    if (!data.success) {
      // Only our own server sends this event; a chain it cannot parse is a bug, not bad luck.
      await step.run("refuse", () => failJob(event.data.jobId, INVALID_CHAIN));
      throw new NonRetriableError(`invalid stratus/image.apply event: ${data.error.message}`);
    }
    return step.run("apply", async () => {
      try {
        return await runApplyJob(data.data);
      } catch (err) {
        // runApplyJob already failed the job with the message; retrying would not change it.
        if (isUserFacing(err)) throw new NonRetriableError(err.message, { cause: err });
        throw err;
      }
    });
  },
);
