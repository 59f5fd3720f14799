"use server";

import { revalidatePath } from "next/cache";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { requestClientIp } from "@/lib/auth/request-ip";
import { currentSessionToken, currentUser, SESSION_ENDED } from "@/lib/auth/session";
import { signOutEverywhere } from "@/lib/auth/session-claims";
import { renewSession, sessionCookieName, sessionCookieOptions } from "@/lib/auth/session-cookie";
import {
  changeNameSchema,
  changePasswordSchema,
  deleteAccountSchema,
  signUpSchema,
} from "@/lib/auth/schemas";
import { throttledError, describeSignInError } from "@/lib/auth/throttle-message";
import { fieldErrors, formDataObject, type FormState } from "@/lib/forms";
import { changePassword, deleteAccount, signUp, updateName } from "./accounts";
import { resendVerification } from "./email-verification";

const throttled = (retryAt: Date) => describeSignInError(throttledError(retryAt));

export async function signUpAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = signUpSchema.safeParse(formDataObject(formData));
  if (!parsed.success) {
    return { errors: fieldErrors(parsed.error), message: "Please correct the fields below." };
  }
  const result = await signUp(parsed.data, await requestClientIp());
  if (!result.ok) {
    const minutes = Math.max(1, Math.ceil((result.retryAt.getTime() - Date.now()) / 60_000));
    return { message: `Too many sign-ups from your network. Try again in ${minutes} minutes.` };
  }
  // The same answer whether or not the address already had an account.
  return {
    ok: true,
    message: `Check your e-mail: we sent a message to ${parsed.data.email}.`,
  };
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
    await requestClientIp(),
  );
  if (!result.ok) {
    if (result.reason === "throttled") return { message: throttled(result.retryAt) };
    return {
      errors: { currentPassword: ["The current password is incorrect"] },
      message: "Password not changed.",
    };
  }
  // Every other session ended with the version bump; this device carries on under the new one.
  const token = await currentSessionToken();
  const renewed = token && (await renewSession({ ...token, sv: result.sessionVersion }));
  if (renewed) {
    (await cookies()).set(sessionCookieName(), renewed.value, sessionCookieOptions(renewed.maxAge));
  }
  return { ok: true, message: "Password changed. You were signed out everywhere else." };
}

export async function signOutEverywhereAction(): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  await signOutEverywhere(user.id);
  (await cookies()).delete(sessionCookieName());
  redirect("/login");
}

export async function resendVerificationAction(): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  const result = await resendVerification(user.id);
  if (!result.ok) {
    return {
      message:
        result.reason === "verified"
          ? "Your address is already confirmed."
          : "A link was sent less than a minute ago. Check your inbox and spam folder.",
    };
  }
  return { ok: true, message: `A new link is on its way to ${user.email}.` };
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
  const result = await deleteAccount(user.id, parsed.data.password, await requestClientIp());
  if (!result.ok) {
    if (result.reason === "throttled") return { message: throttled(result.retryAt) };
    return { errors: { password: ["The password is incorrect"] }, message: "Account not deleted." };
  }
  return { ok: true, message: "Your account and everything in it has been deleted." };
}
