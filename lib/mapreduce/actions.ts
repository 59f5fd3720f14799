"use server";

import { redirect } from "next/navigation";
import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import type { FormState } from "@/lib/forms";
import { JobId } from "@/lib/jobs/schemas";
import { deleteObject } from "@/lib/storage/objects";
import { formFromRecipe, newJobObject, type NewJobState } from "./form-schemas";
import { deleteMapReduceJob, getMapReduceJob } from "./store";
import { recipeFromInput, startMapReduceJob } from "./submit";

// MapReduce's server actions: each checks the session itself and touches only the user's jobs.

/** The new-job form (also Clone and edit): on success, the job's page. */
export async function submitJobAction(
  _prev: NewJobState,
  formData: FormData,
): Promise<NewJobState> {
  const user = await currentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  const checked = await recipeFromInput(user.id, newJobObject(formData));
  if (!checked.ok) return { ok: false, errors: checked.errors, message: checked.message };
  const started = await startMapReduceJob(user.id, checked.recipe);
  if (!started.ok || !started.jobId) return started;
  redirect(`/mapreduce/${started.jobId}`);
}

/** Re-run: the same job again, with the files it named (checked again: they may be gone). */
export async function rerunJobAction(jobId: unknown): Promise<NewJobState> {
  const user = await currentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  const id = JobId.safeParse(jobId);
  const job = id.success ? await getMapReduceJob(user.id, id.data) : null;
  if (!job) return { ok: false, message: "This job does not exist." };
  const checked = await recipeFromInput(user.id, formFromRecipe(job.recipe));
  if (!checked.ok) {
    const first = Object.values(checked.errors).flat()[0];
    return {
      ok: false,
      message: `The job cannot run again as it was: ${first ?? checked.message} Use Clone and edit to change it.`,
    };
  }
  return startMapReduceJob(user.id, checked.recipe);
}

/** Deletes a finished job's record; its result files stay in the Drive. */
export async function deleteJobAction(jobId: unknown): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  const id = JobId.safeParse(jobId);
  const deleted = id.success ? await deleteMapReduceJob(user.id, id.data) : null;
  if (!deleted) return { ok: false, message: "Only a finished job of yours can be deleted." };
  if (deleted.zipKey) await deleteObject(deleted.zipKey).catch(() => undefined);
  return { ok: true, message: "Job deleted. Its results stay in your Drive." };
}
