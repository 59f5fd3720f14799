import { mayReceiveMail } from "@/lib/accounts/email-verification";
import { deliverEmail } from "@/lib/email/deliver";
import { inngest } from "@/lib/events/client";
import { emailRequested } from "@/lib/events/events";

// Until an address is verified Stratus sends it only mails about the account itself (the
// verification link, a sign-up attempt): nobody can make Stratus mail job results or anything
// else to an address they typed in but do not own. Checked when the mail goes out, so a mail
// queued before the owner verified waits for nothing and one queued after deletion goes nowhere.
export const sendEmail = inngest.createFunction(
  { id: "send-email", retries: 5, triggers: [emailRequested] },
  async ({ event, step }) => {
    const allowed = await step.run("check-recipient", () =>
      mayReceiveMail(event.data.to, event.data.purpose),
    );
    if (!allowed) return { skipped: "the address is not verified" };
    return step.run("deliver", () => deliverEmail(event.data));
  },
);
