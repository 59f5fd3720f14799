"use server";

import { revalidatePath } from "next/cache";
import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import {
  changeNameSchema,
  changePasswordSchema,
  deleteAccountSchema,
  signUpSchema,
} from "@/lib/auth/schemas";
import { fieldErrors, formDataObject, type FormState } from "@/lib/forms";
import { changePassword, createAccount, deleteAccount, updateName } from "./accounts";

export async function signUpAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = signUpSchema.safeParse(formDataObject(formData));
  if (!parsed.success) {
    return { errors: fieldErrors(parsed.error), message: "Please correct the fields below." };
  }
  const result = await createAccount(parsed.data);
  if (!result.ok) {
    return {
      errors: { email: ["An account with this email already exists. Log in instead?"] },
      message: "Could not create the account.",
    };
  }
  return { ok: true, message: "Account created." };
}

export async function changeNameAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  const parsed = changeNameSchema.safeParse(formDataObject(formData));
  if (!parsed.success) return { errors: fieldErrors(parsed.error), message: "Name not saved." };
  await updateName(user.id, parsed.data.name);
  revalidatePath("/", "layout");
  return { ok: true, message: "Name saved." };
}

export async function changePasswordAction(
  _prev: FormState,
  formData: FormData,
): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  const parsed = changePasswordSchema.safeParse(formDataObject(formData));
  if (!parsed.success)
    return { errors: fieldErrors(parsed.error), message: "Password not changed." };
  const result = await changePassword(
    user.id,
    parsed.data.currentPassword,
    parsed.data.newPassword,
  );
  if (!result.ok) {
    return {
      errors: { currentPassword: ["The current password is incorrect"] },
      message: "Password not changed.",
    };
  }
  return { ok: true, message: "Password changed." };
}

export async function deleteAccountAction(
  _prev: FormState,
  formData: FormData,
): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  const parsed = deleteAccountSchema.safeParse(formDataObject(formData));
  if (!parsed.success)
    return { errors: fieldErrors(parsed.error), message: "Account not deleted." };
  if (parsed.data.confirmation.toLowerCase() !== user.email) {
    return {
      errors: { confirmation: [`Type your email address (${user.email}) to confirm`] },
      message: "Account not deleted.",
    };
  }
  const result = await deleteAccount(user.id, parsed.data.password);
  if (!result.ok) {
    return { errors: { password: ["The password is incorrect"] }, message: "Account not deleted." };
  }
  return { ok: true, message: "Your account and everything in it has been deleted." };
}
