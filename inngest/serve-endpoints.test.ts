import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes, randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { canonicalJson } from "@/lib/executor/canonical-json";
import { signatureHeader } from "@/lib/executor/signing";
import { firstCallBody } from "@/lib/executor/testing/call-body";

// Attacks on the two serve endpoints (issue 14, item 1): an unsigned call that runs a function
// (send any mail), and an unsigned sync with a forged Host that would make the app register itself
// with Inngest at the attacker's address. A loopback stand-in plays the Inngest API, so a register
// call the SDK makes is seen (and never leaves the machine).
const registered: string[] = [];
const inngestApi = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString()));
  req.on("end", () => {
    registered.push(body);
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true,"modified":true}');
  });
});
await new Promise<void>((resolve) => inngestApi.listen(0, "127.0.0.1", resolve));
const apiUrl = `http://127.0.0.1:${(inngestApi.address() as AddressInfo).port}`;

const signingKey = `signkey-test-${randomBytes(32).toString("hex")}`;
vi.stubEnv("INNGEST_SIGNING_KEY", signingKey);
vi.stubEnv("INNGEST_DEV", "");
vi.stubEnv("INNGEST_API_BASE_URL", apiUrl);
vi.stubEnv("NEXTAUTH_URL", "https://stratus.test");
const { GET, POST, PUT } = await import("@/app/api/inngest/route");
const { startWorkerEndpoint } = await import("./worker-endpoint");
const worker = await startWorkerEndpoint("127.0.0.1", 0);
// A second worker sharing the database (issue 14, item 15).
const otherWorker = await startWorkerEndpoint("127.0.0.1", 0);
afterAll(async () => {
  vi.unstubAllEnvs();
  await worker.close();
  await otherWorker.close();
  await new Promise<void>((resolve) => inngestApi.close(() => resolve()));
});
beforeEach(() => {
  registered.length = 0;
});

const sendEmailBody = firstCallBody({
  name: "stratus/email.send",
  data: { to: "victim@example.com", subject: "Reset your password", text: "evil" },
});
const forged = "evil.example";
const webRequest = (method: string, query: string, body?: string, headers = {}) =>
  new NextRequest(`http://${forged}/api/inngest${query}`, {
    method,
    body,
    headers: { host: forged, "content-type": "application/json", ...headers },
  });

function workerCall(method: string, query: string, body = "", headers = {}, at = worker) {
  const url = new URL(at.url);
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${query}`,
        method,
        headers: { host: forged, "content-type": "application/json", ...headers },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("the web tier's /api/inngest with the local executor", () => {
  it("does not exist: 404 for an unsigned call, a signed call and a sync", async () => {
    vi.stubEnv("INNGEST_EXECUTOR", "");
    const post = await POST(
      webRequest("POST", "?fnId=stratus-send-email&stepId=step", sendEmailBody),
      {} as never,
    );
    expect(post.status).toBe(404);
    const signed = await POST(
      webRequest("POST", "?fnId=stratus-send-email&stepId=step", sendEmailBody, {
        "x-inngest-signature": signatureHeader(sendEmailBody, signingKey),
      }),
      {} as never,
    );
    expect(signed.status).toBe(404);
    expect((await PUT(webRequest("PUT", ""), {} as never)).status).toBe(404);
    expect((await GET(webRequest("GET", ""), {} as never)).status).toBe(404);
    expect(registered).toEqual([]);
  });
});

describe("the web tier's /api/inngest for an external Inngest", () => {
  it("refuses an unsigned POST ?fnId=stratus-send-email", async () => {
    vi.stubEnv("INNGEST_EXECUTOR", "external");
    const res = await POST(
      webRequest("POST", "?fnId=stratus-send-email&stepId=step", sendEmailBody),
      {} as never,
    );
    expect(res.status).toBe(401);
  });

  it("refuses an unsigned PUT with a forged Host, registering nothing", async () => {
    vi.stubEnv("INNGEST_EXECUTOR", "external");
    const res = await PUT(webRequest("PUT", ""), {} as never);
    expect(res.status).toBe(401);
    expect(registered).toEqual([]);
  });

  it("answers a signed in-band sync with its configured origin, not the Host header", async () => {
    vi.stubEnv("INNGEST_EXECUTOR", "external");
    const body = canonicalJson({ url: `http://${forged}/api/inngest` });
    const res = await PUT(
      webRequest("PUT", "", body, {
        "x-inngest-sync-kind": "in_band",
        "x-inngest-signature": signatureHeader(body, signingKey),
      }),
      {} as never,
    );
    expect(res.status).toBe(200);
    const info = (await res.json()) as { url: string };
    expect(info.url).toBe("https://stratus.test/api/inngest");
  });
});

describe("the worker's serve endpoint", () => {
  it("refuses an unsigned POST ?fnId=stratus-send-email", async () => {
    const res = await workerCall("POST", "?fnId=stratus-send-email&stepId=step", sendEmailBody);
    expect(res.status).toBe(401);
  });

  it("refuses an unsigned PUT with a forged Host, registering nothing", async () => {
    const res = await workerCall("PUT", "");
    expect(res.status).toBe(401);
    expect(registered).toEqual([]);
  });

  it("registers its own address on a signed in-band sync whatever the Host header says", async () => {
    // Not the web tier test's body: the same body signed in the same second is the same signature,
    // which the shared replay guard would rightly refuse.
    const body = canonicalJson({ url: `http://${forged}:8443/api/inngest` });
    const res = await workerCall("PUT", "", body, {
      "x-inngest-sync-kind": "in_band",
      "x-inngest-signature": signatureHeader(body, signingKey),
    });
    expect(res.status).toBe(200);
    expect((JSON.parse(res.text) as { url: string }).url).toBe(worker.url);
  });
});

// A call that runs a harmless step: empty-trash for a job that does not exist.
function emptyTrashCall() {
  const body = firstCallBody({
    name: "stratus/drive.trash.empty",
    data: { jobId: "nosuchjob", ownerId: `nobody${randomUUID().slice(0, 8)}` },
  });
  return { body, headers: { "x-inngest-signature": signatureHeader(body, signingKey) } };
}

describe("a captured signed call, sent again (replay)", () => {
  it("is refused by the worker that ran it and by every other worker on the database", async () => {
    const { body, headers } = emptyTrashCall();
    const query = "?fnId=stratus-empty-trash&stepId=step";
    expect((await workerCall("POST", query, body, headers)).status).toBe(206);
    const again = await workerCall("POST", query, body, headers);
    expect(again.status).toBe(401);
    expect(again.text).toMatch(/already received/);
    expect((await workerCall("POST", query, body, headers, otherWorker)).status).toBe(401);
  });

  it("still runs parallel steps, called with one body in the same second but another stepId", async () => {
    const { body, headers } = emptyTrashCall();
    const calls = await Promise.all(
      ["step", "a", "b"].map((step) =>
        workerCall("POST", `?fnId=stratus-empty-trash&stepId=${step}`, body, headers),
      ),
    );
    expect(calls.map((c) => c.status)).not.toContain(401);
  });

  it("is refused by the web tier's endpoint", async () => {
    vi.stubEnv("INNGEST_EXECUTOR", "external");
    const { body, headers } = emptyTrashCall();
    const send = () =>
      POST(
        new NextRequest("https://stratus.test/api/inngest?fnId=stratus-empty-trash&stepId=step", {
          method: "POST",
          body,
          headers: { "content-type": "application/json", ...headers },
        }),
        {} as never,
      );
    expect((await send()).status).toBe(206);
    expect((await send()).status).toBe(401);
  });

  it("signs every answer, so the executor can require signed responses", async () => {
    const { body, headers } = emptyTrashCall();
    const url = new URL(worker.url);
    const res = await fetch(`${url.href}?fnId=stratus-empty-trash&stepId=step`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...headers },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get("x-inngest-signature")).toMatch(/^t=\d+&s=[0-9a-f]{64}$/);
  });
});
