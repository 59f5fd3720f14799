import { inngest } from "@/lib/events/client";
import { jobCancelRequested } from "@/lib/events/events";
import { cancelEmrJob } from "@/lib/mapreduce/emr/run-steps";
import { cleanUpJob } from "@/lib/mapreduce/execute";
import { getMapReduceJobForRun } from "@/lib/mapreduce/store";

// After a cancel: the job's function stops (cancelOn) and its running tasks kill themselves within
// a second (they watch the job's status), but nothing of the run is left to delete the job
// directory, and an EMR step keeps running until told. This does both, for MapReduce jobs only.
export const cleanUpMapReduceJob = inngest.createFunction(
  { id: "clean-up-mapreduce-job", retries: 3, triggers: [jobCancelRequested] },
  async ({ event, step }) => {
    const { jobId } = event.data;
    const target = await step.run("find", async () => {
      const job = await getMapReduceJobForRun(jobId).catch(() => null);
      return job ? job.recipe.target : null;
    });
    if (target === null) return { skipped: true };
    if (target === "emr") await step.run("cancel-emr-step", () => cancelEmrJob(jobId));
    // Running tasks notice the cancel within a second; give them a moment to stop writing.
    await step.sleep("let-tasks-stop", "3s");
    await step.run("remove-job-directory", () => cleanUpJob(jobId));
    return { cleaned: true };
  },
);
