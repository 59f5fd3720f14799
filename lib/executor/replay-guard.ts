import { createHash } from "node:crypto";
import { db } from "@/lib/db/client";
import { MAX_SKEW_SECONDS, verifySignature } from "./signing";

export { REPLAYED_MESSAGE } from "./signing";

// A signed call to a serve endpoint is good for five minutes (the SDK's clock-skew window), so one
// captured on the way (a proxy's log, a shared network) could be sent again to run a step again —
// another e-mail, another empty-trash. Each valid signature is accepted once: its hash goes into
// SeenSignature until it would be too old anyway, in MySQL so that every worker sharing the
// database refuses it (the one that took it first included).

export type ReplayVerdict = "fresh" | "replayed" | "unverified";

const SWEEP_EVERY_MS = 60_000;
let lastSweep = 0;

/** The signing keys the serve endpoints accept (the SDK's variables). */
export function servingKeys(env: Record<string, string | undefined> = process.env): string[] {
  return [env.INNGEST_SIGNING_KEY, env.INNGEST_SIGNING_KEY_FALLBACK].filter(
    (k): k is string => !!k,
  );
}

/**
 * "fresh" the first time a valid signature is seen, "replayed" every time after, "unverified"
 * when there is no valid signature at all (the SDK then refuses the call itself).
 */
export async function claimSignedRequest(
  header: string | null | undefined,
  body: string,
  keys: readonly string[],
  url: URL,
  now = Date.now(),
): Promise<ReplayVerdict> {
  if (!header || !keys.some((key) => verifySignature(header, body, key, now))) return "unverified";
  const t = Number(new URLSearchParams(header).get("t"));
  // The signature covers the body only, and parallel steps of one run are called with the same
  // body in the same second, told apart by ?stepId: each (signature, function, step) runs once.
  const scope = `${url.searchParams.get("fnId") ?? ""}\n${url.searchParams.get("stepId") ?? ""}`;
  const id = createHash("sha256").update(header).update("\n").update(scope).digest("hex");
  const expiresAt = new Date((t + MAX_SKEW_SECONDS + 60) * 1000);
  const inserted = await db.$executeRaw`
    INSERT IGNORE INTO \`SeenSignature\` (id, expiresAt) VALUES (${id}, ${expiresAt})`;
  if (now - lastSweep > SWEEP_EVERY_MS) {
    lastSweep = now;
    await db.$executeRaw`
      DELETE FROM \`SeenSignature\` WHERE expiresAt < ${new Date(now)} LIMIT 1000`;
  }
  return inserted === 1 ? "fresh" : "replayed";
}
