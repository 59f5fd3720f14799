"use client";

import { MailCheck } from "lucide-react";
import Link from "next/link";
import { useActionState } from "react";
import { AuthDone, AuthFooterLink } from "@/components/auth/auth-form-parts";
import { FormField } from "@/components/form-field";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { signUpAction } from "@/lib/accounts/actions";
import { PASSWORD_RULE } from "@/lib/auth/schemas";
import type { FormState } from "@/lib/forms";

type State = FormState<"name" | "email" | "password"> & { name?: string; email?: string };

export function SignupForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<State, FormData>(async (prev, formData) => {
    const kept = {
      name: String(formData.get("name") ?? ""),
      email: String(formData.get("email") ?? ""),
    };
    return { ...(await signUpAction(prev, formData)), ...kept };
  }, {});
  const login = `/login?next=${encodeURIComponent(next)}`;

  // One answer whether or not the address already had an account (signing in here would tell).
  if (state.ok) {
    return (
      <AuthDone
        icon={MailCheck}
        message={state.message}
        detail="Open the link in it to confirm your address. You can log in now; until you confirm, Stratus sends you no other mail."
      >
        <Button asChild>
          <Link href={login}>Log in</Link>
        </Button>
      </AuthDone>
    );
  }

  return (
    <form action={action} className="grid gap-4" noValidate>
      {state.message && !state.ok && <Alert>{state.message}</Alert>}
      <FormField
        name="name"
        label="Name"
        autoComplete="name"
        required
        maxLength={100}
        defaultValue={state.name}
        errors={state.errors?.name}
      />
      <FormField
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.email}
        errors={state.errors?.email}
      />
      <FormField
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        hint={PASSWORD_RULE}
        errors={state.errors?.password}
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Creating your account…" : "Create account"}
      </Button>
      <AuthFooterLink prompt="Already have an account?" href={login}>
        Log in
      </AuthFooterLink>
    </form>
  );
}
