import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "@/proxy";
import { storageOrigins } from "./security-headers";

// Issue 14 item 4: the attack is framing a page (clickjacking) or running injected script; the
// browser refuses both only if every response carries these headers.
async function headersFor(url: string, init: { proto?: string } = {}) {
  const headers = new Headers();
  if (init.proto) headers.set("x-forwarded-proto", init.proto);
  const res = await proxy(new NextRequest(url, { headers }));
  return res.headers;
}

describe("attack: framing Stratus or running injected script (issue 14 item 4)", () => {
  it.each(["/login", "/s/some-share-token", "/api/ready", "/api/drive/files"])(
    "%s carries the security headers",
    async (path) => {
      const h = await headersFor(`http://localhost:3000${path}`);
      const csp = h.get("content-security-policy") ?? "";
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/object-src 'self'( http\S+)*;/);
      expect(csp).not.toMatch(/'unsafe-inline'[^;]*;[^;]*script|script-src[^;]*'unsafe-inline'/);
      expect(csp).toContain("base-uri 'self'");
      expect(csp).toMatch(/form-action 'self'( http\S+)*(;|$)/);
      expect(h.get("x-frame-options")).toBe("DENY");
      expect(h.get("x-content-type-options")).toBe("nosniff");
      expect(h.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(h.get("permissions-policy")).toContain("camera=()");
      expect(h.get("x-request-id")).toBeTruthy();
      expect(h.get("strict-transport-security")).toBeNull();
    },
  );

  it("gives every response its own nonce", async () => {
    const nonce = (h: Headers) =>
      /'nonce-([^']+)'/.exec(h.get("content-security-policy") ?? "")?.[1];
    const a = nonce(await headersFor("http://localhost:3000/login"));
    const b = nonce(await headersFor("http://localhost:3000/login"));
    expect(a).toBeTruthy();
    expect(a).not.toBe(b);
  });

  it("adds HSTS when served over https", async () => {
    const h = await headersFor("http://localhost:3000/login", { proto: "https" });
    expect(h.get("strict-transport-security")).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
  });
});

describe("storageOrigins", () => {
  it("allows the public endpoint the browser uploads to", () => {
    expect(
      storageOrigins({
        S3_ENDPOINT: "http://127.0.0.1:4569",
        S3_PUBLIC_ENDPOINT: "https://files.example.com/x",
        S3_FORCE_PATH_STYLE: "true",
        S3_BUCKET: "b",
      }),
    ).toEqual(["https://files.example.com"]);
  });
  it("adds the bucket's host with virtual-hosted addressing, and AWS's without an endpoint", () => {
    expect(storageOrigins({ S3_ENDPOINT: "https://s3.example.com", S3_BUCKET: "b" })).toEqual([
      "https://s3.example.com",
      "https://b.s3.example.com",
    ]);
    expect(storageOrigins({ S3_BUCKET: "b", S3_REGION: "eu-west-1" })).toEqual([
      "https://b.s3.eu-west-1.amazonaws.com",
      "https://s3.eu-west-1.amazonaws.com",
    ]);
  });
});
