import "server-only";
import {
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { presignClient } from "./client";
import { storageConfig } from "./config";
import { contentDisposition } from "./content-disposition";
import { assertOwnedKey } from "./keys";
import { MAX_PART_SIZE, checkPartNumber, checkUploadId } from "./multipart";

/** Largest object a single PUT may create; bigger files go through multipart. */
export const MAX_PUT_SIZE = 5 * 1024 ** 3;

export type PresignedRequest = {
  url: string;
  method: "GET" | "PUT";
  /**
   * Headers to send exactly as given: they are signed. Content-Length is signed too; browsers set
   * it from the body, so a body of another size is refused.
   */
  headers: Record<string, string>;
  expiresAt: Date;
};

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

function checkContentType(contentType: string): void {
  if (!MIME.test(contentType)) {
    throw new Error(`invalid content type: ${contentType.slice(0, 100)}`);
  }
}

function checkLength(length: number, max: number): void {
  if (!Number.isSafeInteger(length) || length < 0 || length > max) {
    throw new RangeError(`invalid content length: ${length}`);
  }
}

function ttlSeconds(expiresIn: number | undefined): number {
  const ttl = expiresIn ?? storageConfig().presignTtlSeconds;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 604_800) {
    throw new RangeError(`invalid presign lifetime: ${ttl}`);
  }
  return ttl;
}

type SignOptions = NonNullable<Parameters<typeof getSignedUrl>[2]>;

async function sign(
  expiresIn: number | undefined,
  // Without these only `host` is signed, and any type or size could be sent.
  signedHeaders: string[],
  // A callback because getSignedUrl cannot infer its types from a union of commands.
  presign: (client: S3Client, options: SignOptions) => Promise<string>,
): Promise<{ url: string; expiresAt: Date }> {
  const ttl = ttlSeconds(expiresIn);
  const expiresAt = new Date(Date.now() + ttl * 1000);
  const url = await presign(presignClient(), {
    expiresIn: ttl,
    signableHeaders: new Set(signedHeaders),
  });
  return { url, expiresAt };
}

export async function presignPut(
  userId: string,
  input: { key: string; contentType: string; contentLength: number; expiresIn?: number },
): Promise<PresignedRequest> {
  assertOwnedKey(userId, input.key);
  checkContentType(input.contentType);
  checkLength(input.contentLength, MAX_PUT_SIZE);
  const command = new PutObjectCommand({
    Bucket: storageConfig().bucket,
    Key: input.key,
    ContentType: input.contentType,
    ContentLength: input.contentLength,
  });
  const signed = await sign(input.expiresIn, ["content-type", "content-length"], (client, o) =>
    getSignedUrl(client, command, o),
  );
  return { ...signed, method: "PUT", headers: { "Content-Type": input.contentType } };
}

export async function presignUploadPart(
  userId: string,
  input: {
    key: string;
    uploadId: string;
    partNumber: number;
    contentLength: number;
    expiresIn?: number;
  },
): Promise<PresignedRequest> {
  assertOwnedKey(userId, input.key);
  checkUploadId(input.uploadId);
  checkPartNumber(input.partNumber);
  checkLength(input.contentLength, MAX_PART_SIZE);
  const command = new UploadPartCommand({
    Bucket: storageConfig().bucket,
    Key: input.key,
    UploadId: input.uploadId,
    PartNumber: input.partNumber,
    ContentLength: input.contentLength,
  });
  const signed = await sign(input.expiresIn, ["content-length"], (client, o) =>
    getSignedUrl(client, command, o),
  );
  return { ...signed, method: "PUT", headers: {} };
}

export async function presignGet(
  userId: string,
  input: {
    key: string;
    /** The name the browser saves the file as; sanitised here. */
    filename: string;
    disposition?: "attachment" | "inline";
    /** Overrides the stored type, e.g. to serve a preview as text/plain. */
    contentType?: string;
    expiresIn?: number;
  },
): Promise<PresignedRequest> {
  assertOwnedKey(userId, input.key);
  if (input.contentType !== undefined) checkContentType(input.contentType);
  // The response overrides travel in the query string, which is signed.
  const command = new GetObjectCommand({
    Bucket: storageConfig().bucket,
    Key: input.key,
    ResponseContentDisposition: contentDisposition(input.filename, input.disposition),
    ResponseContentType: input.contentType,
  });
  const signed = await sign(input.expiresIn, [], (client, o) => getSignedUrl(client, command, o));
  return { ...signed, method: "GET", headers: {} };
}
