import { describe, expect, it } from "vitest";
import { parseStorageConfig } from "./config";

describe("storage config", () => {
  it("defaults region, TTL and flags; blank counts as unset", () => {
    const c = parseStorageConfig({ S3_BUCKET: "stratus", S3_ENDPOINT: "", S3_REGION: "" });
    expect(c).toEqual({
      endpoint: undefined,
      publicEndpoint: undefined,
      bucket: "stratus",
      region: "us-east-1",
      credentials: undefined,
      forcePathStyle: false,
      presignTtlSeconds: 900,
      embedded: false,
    });
  });

  it("reads a full configuration; the embedded store implies path style", () => {
    const c = parseStorageConfig({
      S3_ENDPOINT: "http://127.0.0.1:4569",
      S3_PUBLIC_ENDPOINT: "https://files.example.com",
      S3_BUCKET: "my-bucket",
      S3_REGION: "eu-west-3",
      S3_ACCESS_KEY_ID: "id",
      S3_SECRET_ACCESS_KEY: "secret",
      S3_PRESIGN_TTL_SECONDS: "60",
      S3_EMBEDDED: "true",
    });
    expect(c.credentials).toEqual({ accessKeyId: "id", secretAccessKey: "secret" });
    expect(c.forcePathStyle).toBe(true);
    expect(c.presignTtlSeconds).toBe(60);
    expect(c.publicEndpoint).toBe("https://files.example.com");
  });

  it("explains what is wrong", () => {
    expect(() => parseStorageConfig({})).toThrow(/S3_BUCKET is not set/);
    expect(() => parseStorageConfig({ S3_BUCKET: "Bad_Bucket" })).toThrow(/valid bucket name/);
    expect(() => parseStorageConfig({ S3_BUCKET: "b-1", S3_ACCESS_KEY_ID: "id" })).toThrow(
      /both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/,
    );
    expect(() => parseStorageConfig({ S3_BUCKET: "b-1", S3_ENDPOINT: "ftp://x" })).toThrow(
      /S3_ENDPOINT must be an http\(s\) URL/,
    );
    expect(() => parseStorageConfig({ S3_BUCKET: "b-1", S3_PRESIGN_TTL_SECONDS: "0" })).toThrow(
      /S3_PRESIGN_TTL_SECONDS/,
    );
    expect(() => parseStorageConfig({ S3_BUCKET: "b-1", S3_FORCE_PATH_STYLE: "maybe" })).toThrow(
      /S3_FORCE_PATH_STYLE/,
    );
  });
});
