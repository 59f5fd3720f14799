import { inngest } from "@/inngest/client";
import { emailRequested } from "@/inngest/events";
import { db } from "@/lib/db/client";
import { deliverEmail } from "@/lib/email/deliver";

// Until an address is verified Stratus sends it only mails about the account itself (the
// verification link, a sign-up attempt): nobody can make Stratus mail job results or anything
// else to an address they typed in but do not own. Checked when the mail goes out, so a mail
// queued before the owner verified waits for nothing and one queued after deletion goes nowhere.
export async function mayReceive(to: string, purpose: string | undefined): Promise<boolean> {
  if (purpose === "account") return true;
  const user = await db.user.findUnique({
    where: { email: to },
    select: { emailVerifiedAt: true },
  });
  return user?.emailVerifiedAt != null;
}

export const sendEmail = inngest.createFunction(
  { id: "send-email", retries: 5, triggers: [emailRequested] },
  async ({ event, step }) => {
    const allowed = await step.run("check-recipient", () =>
      mayReceive(event.data.to, event.data.purpose),
    );
    if (!allowed) return { skipped: "the address is not verified" };
    return step.run("deliver", () => deliverEmail(event.data));
  },
);
