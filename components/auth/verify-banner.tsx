"use client";

import { MailWarning } from "lucide-react";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { resendVerificationAction } from "@/lib/accounts/actions";
import type { FormState } from "@/lib/forms";

// Shown on every app page until the address is confirmed: the apps work, mail waits.
export function VerifyBanner({ email }: { email: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(
    () => resendVerificationAction(),
    {},
  );
  return (
    <div
      className="border-b border-amber-500/40 bg-amber-500/10 text-sm"
      role="status"
      data-testid="verify-banner"
    >
      <form
        action={action}
        className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2"
      >
        <MailWarning className="size-4 shrink-0" aria-hidden />
        <p className="min-w-0 flex-1 [overflow-wrap:anywhere]">
          {state.message ??
            `Confirm your address: open the link we sent to ${email}. Until then Stratus sends you no mail, job results included.`}
        </p>
        <Button type="submit" size="sm" variant="outline" disabled={pending}>
          {pending ? "Sending…" : "Send a new link"}
        </Button>
      </form>
    </div>
  );
}
