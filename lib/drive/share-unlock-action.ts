"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { clientIp } from "@/lib/auth/client-ip";
import { serverEnv } from "@/lib/env";
import { fieldErrors, formDataObject, type FormState } from "@/lib/forms";
import { unlockShare } from "./share-links";
import { unlockShareSchema } from "./share-schemas";
import { shareRefusal, throttledMessage } from "./share-messages";

// The public page's password step. No session: the token and the password are the credentials.
export async function unlockShareAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = unlockShareSchema.safeParse(formDataObject(formData));
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    if (errors.token) return { message: shareRefusal("not-found") };
    return { errors, message: "Enter the password to open this file." };
  }
  const { token, password } = parsed.data;
  const ip = clientIp(await headers(), serverEnv().TRUSTED_PROXY_HOPS);
  const result = await unlockShare(token, password, ip);
  if (!result.ok) {
    if (result.reason === "wrong-password") {
      return { errors: { password: ["That password is not right"] }, message: "Wrong password." };
    }
    if (result.reason === "throttled") return { message: throttledMessage(result.retryAt) };
    return { message: shareRefusal(result.reason) };
  }
  if (result.cookie) {
    (await cookies()).set(result.cookie.name, result.cookie.value, {
      httpOnly: true,
      sameSite: "lax",
      secure: (serverEnv().NEXTAUTH_URL ?? "").startsWith("https:"),
      path: "/",
      maxAge: result.cookie.maxAge,
    });
  }
  redirect(`/s/${token}`);
}
