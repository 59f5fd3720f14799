import { randomBytes, randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, describe, expect, it, vi } from "vitest";
import { signatureHeader } from "@/lib/executor/signing";
import { firstCallBody } from "@/lib/executor/testing/call-body";

// The Next.js serve endpoint Inngest Cloud calls. It runs in cloud mode: without a valid
// signature it runs nothing.
const signingKey = `signkey-test-${randomBytes(32).toString("hex")}`;
vi.stubEnv("INNGEST_SIGNING_KEY", signingKey);
vi.stubEnv("INNGEST_DEV", "");
vi.stubEnv("INNGEST_EXECUTOR", "external");
const { GET, POST } = await import("./route");
const { functions } = await import("@/inngest");
afterAll(() => vi.unstubAllEnvs());

const url = "http://app.test/api/inngest?fnId=stratus-empty-trash&stepId=step";
const body = firstCallBody({
  name: "stratus/drive.trash.empty",
  data: { jobId: "nosuchjob", ownerId: `nobody${randomUUID().slice(0, 8)}` },
});
const call = (headers: Record<string, string>) =>
  POST(
    new NextRequest(url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...headers },
    }),
    {} as never,
  );

describe("/api/inngest", () => {
  it("describes itself only to a signed request, in cloud mode with every function", async () => {
    const unsigned = await GET(new NextRequest("http://app.test/api/inngest"), {} as never);
    expect(unsigned.status).toBe(401);
    const res = await GET(
      new NextRequest("http://app.test/api/inngest", {
        headers: { "x-inngest-signature": signatureHeader("", signingKey) },
      }),
      {} as never,
    );
    expect(res.status).toBe(200);
    const info = (await res.json()) as { function_count: number };
    expect(info).toMatchObject({ has_signing_key: true, mode: "cloud" });
    // onFailure handlers count as functions of their own.
    expect(info.function_count).toBeGreaterThanOrEqual(functions.length);
  });

  it("refuses unsigned and wrongly signed calls", async () => {
    for (const headers of <Record<string, string>[]>[
      {},
      { "x-inngest-signature": signatureHeader(body, `signkey-test-${"0".repeat(64)}`) },
    ]) {
      const res = await call(headers);
      expect(res.status).toBe(401);
    }
  });

  it("runs a step when the call is signed with the signing key", async () => {
    const res = await call({ "x-inngest-signature": signatureHeader(body, signingKey) });
    expect(res.status).toBe(206);
    expect(await res.json()).toEqual([expect.objectContaining({ op: "StepRun", name: "count" })]);
  });
});
