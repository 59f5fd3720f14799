"use server";

import { revalidatePath } from "next/cache";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requestClientIp } from "@/lib/auth/request-ip";
import {
  changeNameSchema,
  changePasswordSchema,
  deleteAccountSchema,
  forgotPasswordSchema,
  resetPasswordSchema,
  signUpSchema,
} from "@/lib/auth/schemas";
import { currentSessionToken } from "@/lib/auth/session";
import { signOutEverywhere } from "@/lib/auth/session-claims";
import { renewSession, sessionCookieName, sessionCookieOptions } from "@/lib/auth/session-cookie";
import { describeSignInError, throttledError } from "@/lib/auth/throttle-message";
import type { FormState } from "@/lib/forms";
import { formFields, publicAction, userAction } from "@/lib/server/action";
import { changePassword, deleteAccount, signUp, updateName } from "./accounts";
import { resendVerification } from "./email-verification";
import { requestPasswordReset, resetPassword, RESET_TTL_MS } from "./password-reset";

const throttled = (retryAt: Date) => describeSignInError(throttledError(retryAt));
const noInput = z.unknown();

export const signUpAction = publicAction(
  { schema: signUpSchema, input: formFields, invalid: "Please correct the fields below." },
  async (input): Promise<FormState> => {
    const result = await signUp(input, await requestClientIp());
    if (!result.ok) {
      const minutes = Math.max(1, Math.ceil((result.retryAt.getTime() - Date.now()) / 60_000));
      return { message: `Too many sign-ups from your network. Try again in ${minutes} minutes.` };
    }
    // The same answer whether or not the address already had an account.
    return { ok: true, message: `Check your e-mail: we sent a message to ${input.email}.` };
  },
);

const minutesUntil = (at: Date) => Math.max(1, Math.ceil((at.getTime() - Date.now()) / 60_000));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export const forgotPasswordAction = publicAction(
  { schema: forgotPasswordSchema, input: formFields, invalid: "Please correct the fields below." },
  async ({ email }): Promise<FormState> => {
    const result = await requestPasswordReset(email, await requestClientIp());
    if (!result.ok) {
      return {
        message: `Too many reset requests. Try again in ${plural(minutesUntil(result.retryAt), "minute")}.`,
      };
    }
    // The same answer whether or not the address has an account.
    return {
      ok: true,
      message: `If ${email} has a Stratus account, a link to reset its password is on its way. It works once, for ${RESET_TTL_MS / 60_000} minutes.`,
    };
  },
);

export const resetPasswordAction = publicAction(
  { schema: resetPasswordSchema, input: formFields, invalid: "Password not changed." },
  async (input): Promise<FormState> => {
    const result = await resetPassword(input.token, input.newPassword, await requestClientIp());
    if (!result.ok) {
      if (result.reason === "throttled") {
        return {
          message: `Too many reset links that did not work. Try again in ${plural(minutesUntil(result.retryAt), "minute")}.`,
        };
      }
      return {
        message:
          "This link does not work: it has been used, has expired or was replaced by a newer one. Ask for a new link.",
      };
    }
    // No session is started here: every session ended, and signing in proves the new password.
    return {
      ok: true,
      message: "Password changed. You were signed out everywhere; log in with the new password.",
    };
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
    const result = await changePassword(
      user.id,
      input.currentPassword,
      input.newPassword,
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
      const jar = await cookies();
      jar.set(sessionCookieName(), renewed.value, sessionCookieOptions(renewed.maxAge));
    }
    return { ok: true, message: "Password changed. You were signed out everywhere else." };
  },
);

export const signOutEverywhereAction = userAction(
  { schema: noInput },
  async (_input, user): Promise<FormState> => {
    await signOutEverywhere(user.id);
    (await cookies()).delete(sessionCookieName());
    redirect("/login");
  },
);

export const resendVerificationAction = userAction(
  { schema: noInput },
  async (_input, user): Promise<FormState> => {
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
    const result = await deleteAccount(user.id, input.password, await requestClientIp());
    if (!result.ok) {
      if (result.reason === "throttled") return { message: throttled(result.retryAt) };
      return {
        errors: { password: ["The password is incorrect"] },
        message: "Account not deleted.",
      };
    }
    return { ok: true, message: "Your account and everything in it has been deleted." };
  },
);
