"use client";

import { LogOut } from "lucide-react";
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { signOutEverywhereAction } from "@/lib/accounts/actions";
import type { FormState } from "@/lib/forms";

export function SignOutEverywhere() {
  const [state, action, pending] = useActionState<FormState, FormData>(
    () => signOutEverywhereAction(),
    {},
  );
  return (
    <form action={action} className="grid gap-3">
      {state.message && <Alert>{state.message}</Alert>}
      <div>
        <Button type="submit" variant="outline" disabled={pending}>
          <LogOut aria-hidden />
          {pending ? "Signing out…" : "Sign out everywhere"}
        </Button>
      </div>
    </form>
  );
}
