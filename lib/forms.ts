import type { z } from "zod";

// The state every server action returns (to useActionState, or to the caller of a plain action):
// whether it worked, a sentence for the user, the fields' errors, and any data the action hands
// back (a job's id, a saved link…), present when it worked.
export type FormState<Field extends string = string, Data extends object = object> = {
  ok?: boolean;
  message?: string;
  errors?: Partial<Record<Field, string[]>>;
} & Partial<Data>;

export function formDataObject(formData: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of formData.entries()) if (typeof v === "string") out[k] = v;
  return out;
}

export function fieldErrors<T>(error: z.ZodError<T>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    (out[key] ??= []).push(issue.message);
  }
  return out;
}
