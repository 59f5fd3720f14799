import "server-only";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { storageClient } from "./client";
import { storageConfig } from "./config";
import { planParts } from "./multipart";

/** CopyObject's limit; larger objects are copied with UploadPartCopy. */
export const MAX_COPY_SIZE = 5 * 1024 ** 3;
const COPY_PART_SIZE = 512 * 1024 ** 2;
const PARALLEL_PARTS = 4;

export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

export async function copyInParts(
  source: { key: string; size: number; contentType: string | undefined },
  destinationKey: string,
  partSize = COPY_PART_SIZE,
): Promise<void> {
  if (source.size === 0) throw new Error("copyInParts needs a non-empty source");
  const { bucket } = storageConfig();
  const client = storageClient();
  const created = await client.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: destinationKey,
      ContentType: source.contentType,
    }),
  );
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error("the store returned no upload id");
  try {
    const queue = planParts(source.size, partSize);
    const etags = new Map<number, string>();
    const worker = async () => {
      for (let part = queue.shift(); part; part = queue.shift()) {
        const out = await client.send(
          new UploadPartCopyCommand({
            Bucket: bucket,
            Key: destinationKey,
            UploadId: uploadId,
            PartNumber: part.partNumber,
            CopySource: copySource(bucket, source.key),
            CopySourceRange: `bytes=${part.start}-${part.end - 1}`,
          }),
        );
        const etag = out.CopyPartResult?.ETag;
        if (!etag) throw new Error(`no ETag for copied part ${part.partNumber}`);
        etags.set(part.partNumber, etag);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_PARTS }, worker));
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: destinationKey,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: [...etags]
            .sort(([a], [b]) => a - b)
            .map(([PartNumber, ETag]) => ({ PartNumber, ETag })),
        },
      }),
    );
  } catch (err) {
    await client
      .send(
        new AbortMultipartUploadCommand({
          Bucket: bucket,
          Key: destinationKey,
          UploadId: uploadId,
        }),
      )
      .catch(() => undefined);
    throw err;
  }
}
