import { inngest } from "@/lib/events/client";
import { emailRequested } from "@/lib/events/events";
import { deliverEmail } from "@/lib/email/deliver";

export const sendEmail = inngest.createFunction(
  { id: "send-email", retries: 5, triggers: [emailRequested] },
  async ({ event, step }) => step.run("deliver", () => deliverEmail(event.data)),
);
