import { z } from "zod";

export const EmailMessage = z.object({
  to: z.email().max(254),
  subject: z.string().min(1).max(998),
  text: z.string().max(1_000_000),
  html: z.string().max(1_000_000).optional(),
  replyTo: z.email().max(254).optional(),
  // "account": about the account itself (verification, sign-up attempts), sent to unverified
  // addresses too. Anything else goes only to a verified address (inngest/functions/send-email.ts).
  purpose: z.enum(["account", "notification"]).optional(),
});
export type EmailMessage = z.infer<typeof EmailMessage>;
