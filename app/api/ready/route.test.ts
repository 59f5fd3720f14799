import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { beginDraining } from "@/lib/health/shutdown";
import { GET } from "./route";

const TOKEN = "ready-details-token-for-the-test-0123456789";

describe("GET /api/ready", () => {
  it("answers 200 with each dependency's status when all are up", async () => {
    // No job worker runs beside vitest; e2e/accounts.spec.ts checks the worker's readiness.
    process.env.INNGEST_EXECUTOR = "external";
    // Warm up: the first query compiles Prisma's Wasm engine, which a busy machine may take
    // longer than the check's timeout to do.
    await db.$queryRaw`SELECT 1`;
    process.env.READY_DETAILS_TOKEN = TOKEN;
    const res = await GET(
      new Request("http://localhost/api/ready", { headers: { "x-ready-token": TOKEN } }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(await res.json()).toMatchObject({
      status: "ok",
      checks: { database: { ok: true }, storage: { ok: true } },
    });
  });
});

describe("attack: a stranger reads dependency errors and latencies (issue 14 item 13)", () => {
  it("tells a caller without the details token only up or down", async () => {
    process.env.INNGEST_EXECUTOR = "external";
    process.env.READY_DETAILS_TOKEN = TOKEN;
    for (const headers of [new Headers(), new Headers({ "x-ready-token": "guess" })]) {
      const res = await GET(new Request("http://localhost/api/ready", { headers }));
      expect(await res.json()).toEqual({ status: "ok" });
    }
    delete process.env.READY_DETAILS_TOKEN;
    const res = await GET(
      new Request("http://localhost/api/ready", { headers: { "x-ready-token": "" } }),
    );
    expect(Object.keys(await res.json())).toEqual(["status"]);
  });
});

describe("GET /api/ready while shutting down", () => {
  // Last: draining cannot be undone in this process.
  it("answers 503 once the server is shutting down, so load balancers take it out", async () => {
    beginDraining();
    const res = await GET(new Request("http://localhost/api/ready"));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "draining" });
  });
});
