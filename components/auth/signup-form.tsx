"use client";

import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { FormField } from "@/components/form-field";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { signUpAction } from "@/lib/accounts/actions";
import { PASSWORD_RULE } from "@/lib/auth/schemas";
import type { FormState } from "@/lib/forms";

type State = FormState<"name" | "email" | "password"> & { name?: string; email?: string };

export function SignupForm({ next }: { next: string }) {
  const router = useRouter();
  const [state, action, pending] = useActionState<State, FormData>(async (prev, formData) => {
    const kept = {
      name: String(formData.get("name") ?? ""),
      email: String(formData.get("email") ?? ""),
    };
    const result = await signUpAction(prev, formData);
    if (!result.ok) return { ...result, ...kept };
    const res = await signIn("credentials", {
      email: kept.email,
      password: String(formData.get("password") ?? ""),
      redirect: false,
    });
    if (!res?.ok) {
      return {
        message: "Your account was created, but signing in failed. Please log in.",
        ...kept,
      };
    }
    router.replace(next);
    router.refresh();
    return { ok: true, ...kept };
  }, {});

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
      <Button type="submit" disabled={pending || state.ok}>
        {pending || state.ok ? "Creating your account…" : "Create account"}
      </Button>
      <p className="text-center text-sm text-muted-foreground">
        Already have an account?{" "}
        <Link
          className="text-primary underline-offset-4 hover:underline"
          href={`/login?next=${encodeURIComponent(next)}`}
        >
          Log in
        </Link>
      </p>
    </form>
  );
}
