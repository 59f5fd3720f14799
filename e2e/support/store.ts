import { readFileSync } from "node:fs";
import { S3Client } from "@aws-sdk/client-s3";

// The store the app under test uses, for tests that check or seed objects behind the UI.

// scripts/s3-start.sh writes the store's settings to .env.local; `npm test` also exports them.
function setting(name: string): string | undefined {
  if (process.env[name]) return process.env[name];
  try {
    const line = readFileSync(".env.local", "utf8")
      .split("\n")
      .findLast((l) => l.startsWith(`${name}=`));
    return line?.slice(name.length + 1);
  } catch {
    return undefined;
  }
}

let client: S3Client | undefined;
export function store(): S3Client {
  const id = setting("S3_ACCESS_KEY_ID");
  const secret = setting("S3_SECRET_ACCESS_KEY");
  client ??= new S3Client({
    region: setting("S3_REGION") || "us-east-1",
    endpoint: setting("S3_ENDPOINT") || undefined,
    forcePathStyle: setting("S3_FORCE_PATH_STYLE") === "true" || setting("S3_EMBEDDED") === "true",
    credentials: id && secret ? { accessKeyId: id, secretAccessKey: secret } : undefined,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return client;
}

export const bucket = () => setting("S3_BUCKET") ?? "stratus";
