import "server-only";
import { inngest } from "@/inngest/client";
import { emailRequested } from "@/inngest/events";
import type { EmailMessage } from "./schemas";

export type SendMail = (message: EmailMessage) => Promise<void>;

/** Hands a mail to the send-email function (retried there; the request does not wait on SMTP). */
export const queueEmail: SendMail = async (message) => {
  await inngest.send(emailRequested.create(message));
};
