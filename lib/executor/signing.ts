import { createHash, createHmac, timingSafeEqual } from "node:crypto";

// Inngest's request signing: `t=<unix seconds>&s=<hex HMAC-SHA256>` over body + t, keyed with the
// signing key's text minus its `signkey-<env>-` prefix. The SDK rejects signatures older than five
// minutes, so every request is signed when sent, never ahead of time.

export const MAX_SKEW_SECONDS = 5 * 60;

// What a serve endpoint answers (401) to a signed call it already received (replay-guard.ts).
export const REPLAYED_MESSAGE = "This signed request was already received.";

function hmac(signingKey: string, body: string, timestamp: string): string {
  const key = signingKey.replace(/^signkey-\w+-/, "");
  return createHmac("sha256", key).update(body).update(timestamp).digest("hex");
}

export function signatureHeader(body: string, signingKey: string, now = Date.now()): string {
  const t = Math.floor(now / 1000).toString();
  return `t=${t}&s=${hmac(signingKey, body, t)}`;
}

/** True when `header` signs `body` with `signingKey` within the allowed clock skew. */
export function verifySignature(
  header: string,
  body: string,
  signingKey: string,
  now = Date.now(),
): boolean {
  const params = new URLSearchParams(header);
  const t = params.get("t");
  const s = params.get("s");
  if (!t || !s || !/^\d+$/.test(t)) return false;
  if (Math.abs(now / 1000 - Number(t)) > MAX_SKEW_SECONDS) return false;
  const expected = Buffer.from(hmac(signingKey, body, t));
  const given = Buffer.from(s);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Constant-time string comparison for event keys and bearer tokens. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The bearer token the SDK sends to the Inngest API (its checkpoints): the signing key's prefix
 * and the SHA-256 of the key's hex bytes, as the SDK's hashSigningKey computes it.
 */
export function hashedSigningKey(signingKey: string): string {
  const prefix = /^signkey-\w+-/.exec(signingKey)?.[0] ?? "";
  const key = signingKey.slice(prefix.length);
  return `${prefix}${createHash("sha256").update(Buffer.from(key, "hex")).digest("hex")}`;
}
