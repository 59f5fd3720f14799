"use server";

import { revalidatePath } from "next/cache";
import {
  changeNameSchema,
  changePasswordSchema,
  deleteAccountSchema,
  signUpSchema,
} from "@/lib/auth/schemas";
import type { FormState } from "@/lib/forms";
import { formFields, publicAction, userAction } from "@/lib/server/action";
import { changePassword, createAccount, deleteAccount, updateName } from "./accounts";

export const signUpAction = publicAction(
  { schema: signUpSchema, input: formFields, invalid: "Please correct the fields below." },
  async (input): Promise<FormState> => {
    const result = await createAccount(input);
    if (!result.ok) {
      return {
        errors: { email: ["An account with this email already exists. Log in instead?"] },
        message: "Could not create the account.",
      };
    }
    return { ok: true, message: "Account created." };
  },
);

export const changeNameAction = userAction(
  { schema: changeNameSchema, input: formFields, invalid: "Name not saved." },
  async ({ name }, user): Promise<FormState> => {
    await updateName(user.id, name);
    revalidatePath("/", "layout");
    return { ok: true, message: "Name saved." };
  },
);

export const changePasswordAction = userAction(
  { schema: changePasswordSchema, input: formFields, invalid: "Password not changed." },
  async (input, user): Promise<FormState> => {
    const result = await changePassword(user.id, input.currentPassword, input.newPassword);
    if (!result.ok) {
      return {
        errors: { currentPassword: ["The current password is incorrect"] },
        message: "Password not changed.",
      };
    }
    return { ok: true, message: "Password changed." };
  },
);

export const deleteAccountAction = userAction(
  { schema: deleteAccountSchema, input: formFields, invalid: "Account not deleted." },
  async (input, user): Promise<FormState> => {
    if (input.confirmation.toLowerCase() !== user.email) {
      return {
        errors: { confirmation: [`Type your email address (${user.email}) to confirm`] },
        message: "Account not deleted.",
      };
    }
    const result = await deleteAccount(user.id, input.password);
    if (!result.ok) {
      return {
        errors: { password: ["The password is incorrect"] },
        message: "Account not deleted.",
      };
    }
    return { ok: true, message: "Your account and everything in it has been deleted." };
  },
);
