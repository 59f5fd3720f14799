import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { pulseSecretKey } from "./config";

// Mastodon and X tokens at rest: AES-256-GCM under PULSE_SECRET_KEY (32 bytes, base64, checked by
// lib/pulse/config.ts), which scripts/lib.sh generates into .env.local. Format
// "v1.<iv>.<tag>.<ciphertext>" (base64url), so a future key or algorithm can sit beside this one. Tampering or a different key makes decrypt throw.

const VERSION = "v1";

const key = () => pulseSecretKey();

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
