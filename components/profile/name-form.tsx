"use client";

import { useActionState } from "react";
import { FormField } from "@/components/form-field";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { changeNameAction } from "@/lib/accounts/actions";
import type { FormState } from "@/lib/forms";

export function NameForm({ name }: { name: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(changeNameAction, {});
  return (
    <form action={action} className="grid gap-4" noValidate>
      {state.message && <Alert variant={state.ok ? "success" : "error"}>{state.message}</Alert>}
      <FormField
        name="name"
        label="Name"
        defaultValue={name}
        maxLength={100}
        required
        errors={state.errors?.name}
      />
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save name"}
        </Button>
      </div>
    </form>
  );
}
