import { inngest } from "@/inngest/client";
import { emailRequested } from "@/inngest/events";
import { deliverEmail } from "@/lib/email/deliver";

export const sendEmail = inngest.createFunction(
  { id: "send-email", retries: 5, triggers: [emailRequested] },
  async ({ event, step }) => step.run("deliver", () => deliverEmail(event.data)),
);
