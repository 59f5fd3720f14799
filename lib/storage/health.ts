import "server-only";
import { HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { storageClient } from "./client";
import { storageConfig } from "./config";
import { httpStatus } from "./errors";

const TIMEOUT_MS = 2500;

/**
 * Throws unless the bucket answers. HEAD has no error body, so the status is turned into a message
 * an operator can act on. `target` lets a test point it at another client.
 */
export async function checkStorage(target?: { client: S3Client; bucket: string }): Promise<void> {
  const client = target?.client ?? storageClient();
  const bucket = target?.bucket ?? storageConfig().bucket;
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }), {
      abortSignal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const status = httpStatus(err);
    if (status === 404) throw new Error(`bucket "${bucket}" does not exist`);
    if (status === 403) {
      throw new Error(
        `access to bucket "${bucket}" denied: check S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY`,
      );
    }
    const reason = err instanceof Error ? err.message || err.name : String(err);
    throw new Error(`storage unreachable: ${status ? `HTTP ${status}` : reason}`);
  }
}
