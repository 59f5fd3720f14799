"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { clientIp } from "@/lib/auth/client-ip";
import { serverEnv } from "@/lib/env";
import { fieldErrors, type FormState } from "@/lib/forms";
import { formFields, publicAction } from "@/lib/server/action";
import { unlockShare } from "./share-links";
import { unlockShareSchema } from "./share-schemas";
import { shareRefusal, throttledMessage } from "./share-messages";

// The public page's password step. No session: the token and the password are the credentials.
export const unlockShareAction = publicAction(
  {
    schema: unlockShareSchema,
    input: formFields,
    invalid: (error) => {
      const errors = fieldErrors(error);
      if (errors.token) return { ok: false, message: shareRefusal("not-found") };
      return { ok: false, errors, message: "Enter the password to open this file." };
    },
  },
  async ({ token, password }): Promise<FormState> => {
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
  },
);
