import { describe, expect, it } from "vitest";

describe("GET /api/health (liveness)", () => {
  it("answers 200 without touching any dependency", async () => {
    // Nothing listens on port 9 (discard): were the route to check the database or the store,
    // it would fail or time out.
    process.env.DATABASE_URL = "mysql://nobody:nothing@127.0.0.1:9/none";
    process.env.S3_ENDPOINT = "http://127.0.0.1:9";
    process.env.STRATUS_INSTANCE = "web-7";
    const { GET } = await import("./route");
    const started = performance.now();
    const res = await GET(new Request("http://app.test/api/health"));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(await res.json()).toMatchObject({ status: "ok", instance: "web-7" });
  });
});
