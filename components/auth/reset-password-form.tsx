"use client";

import { CircleCheck } from "lucide-react";
import Link from "next/link";
import { useActionState } from "react";
import { AuthDone } from "@/components/auth/auth-form-parts";
import { NewPasswordFields } from "@/components/shared/new-password-fields";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { resetPasswordAction } from "@/lib/accounts/actions";
import type { FormState } from "@/lib/forms";

export function ResetPasswordForm({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(resetPasswordAction, {});

  if (state.ok) {
    return (
      <AuthDone icon={CircleCheck} message={state.message}>
        <Button asChild>
          <Link href="/login">Log in</Link>
        </Button>
      </AuthDone>
    );
  }

  return (
    <form action={action} className="grid gap-4" noValidate>
      {state.message && <Alert>{state.message}</Alert>}
      <input type="hidden" name="token" value={token} />
      {/* For password managers: the account the new password belongs to. */}
      <input type="hidden" name="username" autoComplete="username" value={email} readOnly />
      <NewPasswordFields errors={state.errors} />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Set new password"}
      </Button>
    </form>
  );
}
