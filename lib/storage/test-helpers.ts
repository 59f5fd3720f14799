// Shared by the storage tests; not imported by application code.
import { randomBytes, randomUUID } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { storageClient } from "./client";
import { storageConfig } from "./config";
import { deletePrefix } from "./objects";
import { userPrefix } from "./keys";

export function testUserId(): string {
  return `t${randomUUID().replace(/-/g, "").slice(0, 20)}`;
}

export function bytes(length: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(randomBytes(length));
}

export async function putDirect(key: string, body: Uint8Array | string, contentType?: string) {
  await storageClient().send(
    new PutObjectCommand({
      Bucket: storageConfig().bucket,
      Key: key,
      Body: body,
      ContentType: contentType,
    }),
  );
}

export async function cleanUp(...userIds: string[]): Promise<void> {
  for (const id of userIds) await deletePrefix(userPrefix(id));
}
