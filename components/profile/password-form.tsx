"use client";

import { useActionState } from "react";
import { FormField } from "@/components/form-field";
import { NewPasswordFields } from "@/components/shared/new-password-fields";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { changePasswordAction } from "@/lib/accounts/actions";
import type { FormState } from "@/lib/forms";

export function PasswordForm() {
  const [state, action, pending] = useActionState<FormState, FormData>(changePasswordAction, {});
  return (
    <form action={action} className="grid gap-4" noValidate>
      {state.message && <Alert variant={state.ok ? "success" : "error"}>{state.message}</Alert>}
      <FormField
        name="currentPassword"
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        errors={state.errors?.currentPassword}
      />
      <NewPasswordFields errors={state.errors} />
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? "Changing…" : "Change password"}
        </Button>
      </div>
    </form>
  );
}
