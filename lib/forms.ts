import type { z } from "zod";

// The state every form's server action returns to useActionState.
export type FormState<Field extends string = string> = {
  ok?: boolean;
  message?: string;
  errors?: Partial<Record<Field, string[]>>;
};

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
