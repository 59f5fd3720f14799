import path from "node:path";
import { z } from "zod";
import { parseEnv } from "@/lib/parse-env";

const schema = z.object({
  // smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465. Unset: mails go to the outbox.
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: "SMTP_URL must be an smtp:// or smtps:// URL" })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  MAIL_FROM: z.string().min(3).default("Stratus <no-reply@localhost>"),
  EMAIL_OUTBOX_DIR: z.string().min(1).optional(),
});

export type EmailConfig = { smtpUrl?: string; from: string; outboxDir: string };

export function emailConfig(env: NodeJS.ProcessEnv = process.env): EmailConfig {
  const e = parseEnv(schema, env, "e-mail");
  return {
    smtpUrl: e.SMTP_URL,
    from: e.MAIL_FROM,
    // Not a file of the build: without the comment Next's tracing copies the whole project into
    // the standalone server (the container image).
    outboxDir: path.resolve(
      /*turbopackIgnore: true*/ e.EMAIL_OUTBOX_DIR ?? path.join(".data", "outbox"),
    ),
  };
}
