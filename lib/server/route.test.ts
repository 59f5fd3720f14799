import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { captureStderr } from "@/lib/log/testing/capture-stderr";
import { session } from "@/lib/auth/testing/session-stub";
import { HttpError, UserFacingError } from "./errors";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { json, jsonError, publicRoute, readJson, SMALL_ANSWER_BYTES, withUser } from "./route";

// The route front door itself, with a stand-in handler: what every app/api route gets.
vi.mock("@/lib/auth/session", () => import("@/lib/auth/testing/session-stub"));

const stderr = captureStderr();
beforeEach(() => {
  session.user = { id: "user-1" };
});

const echo = withUser(async ({ request, user }) => {
  const body = await readJson(request, z.object({ name: z.string().min(1, "Name it") }));
  return Response.json({ user: user.id, name: body.name });
});

function post(headers: Record<string, string>, body = '{"name":"a"}') {
  return new Request("http://stratus.test/api/x", {
    method: "POST",
    body,
    headers: { host: "stratus.test", "content-type": "application/json", ...headers },
  });
}

describe("withUser", () => {
  it("answers 401 without a session, before the handler runs", async () => {
    session.user = null;
    const handler = vi.fn(async () => new Response("ran"));
    const res = await withUser(handler)(new Request("http://stratus.test/api/x"));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "Your session has ended. Sign in again." });
    expect(handler).not.toHaveBeenCalled();
  });

  it("passes the user and the parsed body, and answers no-store by default", async () => {
    const res = await echo(post({ "sec-fetch-site": "same-origin" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: "user-1", name: "a" });
    expect(res.headers.get("cache-control")).toBe("private, no-store");
  });

  it("keeps a Cache-Control the handler chose", async () => {
    const route = withUser(
      async () => new Response("x", { headers: { "cache-control": "max-age=5" } }),
    );
    const res = await route(new Request("http://stratus.test/api/x"));
    expect(res.headers.get("cache-control")).toBe("max-age=5");
  });

  it("answers 403 to a cross-site or sibling-origin write", async () => {
    const attacks: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      { "sec-fetch-site": "same-site", origin: "http://stratus.test:4569" },
      { origin: "https://evil.example" },
      { origin: "null" },
    ];
    for (const headers of attacks) {
      const res = await echo(post(headers));
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect((await res.json()).message).toMatch(/another site/);
    }
  });

  it("lets same-origin writes, non-browser clients and cross-site reads through", async () => {
    expect((await echo(post({ origin: "http://stratus.test" }))).status).toBe(200);
    expect((await echo(post({}))).status).toBe(200);
    const read = withUser(async () => new Response("ok"));
    const res = await read(
      new Request("http://stratus.test/api/x", { headers: { "sec-fetch-site": "cross-site" } }),
    );
    expect(res.status).toBe(200);
  });

  it("answers 415 to a write whose body is not JSON, and lets a bodyless write through", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]) {
      const res = await echo(post({ "content-type": type }));
      expect(res.status, type).toBe(415);
    }
    const bodyless = withUser(async () => new Response(null, { status: 204 }));
    const res = await bodyless(new Request("http://stratus.test/api/x", { method: "DELETE" }));
    expect(res.status).toBe(204);
  });

  it("accepts forms only where the route says so", async () => {
    const form = publicRoute(
      async ({ request }) => Response.json(Object.fromEntries(await request.formData())),
      { body: "form" },
    );
    const res = await form(post({ "content-type": "application/x-www-form-urlencoded" }, "a=1"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ a: "1" });
    const plain = await form(post({ "content-type": "text/plain" }, "a=1"));
    expect(plain.status).toBe(415);
  });

  it("answers zod errors with 400 and the field errors", async () => {
    const res = await echo(post({}, '{"name":""}'));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      message: "The request is not valid.",
      errors: { name: ["Name it"] },
    });
    const broken = await echo(post({}, "{nope"));
    expect(broken.status).toBe(400);
    expect((await broken.json()).message).toBe("The request body is not valid JSON.");
  });

  it("maps an HttpError to its status, message, field errors and headers", async () => {
    const route = withUser(async () => {
      throw new HttpError(429, "Slow down.", {
        errors: { form: ["Too many"] },
        headers: { "retry-after": "30" },
      });
    });
    const res = await route(new Request("http://stratus.test/api/x"));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("30");
    // Small: no-transform (not gzipped, see "small answers" below).
    expect(res.headers.get("cache-control")).toBe("private, no-store, no-transform");
    expect(await res.json()).toEqual({ message: "Slow down.", errors: { form: ["Too many"] } });
  });

  it("shows a UserFacingError's message with 422", async () => {
    const route = withUser(async () => {
      throw new UserFacingError("Your Drive is full.");
    });
    const res = await route(new Request("http://stratus.test/api/x"));
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ message: "Your Drive is full." });
    expect(stderr.lines).toEqual([]);
  });

  it("hides an unknown error behind a generic message with the request id, and logs it", async () => {
    const route = withUser(
      async () => {
        throw new Error("connect ECONNREFUSED 10.0.0.7:3306 (db password hunter2)");
      },
      { failure: "The storage server could not be reached." },
    );
    const res = await route(
      new Request("http://stratus.test/api/x", { headers: { "x-request-id": "req-route-0001" } }),
    );
    expect(res.status).toBe(503);
    expect(res.headers.get("x-request-id")).toBe("req-route-0001");
    const body = (await res.json()) as { message: string };
    expect(body.message).toBe(
      "The storage server could not be reached. (Request id: req-route-0001.)",
    );
    expect(body.message).not.toMatch(/ECONNREFUSED|hunter2/);
    const line = stderr.json();
    expect(line).toMatchObject({
      level: "error",
      msg: "route failed",
      requestId: "req-route-0001",
      method: "GET",
      path: "/api/x",
      error: { message: expect.stringContaining("hunter2") },
    });
  });

  it("logs a request the client abandoned as such, not as a server error", async () => {
    const client = new AbortController();
    const route = withUser(async () => {
      client.abort();
      throw new Error("aborted");
    });
    const res = await route(new Request("http://stratus.test/api/x", { signal: client.signal }));
    expect(res.status).toBe(499);
    expect(stderr.lines).toEqual([]);
  });
});

describe("publicRoute", () => {
  it("runs without a session, behind the same guards", async () => {
    session.user = null;
    const route = publicRoute(async () => new Response("hi"));
    expect((await route(new Request("http://stratus.test/api/x"))).status).toBe(200);
    const attack = await route(post({ "sec-fetch-site": "cross-site" }));
    expect(attack.status).toBe(403);
  });
});

describe("small answers", () => {
  // Next's own compression middleware, as `next start` runs it in front of every route handler.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const compression = require("next/dist/compiled/compression") as () => (
    req: unknown,
    res: unknown,
    next: () => void,
  ) => void;

  /** `answer` served over HTTP behind Next's compression (headers copied as Next's
   * sendResponse copies them, Content-Length dropped), fetched asking for gzip. */
  async function servedEncoding(answer: Response): Promise<string | null> {
    const gzip = compression();
    const server = createServer((req, res) => {
      gzip(req, res, () => {
        res.statusCode = answer.status;
        answer.headers.forEach((value, name) => {
          if (name !== "content-length") res.setHeader(name, value);
        });
        Readable.fromWeb(answer.body! as import("node:stream/web").ReadableStream).pipe(res);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`, {
        headers: { "accept-encoding": "gzip" },
      });
      await res.arrayBuffer();
      // fetch decodes gzip but keeps the header.
      return res.headers.get("content-encoding");
    } finally {
      server.close();
    }
  }

  it("are not gzipped by Next: a refusal says no-transform, a large answer may still be", async () => {
    const refusal = jsonError(
      429,
      "You already have 4 image previews rendering (the limit is 4 per user).",
    );
    expect(refusal.headers.get("cache-control")).toBe("private, no-store, no-transform");
    expect(await servedEncoding(refusal)).toBeNull();
    expect(await servedEncoding(json({ ok: true }))).toBeNull();
    const large = json({ items: "x".repeat(SMALL_ANSWER_BYTES) });
    expect(large.headers.get("cache-control")).toBe("private, no-store");
    expect(await servedEncoding(large)).toBe("gzip");
  });
});
