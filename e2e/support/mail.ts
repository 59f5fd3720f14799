// Reads what the e2e mail sink (support/mail-sink.ts) received.

export const MAIL_SINK_HTTP = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 6300}`;

export type SunkMail = { to: string[]; raw: string };

/** The text of a message, quoted-printable soft breaks and escapes undone. */
export function mailText(raw: string): string {
  return raw
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Waits for a message to `to` whose text contains `containing`. */
export async function waitForMail(to: string, containing: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${MAIL_SINK_HTTP}/messages?to=${encodeURIComponent(to)}`);
    const mails = (await res.json()) as SunkMail[];
    const found = mails.find((m) => mailText(m.raw).includes(containing));
    if (found) return mailText(found.raw);
    if (Date.now() > deadline) throw new Error(`no e-mail to ${to} containing ${containing}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
