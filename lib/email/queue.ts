import "server-only";
import { inngest } from "@/lib/events/client";
import { emailRequested } from "@/lib/events/events";
import type { EmailMessage } from "./schemas";

export type SendMail = (message: EmailMessage) => Promise<void>;

/** Hands a mail to the send-email function (retried there; the request does not wait on SMTP). */
export const queueEmail: SendMail = async (message) => {
  await inngest.send(emailRequested.create(message));
};
