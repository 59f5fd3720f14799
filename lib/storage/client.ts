import "server-only";
import { S3Client } from "@aws-sdk/client-s3";
import { storageConfig, type StorageConfig } from "./config";

// s3rver signs a bucket-level request over `/bucket`, the SDK over `/bucket/`, so every
// ListObjectsV2/DeleteObjects/HeadBucket would fail with SignatureDoesNotMatch. Real stores accept
// both forms, but this is only added for the embedded store.
function stripBucketTrailingSlash(client: S3Client) {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { path?: unknown };
      if (typeof request.path === "string" && /^\/[^/]+\/$/.test(request.path)) {
        request.path = request.path.slice(0, -1);
      }
      return next(args);
    },
    { step: "build", priority: "low", name: "stratusS3rverBucketPath" },
  );
}

export function createStorageClient(config: StorageConfig, endpoint = config.endpoint): S3Client {
  const client = new S3Client({
    region: config.region,
    endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: config.credentials,
    // The SDK's default adds CRC32 checksums that s3rver rejects on streamed bodies and that
    // presigned PUT URLs would pin to an empty body.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // Fail fast when the store is down instead of waiting for the OS connect timeout.
    requestHandler: { connectionTimeout: 5000 },
  });
  if (config.embedded) stripBucketTrailingSlash(client);
  return client;
}

type Clients = { server: S3Client; presign: S3Client };

// One pair per process: Next's dev server reloads modules, so keep them on globalThis.
const globalForS3 = globalThis as unknown as { stratusS3?: Clients };

function clients(): Clients {
  if (globalForS3.stratusS3) return globalForS3.stratusS3;
  const config = storageConfig();
  const server = createStorageClient(config);
  const presign =
    config.publicEndpoint && config.publicEndpoint !== config.endpoint
      ? createStorageClient(config, config.publicEndpoint)
      : server;
  globalForS3.stratusS3 = { server, presign };
  return globalForS3.stratusS3;
}

/** The client for requests the server makes itself. */
export function storageClient(): S3Client {
  return clients().server;
}

/** The client whose endpoint goes into presigned URLs that browsers follow. */
export function presignClient(): S3Client {
  return clients().presign;
}
