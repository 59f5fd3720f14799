import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { createStorageClient, storageClient } from "./client";
import { storageConfig } from "./config";
import { checkStorage } from "./health";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("checkStorage", () => {
  it("passes when the bucket answers", async () => {
    await expect(checkStorage()).resolves.toBeUndefined();
  });

  it("fails quickly when nothing listens", async () => {
    const config = storageConfig();
    const client = createStorageClient(config, `http://127.0.0.1:${await closedPort()}`);
    const started = Date.now();
    await expect(checkStorage({ client, bucket: config.bucket })).rejects.toThrow(
      /storage unreachable/,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("names a missing bucket and wrong keys", async () => {
    const config = storageConfig();
    await expect(
      checkStorage({ client: storageClient(), bucket: "no-such-bucket-here" }),
    ).rejects.toThrow(/does not exist/);
    const wrongKeys = createStorageClient({
      ...config,
      credentials: {
        accessKeyId: config.credentials?.accessKeyId ?? "x",
        secretAccessKey: "wrong",
      },
    });
    await expect(checkStorage({ client: wrongKeys, bucket: config.bucket })).rejects.toThrow(
      /denied/,
    );
  });
});
