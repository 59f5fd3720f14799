"use client";

import { MailCheck } from "lucide-react";
import Link from "next/link";
import { useActionState } from "react";
import { AuthDone, AuthFooterLink } from "@/components/auth/auth-form-parts";
import { FormField } from "@/components/form-field";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { forgotPasswordAction } from "@/lib/accounts/actions";
import type { FormState } from "@/lib/forms";

type State = FormState<"email"> & { email?: string };

export function ForgotPasswordForm() {
  const [state, action, pending] = useActionState<State, FormData>(async (prev, formData) => {
    const kept = { email: String(formData.get("email") ?? "") };
    return { ...(await forgotPasswordAction(prev, formData)), ...kept };
  }, {});

  if (state.ok) {
    return (
      <AuthDone
        icon={MailCheck}
        message={state.message}
        detail="Nothing arrived after a few minutes? Check the spam folder and the address you typed."
      >
        <Button asChild variant="outline">
          <Link href="/login">Back to log in</Link>
        </Button>
      </AuthDone>
    );
  }

  return (
    <form action={action} className="grid gap-4" noValidate>
      {state.message && <Alert>{state.message}</Alert>}
      <FormField
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.email}
        errors={state.errors?.email}
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Sending…" : "Send reset link"}
      </Button>
      <AuthFooterLink prompt="Remembered it?" href="/login">
        Log in
      </AuthFooterLink>
    </form>
  );
}
