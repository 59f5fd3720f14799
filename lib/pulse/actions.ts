"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import { fieldErrors, type FormState } from "@/lib/forms";
import { trackerFormObject, trackerFormSchema, trackerIdSchema, TRACKER_STATUSES } from "./schemas";
import { createTracker, deleteTracker, setTrackerStatus, updateTracker } from "./trackers";
import { z } from "zod";

// Pulse's server actions: each parses its input, checks the session itself and scopes everything
// to the signed-in user. The listener polls active trackers every ~2 s, so a start, a pause or an
// edit takes effect within seconds without telling it anything.

const NOT_SAVED = "Please correct the fields below.";

export async function createTrackerAction(
  _prev: FormState,
  formData: FormData,
): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  const parsed = trackerFormSchema.safeParse(trackerFormObject(formData));
  if (!parsed.success) return { errors: fieldErrors(parsed.error), message: NOT_SAVED };
  const result = await createTracker(user.id, parsed.data);
  if (!result.ok) return { errors: result.errors, message: result.message };
  revalidatePath("/pulse");
  redirect(`/pulse/${result.id}`);
}

export async function updateTrackerAction(
  trackerId: string,
  _prev: FormState,
  formData: FormData,
): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  const id = trackerIdSchema.safeParse(trackerId);
  if (!id.success) return { message: "That tracker no longer exists." };
  const parsed = trackerFormSchema.safeParse(trackerFormObject(formData));
  if (!parsed.success) return { errors: fieldErrors(parsed.error), message: NOT_SAVED };
  const result = await updateTracker(user.id, id.data, parsed.data);
  if (!result.ok) return { errors: result.errors, message: result.message };
  revalidatePath("/pulse");
  redirect(`/pulse/${result.id}`);
}

const statusInput = z.object({ trackerId: trackerIdSchema, status: z.enum(TRACKER_STATUSES) });

export async function setTrackerStatusAction(input: unknown): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  const parsed = statusInput.safeParse(input);
  if (!parsed.success) return { message: "Unknown tracker or status." };
  if (!(await setTrackerStatus(user.id, parsed.data.trackerId, parsed.data.status)))
    return { message: "That tracker no longer exists." };
  revalidatePath("/pulse");
  revalidatePath(`/pulse/${parsed.data.trackerId}`);
  return { ok: true, message: parsed.data.status === "active" ? "Started." : "Paused." };
}

export async function deleteTrackerAction(input: unknown): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  const parsed = z.object({ trackerId: trackerIdSchema }).safeParse(input);
  if (!parsed.success || !(await deleteTracker(user.id, parsed.data.trackerId)))
    return { message: "That tracker no longer exists." };
  revalidatePath("/pulse");
  return { ok: true, message: "Tracker deleted." };
}
