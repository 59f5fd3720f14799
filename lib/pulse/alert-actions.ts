"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { fieldErrors, formDataObject, type FormState } from "@/lib/forms";
import { userAction } from "@/lib/server/action";
import { alertRuleFormSchema, alertRuleIdSchema } from "./alert-schemas";
import { ALERT_RULE_GONE, createAlertRule, deleteAlertRule, updateAlertRule } from "./alerts";
import { BACKFILL_HOURS } from "./backfill-options";
import { requestBackfill } from "./backfill-requests";
import { trackerIdSchema } from "./schemas";

// Alert rules' server actions, through the one front door; scoped to the signed-in user's
// trackers (alerts.ts checks ownership in every query).

const NOT_SAVED = "Please correct the fields below.";
const invalid = (error: z.ZodError): FormState & { ok: false; message: string } => {
  const errors = fieldErrors(error);
  if (errors.trackerId || errors.ruleId) return { ok: false, message: ALERT_RULE_GONE };
  return { ok: false, errors, message: NOT_SAVED };
};

/** Bound to the tracker (new rule) or to the tracker and the rule (edit). */
export const saveAlertRuleAction = userAction(
  {
    schema: z
      .object({ trackerId: trackerIdSchema, ruleId: alertRuleIdSchema.optional() })
      .and(alertRuleFormSchema),
    input: (ids: { trackerId: string; ruleId?: string }, _prev: FormState, formData: FormData) => ({
      enabled: "off",
      ...formDataObject(formData),
      ...ids,
    }),
    invalid,
  },
  async ({ trackerId, ruleId, ...rule }, user): Promise<FormState> => {
    const result = ruleId
      ? await updateAlertRule(user.id, ruleId, rule)
      : await createAlertRule(user.id, trackerId, rule);
    if (!result.ok) return { ok: false, message: result.message };
    revalidatePath(`/pulse/${trackerId}/alerts`);
    return { ok: true, message: ruleId ? "Alert rule saved." : "Alert rule added." };
  },
);

export const deleteAlertRuleAction = userAction(
  {
    schema: z.object({ trackerId: trackerIdSchema, ruleId: alertRuleIdSchema }),
    invalid: () => ({ ok: false, message: ALERT_RULE_GONE }),
  },
  async ({ trackerId, ruleId }, user): Promise<FormState> => {
    if (!(await deleteAlertRule(user.id, ruleId))) return { ok: false, message: ALERT_RULE_GONE };
    revalidatePath(`/pulse/${trackerId}/alerts`);
    return { ok: true, message: "Alert rule deleted." };
  },
);

/** The dashboard's "Backfill": search the tracker's sources for the last `hours`. */
export const requestBackfillAction = userAction(
  {
    schema: z.object({
      trackerId: trackerIdSchema,
      hours: z.coerce
        .number()
        .int()
        .refine((h) => (BACKFILL_HOURS as readonly number[]).includes(h), "Pick how far back"),
    }),
    invalid: () => ({ ok: false, message: "Pick how far back to search." }),
  },
  async ({ trackerId, hours }, user): Promise<FormState> => {
    const result = await requestBackfill(user.id, trackerId, hours);
    if (!result.ok) return { ok: false, message: result.message };
    revalidatePath(`/pulse/${trackerId}`);
    return { ok: true, message: `Searching the last ${hours} h…` };
  },
);
