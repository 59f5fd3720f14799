import { z } from "zod";
import { blank, parseEnv } from "@/lib/parse-env";
import { DEFAULT_JETSTREAM_URL } from "./sources/jetstream";
import { DEFAULT_X_API_URL } from "./sources/x";

// Pulse's settings (README, "Pulse"), read from the environment and checked at start with every
// other feature's (lib/health/environment.ts): the web server needs the secret key to encrypt the
// trackers' tokens, the listener needs it to decrypt them and its own settings to run.

const int = (min: number, max: number, fallback: number) =>
  z.preprocess(blank, z.coerce.number().int().min(min).max(max).default(fallback));

const url = (name: string, schemes: RegExp, fallback: string) =>
  z.preprocess(
    blank,
    z.string().regex(schemes, `${name} must be a ${schemes.source} URL`).default(fallback),
  );

const SECRET_MISSING = "PULSE_SECRET_KEY is not set (npm run up generates it into .env.local)";

// AES-256-GCM key of the Mastodon and X tokens at rest (lib/pulse/secrets.ts).
const secretKey = z
  .string({ error: SECRET_MISSING })
  .min(1, SECRET_MISSING)
  .transform((raw, ctx) => {
    const bytes = Buffer.from(raw, "base64");
    if (bytes.length !== 32)
      ctx.addIssue({
        code: "custom",
        message: "PULSE_SECRET_KEY must be 32 bytes, base64-encoded",
      });
    return bytes;
  });

const schema = z.object({
  PULSE_SECRET_KEY: z.preprocess(blank, secretKey.optional()),
  PULSE_JETSTREAM_URL: url("PULSE_JETSTREAM_URL", /^wss?:\/\//, DEFAULT_JETSTREAM_URL),
  PULSE_X_API_URL: url("PULSE_X_API_URL", /^https?:\/\//, DEFAULT_X_API_URL),
  // Minutes X resends after a reconnect (needs Pro/Enterprise access); 0: none.
  PULSE_X_BACKFILL_MINUTES: int(0, 5, 0),
  // How often the listener reads the tracker list.
  PULSE_POLL_MS: int(100, 60_000, 2_000),
  // Posts per event, and the longest wait before a partial batch is sent. At 5,000 posts/s a batch
  // of 1,000 fills in 0.2 s; each consumer run has a fixed cost that a larger batch spreads.
  PULSE_BATCH_SIZE: int(1, 2_000, 1_000),
  PULSE_BATCH_MS: int(10, 60_000, 1_000),
  // How often the listener logs a line of totals.
  PULSE_STATS_MS: int(1_000, 24 * 60 * 60_000, 60_000),
  // Stored raw posts (lib/pulse/caps.ts): across one user's trackers, and on the whole server.
  PULSE_MAX_POSTS_PER_USER: int(1, 1_000_000_000, 500_000),
  PULSE_MAX_POSTS_TOTAL: int(1, 1_000_000_000, 5_000_000),
});

export type PulseConfig = {
  /** Null when unset: only the web server and the listener need it (see requirePulseSecret). */
  secretKey: Buffer | null;
  listener: ListenerConfig;
  statsMs: number;
  caps: PostCaps;
};

export type PostCaps = { perUser: number; total: number };

export type ListenerConfig = {
  jetstreamUrl: string;
  xApiUrl: string;
  xBackfillMinutes: number;
  pollMs: number;
  batchSize: number;
  batchMs: number;
};

export class PulseConfigError extends Error {
  override name = "PulseConfigError";
}

/** Every Pulse setting from `env`; throws naming each wrong one. */
export function pulseConfigFromEnv(env: Record<string, string | undefined>): PulseConfig {
  const e = parseEnv(schema, env, "Pulse", PulseConfigError);
  return {
    secretKey: e.PULSE_SECRET_KEY ?? null,
    listener: {
      jetstreamUrl: e.PULSE_JETSTREAM_URL,
      xApiUrl: e.PULSE_X_API_URL,
      xBackfillMinutes: e.PULSE_X_BACKFILL_MINUTES,
      pollMs: e.PULSE_POLL_MS,
      batchSize: e.PULSE_BATCH_SIZE,
      batchMs: e.PULSE_BATCH_MS,
    },
    statsMs: e.PULSE_STATS_MS,
    caps: { perUser: e.PULSE_MAX_POSTS_PER_USER, total: e.PULSE_MAX_POSTS_TOTAL },
  };
}

/** The post caps, read at each use (tests set small ones). */
export function postCaps(env: Record<string, string | undefined> = process.env): PostCaps {
  return pulseConfigFromEnv(env).caps;
}

/** The same check, with the secret key required (the web server's and the listener's). */
export function requirePulseSecret(env: Record<string, string | undefined>): Buffer {
  const { secretKey } = pulseConfigFromEnv(env);
  if (secretKey) return secretKey;
  throw new PulseConfigError(`Invalid Pulse environment:\n  PULSE_SECRET_KEY: ${SECRET_MISSING}`);
}

/** The key that encrypts the trackers' tokens, read at each use (tests and rotations change it). */
export function pulseSecretKey(raw: string | undefined = process.env.PULSE_SECRET_KEY): Buffer {
  const parsed = secretKey.safeParse(raw === "" ? undefined : raw);
  if (!parsed.success)
    throw new PulseConfigError(parsed.error.issues[0]?.message ?? SECRET_MISSING);
  return parsed.data;
}

/** The listener's settings (lib/pulse/listener). */
export function listenerConfig(env: NodeJS.ProcessEnv = process.env): ListenerConfig {
  return pulseConfigFromEnv(env).listener;
}
