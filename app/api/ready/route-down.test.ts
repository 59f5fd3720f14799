import { describe, expect, it } from "vitest";

describe("GET /api/ready with storage down", () => {
  it("answers 503 and names the dependency that is down", async () => {
    // Set before the route's modules load (each test file starts with fresh modules and globals).
    // Port 9 (discard) on loopback: nothing listens there.
    process.env.S3_ENDPOINT = "http://127.0.0.1:9";
    process.env.INNGEST_EXECUTOR = "external";
    const { GET } = await import("./route");
    // The first query also compiles Prisma's Wasm engine, which can outlast the check's timeout
    // on a busy machine; this test is about storage.
    const { db } = await import("@/lib/db/client");
    await db.$queryRaw`SELECT 1`;
    process.env.READY_DETAILS_TOKEN = "ready-details-token-for-the-test-0123456789";
    const res = await GET(
      new Request("http://localhost/api/ready", {
        headers: { "x-ready-token": "ready-details-token-for-the-test-0123456789" },
      }),
    );
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.status).toBe("down");
    expect(body.checks.database.ok).toBe(true);
    expect(body.checks.storage.ok).toBe(false);
    expect(body.checks.storage.error).toMatch(/unreachable/i);
  });

  it("tells a caller without the token only that it is down", async () => {
    const { GET } = await import("./route");
    const res = await GET(new Request("http://localhost/api/ready"));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "down" });
  });
});
