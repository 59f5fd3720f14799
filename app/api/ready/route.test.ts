import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { beginDraining } from "@/lib/health/shutdown";
import { GET } from "./route";

describe("GET /api/ready", () => {
  it("answers 200 with each dependency's status when all are up", async () => {
    // No job worker runs beside vitest; e2e/accounts.spec.ts checks the worker's readiness.
    process.env.INNGEST_EXECUTOR = "external";
    // Warm up: the first query compiles Prisma's Wasm engine, which a busy machine may take
    // longer than the check's timeout to do.
    await db.$queryRaw`SELECT 1`;
    const res = await GET(new Request("http://app.test/api/ready"));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(await res.json()).toMatchObject({
      status: "ok",
      checks: { database: { ok: true }, storage: { ok: true } },
    });
  });

  it("answers 503 once the server is shutting down, so load balancers take it out", async () => {
    beginDraining();
    const res = await GET(new Request("http://app.test/api/ready"));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "draining" });
  });
});
