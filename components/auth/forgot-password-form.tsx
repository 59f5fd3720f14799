"use client";

import { MailCheck } from "lucide-react";
import Link from "next/link";
import { useActionState } from "react";
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
      <div className="grid gap-4" role="status">
        <div className="flex items-start gap-3">
          <MailCheck className="mt-0.5 size-5 shrink-0 text-primary" aria-hidden />
          <div className="grid min-w-0 gap-1 text-sm [overflow-wrap:anywhere]">
            <p className="font-medium">{state.message}</p>
            <p className="text-muted-foreground">
              Nothing arrived after a few minutes? Check the spam folder and the address you typed.
            </p>
          </div>
        </div>
        <Button asChild variant="outline">
          <Link href="/login">Back to log in</Link>
        </Button>
      </div>
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
      <p className="text-center text-sm text-muted-foreground">
        Remembered it?{" "}
        <Link className="text-primary underline-offset-4 hover:underline" href="/login">
          Log in
        </Link>
      </p>
    </form>
  );
}
