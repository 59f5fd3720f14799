"use client";

import { signOut } from "next-auth/react";
import { useActionState, useEffect } from "react";
import { FormField } from "@/components/form-field";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { deleteAccountAction } from "@/lib/accounts/actions";
import type { FormState } from "@/lib/forms";

export function DeleteAccount({ email }: { email: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(deleteAccountAction, {});
  useEffect(() => {
    if (state.ok) void signOut({ callbackUrl: "/login?deleted=1" });
  }, [state.ok]);

  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="destructive">Delete account…</Button>
      </DialogTrigger>
      <DialogContent>
        <DialogTitle>Delete your account?</DialogTitle>
        <DialogDescription>
          This removes your account and everything it owns, for good. It cannot be undone.
        </DialogDescription>
        <form action={action} className="grid gap-4" noValidate>
          {state.message && <Alert variant={state.ok ? "success" : "error"}>{state.message}</Alert>}
          <FormField
            name="confirmation"
            label={`Type ${email} to confirm`}
            autoComplete="off"
            required
            errors={state.errors?.confirmation}
          />
          <FormField
            name="password"
            label="Password"
            type="password"
            autoComplete="current-password"
            required
            errors={state.errors?.password}
          />
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button type="button" variant="outline">
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" variant="destructive" disabled={pending || state.ok}>
              {pending ? "Deleting…" : "Delete my account"}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
