import "server-only";
import { z } from "zod";
import { parseEnv } from "@/lib/parse-env";

// Unset and empty mean the same: scripts export variables that may hold "".
const blank = (v: unknown) => (v === "" ? undefined : v);
const flag = z.preprocess(blank, z.stringbool().default(false));
const httpUrl = (name: string) =>
  z.preprocess(
    blank,
    z.url({ protocol: /^https?$/, error: `${name} must be an http(s) URL` }).optional(),
  );

// The README's 'Environment' table mirrors this; scripts/s3-start.sh writes the embedded store's values.
const schema = z
  .object({
    // Unset means AWS S3 itself (endpoint from the region).
    S3_ENDPOINT: httpUrl("S3_ENDPOINT"),
    // Where browsers reach the store, when that differs from where the server reaches it.
    S3_PUBLIC_ENDPOINT: httpUrl("S3_PUBLIC_ENDPOINT"),
    S3_BUCKET: z
      .string({ error: "S3_BUCKET is not set (npm run up writes it to .env.local)" })
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "S3_BUCKET is not a valid bucket name"),
    S3_REGION: z.preprocess(blank, z.string().default("us-east-1")),
    // Both or neither: without them the SDK's default chain (instance role, ~/.aws) is used.
    S3_ACCESS_KEY_ID: z.preprocess(blank, z.string().optional()),
    S3_SECRET_ACCESS_KEY: z.preprocess(blank, z.string().optional()),
    S3_FORCE_PATH_STYLE: flag,
    S3_PRESIGN_TTL_SECONDS: z.preprocess(
      blank,
      z.coerce.number().int().min(1).max(604_800).default(900),
    ),
    // Written by scripts/s3-start.sh: the endpoint is the embedded s3rver (scripts/s3-server.ts).
    S3_EMBEDDED: flag,
  })
  .refine((e) => (e.S3_ACCESS_KEY_ID === undefined) === (e.S3_SECRET_ACCESS_KEY === undefined), {
    message: "set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither",
    path: ["S3_SECRET_ACCESS_KEY"],
  });

export type StorageConfig = {
  endpoint: string | undefined;
  publicEndpoint: string | undefined;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  forcePathStyle: boolean;
  presignTtlSeconds: number;
  embedded: boolean;
};

export function parseStorageConfig(env: Record<string, string | undefined>): StorageConfig {
  const e = parseEnv(schema, env, "storage");
  return {
    endpoint: e.S3_ENDPOINT,
    publicEndpoint: e.S3_PUBLIC_ENDPOINT,
    bucket: e.S3_BUCKET,
    region: e.S3_REGION,
    credentials:
      e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
        : undefined,
    // s3rver only understands path-style addressing.
    forcePathStyle: e.S3_FORCE_PATH_STYLE || e.S3_EMBEDDED,
    presignTtlSeconds: e.S3_PRESIGN_TTL_SECONDS,
    embedded: e.S3_EMBEDDED,
  };
}

let cached: StorageConfig | undefined;

export function storageConfig(): StorageConfig {
  cached ??= parseStorageConfig(process.env);
  return cached;
}
