import { randomUUID } from "node:crypto";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import { logger } from "@/lib/log/logger";
import { emailConfig, type EmailConfig } from "./config";
import { EmailMessage } from "./schemas";

export type Delivery =
  | { via: "smtp"; messageId: string; accepted: string[] }
  | { via: "outbox"; messageId: string; path: string };

/**
 * Sends over SMTP_URL, or without it writes the message as an .eml file to the outbox (a
 * developer opens it in any mail client). Throws on SMTP failure so the step retries.
 */
export async function deliverEmail(
  input: EmailMessage,
  config: EmailConfig = emailConfig(),
): Promise<Delivery> {
  // `purpose` is for send-email's recipient check, not a header.
  const message: Omit<EmailMessage, "purpose"> = EmailMessage.parse(input);
  delete (message as EmailMessage).purpose;
  const mail = { from: config.from, ...message };
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport(config.smtpUrl);
    try {
      const info = await transport.sendMail(mail);
      return { via: "smtp", messageId: info.messageId, accepted: info.accepted.map(String) };
    } finally {
      transport.close();
    }
  }
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: "unix",
  });
  const info = await transport.sendMail(mail);
  // Mails carry links that sign-ups and jobs depend on: readable by the server's user only.
  await mkdir(config.outboxDir, { recursive: true, mode: 0o700 });
  await chmod(config.outboxDir, 0o700);
  const file = path.join(
    config.outboxDir,
    `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomUUID().slice(0, 8)}.eml`,
  );
  await writeFile(file, info.message as Buffer, { mode: 0o600 });
  logger.info("email: no SMTP_URL, wrote the message to the outbox", {
    subject: message.subject,
    to: message.to,
    path: file,
  });
  return { via: "outbox", messageId: info.messageId, path: file };
}
