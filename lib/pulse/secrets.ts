import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// Mastodon and X tokens at rest: AES-256-GCM under PULSE_SECRET_KEY (32 bytes, base64), which
// scripts/lib.sh generates into .env.local. Format "v1.<iv>.<tag>.<ciphertext>" (base64url), so a
// future key or algorithm can sit beside this one. Tampering or a different key makes decrypt throw.

const VERSION = "v1";

function key(): Buffer {
  const raw = process.env.PULSE_SECRET_KEY;
  if (!raw)
    throw new Error("PULSE_SECRET_KEY is not set (npm run up generates it into .env.local)");
  const bytes = Buffer.from(raw, "base64");
  if (bytes.length !== 32) throw new Error("PULSE_SECRET_KEY must be 32 bytes, base64-encoded");
  return bytes;
}

export function encryptSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url"));
  return [VERSION, ...parts].join(".");
}

export function decryptSecret(enc: string): string {
  const [version, iv, tag, body] = enc.split(".");
  if (version !== VERSION || iv === undefined || tag === undefined || body === undefined)
    throw new Error("Not an encrypted Pulse secret");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  const plain = Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]);
  return plain.toString("utf8");
}
