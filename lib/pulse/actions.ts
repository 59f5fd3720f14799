"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { fieldErrors, type FormState } from "@/lib/forms";
import { userAction } from "@/lib/server/action";
import { trackerFormObject, trackerFormSchema, trackerIdSchema, TRACKER_STATUSES } from "./schemas";
import {
  createTracker,
  deleteTracker,
  setTrackerStatus,
  updateTracker,
  type ReplaySample,
  type TrackerResult,
} from "./trackers";

// Pulse's server actions, through the one action front door (lib/server/action.ts); everything
// is scoped to the signed-in user. The listener polls active trackers every ~2 s, so a start, a
// pause or an edit takes effect within seconds without telling it anything.

const NOT_SAVED = "Please correct the fields below.";

/** The tracker form's state: a refused replay file comes with what was read from it. */
export type TrackerFormState = FormState<string, { replaySample: ReplaySample }>;

const refused = (result: Extract<TrackerResult, { ok: false }>): TrackerFormState => ({
  errors: result.errors,
  message: result.message,
  ...(result.replaySample ? { replaySample: result.replaySample } : {}),
});
const TRACKER_GONE = "That tracker no longer exists.";

export const createTrackerAction = userAction(
  {
    schema: trackerFormSchema,
    input: (_prev: FormState, formData: FormData) => trackerFormObject(formData),
    invalid: NOT_SAVED,
  },
  async (input, user): Promise<TrackerFormState> => {
    const result = await createTracker(user.id, input);
    if (!result.ok) return refused(result);
    revalidatePath("/pulse");
    redirect(`/pulse/${result.id}`);
  },
);

/** Bound to the tracker's id by the edit page. */
export const updateTrackerAction = userAction(
  {
    schema: z.object({ trackerId: trackerIdSchema }).and(trackerFormSchema),
    input: (trackerId: string, _prev: FormState, formData: FormData) => ({
      ...trackerFormObject(formData),
      trackerId,
    }),
    invalid: (error) => {
      const errors = fieldErrors(error);
      if (errors.trackerId) return { ok: false, message: TRACKER_GONE };
      return { ok: false, errors, message: NOT_SAVED };
    },
  },
  async ({ trackerId, ...form }, user): Promise<TrackerFormState> => {
    const result = await updateTracker(user.id, trackerId, form);
    if (!result.ok) return refused(result);
    revalidatePath("/pulse");
    redirect(`/pulse/${result.id}`);
  },
);

export const setTrackerStatusAction = userAction(
  {
    schema: z.object({ trackerId: trackerIdSchema, status: z.enum(TRACKER_STATUSES) }),
    invalid: () => ({ ok: false, message: "Unknown tracker or status." }),
  },
  async ({ trackerId, status }, user): Promise<FormState> => {
    if (!(await setTrackerStatus(user.id, trackerId, status))) return { message: TRACKER_GONE };
    revalidatePath("/pulse");
    revalidatePath(`/pulse/${trackerId}`);
    return { ok: true, message: status === "active" ? "Started." : "Paused." };
  },
);

export const deleteTrackerAction = userAction(
  {
    schema: z.object({ trackerId: trackerIdSchema }),
    invalid: () => ({ ok: false, message: TRACKER_GONE }),
  },
  async ({ trackerId }, user): Promise<FormState> => {
    if (!(await deleteTracker(user.id, trackerId))) return { message: TRACKER_GONE };
    revalidatePath("/pulse");
    return { ok: true, message: "Tracker deleted." };
  },
);
