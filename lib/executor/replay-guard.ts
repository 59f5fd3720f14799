import { createHash } from "node:crypto";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
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
  const fresh = await claim(id, expiresAt);
  if (now - lastSweep > SWEEP_EVERY_MS) {
    lastSweep = now;
    await db.$executeRaw`
      DELETE FROM \`SeenSignature\` WHERE expiresAt < ${new Date(now)} LIMIT 1000`;
  }
  return fresh ? "fresh" : "replayed";
}

// Group commit: the claims that arrive while one INSERT is in flight go into the next one, one
// statement and one commit (one log flush) for all of them instead of one each — every call a
// serve endpoint takes is a claim (bench:jobs:serve measured the guard at ~0.8 ms of CPU a call,
// the largest part of the worker endpoint's cost besides the SDK). A lone claim goes at once.
// MariaDB's INSERT IGNORE … RETURNING returns only the rows it inserted: a claim is fresh if its
// row is among them. The same signature twice in one batch is fresh for the first claim only.
type Claim = {
  id: string;
  expiresAt: Date;
  resolve: (fresh: boolean) => void;
  reject: (error: unknown) => void;
};
const MAX_BATCH = 500;
let waiting: Claim[] = [];
let writing = false;

function claim(id: string, expiresAt: Date): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    waiting.push({ id, expiresAt, resolve, reject });
    if (!writing) void writeClaims();
  });
}

async function writeClaims() {
  writing = true;
  while (waiting.length > 0) {
    const batch = waiting.slice(0, MAX_BATCH);
    waiting = waiting.slice(batch.length);
    try {
      const rows = await db.$queryRaw<{ id: string }[]>`
        INSERT IGNORE INTO \`SeenSignature\` (id, expiresAt)
        VALUES ${Prisma.join(batch.map((c) => Prisma.sql`(${c.id}, ${c.expiresAt})`))}
        RETURNING id`;
      const inserted = new Set(rows.map((row) => row.id));
      for (const c of batch) c.resolve(inserted.delete(c.id));
    } catch (error) {
      for (const c of batch) c.reject(error);
    }
  }
  writing = false;
}
