"use client";

import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { AuthFooterLink } from "@/components/auth/auth-form-parts";
import { FormField } from "@/components/form-field";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { logInSchema } from "@/lib/auth/schemas";
import { describeSignInError } from "@/lib/auth/throttle-message";
import { fieldErrors, formDataObject, type FormState } from "@/lib/forms";

type State = FormState<"email" | "password"> & { email?: string };

export function LoginForm({ next }: { next: string }) {
  const router = useRouter();
  // next-auth v4 signs in through its own route, so this action runs in the browser; the
  // credentials are parsed again (and throttled) on the server in authorize().
  const [state, action, pending] = useActionState<State, FormData>(async (_prev, formData) => {
    const raw = formDataObject(formData);
    const parsed = logInSchema.safeParse(raw);
    if (!parsed.success) return { errors: fieldErrors(parsed.error), email: raw.email };
    const res = await signIn("credentials", { ...parsed.data, redirect: false });
    if (!res?.ok) return { message: describeSignInError(res?.error), email: raw.email };
    router.replace(next);
    router.refresh();
    return { ok: true, email: raw.email };
  }, {});

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
      <div className="grid gap-1.5">
        <FormField
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          errors={state.errors?.password}
        />
        <Link
          className="justify-self-end text-sm text-primary underline-offset-4 hover:underline"
          href="/forgot-password"
        >
          Forgot password?
        </Link>
      </div>
      <Button type="submit" disabled={pending || state.ok}>
        {pending || state.ok ? "Logging in…" : "Log in"}
      </Button>
      <AuthFooterLink prompt="New to Stratus?" href={`/signup?next=${encodeURIComponent(next)}`}>
        Create an account
      </AuthFooterLink>
    </form>
  );
}
