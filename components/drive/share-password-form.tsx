"use client";

import { useActionState } from "react";
import { FormField } from "@/components/form-field";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { FormState } from "@/lib/forms";
import { unlockShareAction } from "@/lib/drive/share-unlock-action";

export function SharePasswordForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(unlockShareAction, {});
  return (
    <form action={action} className="grid gap-4" noValidate>
      {state.message && <Alert>{state.message}</Alert>}
      <input type="hidden" name="token" value={token} />
      <FormField
        name="password"
        label="Password"
        type="password"
        autoComplete="off"
        required
        autoFocus
        errors={state.errors?.password}
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Checking…" : "Open"}
      </Button>
    </form>
  );
}
