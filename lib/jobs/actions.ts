"use server";

import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import type { FormState } from "@/lib/forms";
import { cancelJob } from "./cancel";
import { JobId } from "./schemas";

/** The Cancel button of a running job; only the job's owner can cancel it. */
export async function cancelJobAction(jobId: unknown): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  const id = JobId.safeParse(jobId);
  if (!id.success) return { ok: false, message: "This job does not exist." };
  if (!(await cancelJob(user.id, id.data))) {
    return { ok: false, message: "This job has already finished or does not exist." };
  }
  return { ok: true, message: "Cancelled." };
}
