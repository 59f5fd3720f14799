import { mailPasswordReset } from "@/lib/accounts/password-reset";
import { inngest } from "@/lib/events/client";
import { passwordResetRequested } from "@/lib/events/events";

// The background half of "Forgot password" (lib/accounts/password-reset.ts): the request only
// throttled and queued, for any address, so that its answer takes the same time whether or not
// the address has an account. A retry makes a new link, which replaces the one before.
export const sendPasswordReset = inngest.createFunction(
  { id: "send-password-reset", retries: 3, triggers: [passwordResetRequested] },
  async ({ event, step }) => step.run("mail-link", () => mailPasswordReset(event.data)),
);
