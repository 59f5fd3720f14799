"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import type { FormState } from "@/lib/forms";
import { JobId } from "@/lib/jobs/schemas";
import { userAction } from "@/lib/server/action";
import { deleteObject } from "@/lib/storage/objects";
import { formFromRecipe, newJobObject, type NewJobState } from "./form-schemas";
import { deleteMapReduceJob, getMapReduceJob } from "./store";
import { recipeFromInput, startMapReduceJob } from "./submit";

// MapReduce's server actions, through the one action front door (lib/server/action.ts); each
// touches only the signed-in user's jobs.

const JOB_GONE = "This job does not exist.";

/** The new-job form (also Clone and edit): on success, the job's page. */
export const submitJobAction = userAction(
  {
    // The fields as posted; recipeFromInput checks them against NewJobInput and the user's files.
    schema: z.record(z.string(), z.unknown()),
    input: (_prev: NewJobState, formData: FormData) => newJobObject(formData),
  },
  async (form, user): Promise<NewJobState> => {
    const checked = await recipeFromInput(user.id, form);
    if (!checked.ok) return { ok: false, errors: checked.errors, message: checked.message };
    const started = await startMapReduceJob(user.id, checked.recipe);
    if (!started.ok || !started.jobId) return started;
    redirect(`/mapreduce/${started.jobId}`);
  },
);

/** Re-run: the same job again, with the files it named (checked again: they may be gone). */
export const rerunJobAction = userAction(
  { schema: JobId, invalid: () => ({ ok: false, message: JOB_GONE }) },
  async (jobId, user): Promise<NewJobState> => {
    const job = await getMapReduceJob(user.id, jobId);
    if (!job) return { ok: false, message: JOB_GONE };
    const checked = await recipeFromInput(user.id, formFromRecipe(job.recipe));
    if (!checked.ok) {
      const first = Object.values(checked.errors).flat()[0];
      return {
        ok: false,
        message: `The job cannot run again as it was: ${first ?? checked.message} Use Clone and edit to change it.`,
      };
    }
    return startMapReduceJob(user.id, checked.recipe);
  },
);

/** Deletes a finished job's record; its result files stay in the Drive. */
export const deleteJobAction = userAction(
  {
    schema: JobId,
    invalid: () => ({ ok: false, message: "Only a finished job of yours can be deleted." }),
  },
  async (jobId, user): Promise<FormState> => {
    const deleted = await deleteMapReduceJob(user.id, jobId);
    if (!deleted) return { ok: false, message: "Only a finished job of yours can be deleted." };
    if (deleted.zipKey) await deleteObject(deleted.zipKey).catch(() => undefined);
    return { ok: true, message: "Job deleted. Its results stay in your Drive." };
  },
);
