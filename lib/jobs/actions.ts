"use server";

import type { FormState } from "@/lib/forms";
import { userAction } from "@/lib/server/action";
import { cancelJob } from "./cancel";
import { JobId } from "./schemas";

/** The Cancel button of a running job; only the job's owner can cancel it. */
export const cancelJobAction = userAction(
  { schema: JobId, invalid: () => ({ ok: false, message: "This job does not exist." }) },
  async (jobId, user): Promise<FormState> => {
    if (!(await cancelJob(user.id, jobId))) {
      return { ok: false, message: "This job has already finished or does not exist." };
    }
    return { ok: true, message: "Cancelled." };
  },
);
