import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json";
import { callBody, callContext, callFunction, callVersion, type CallInput } from "./protocol";
import { signatureHeader } from "./signing";
import { fetchFunctions } from "./sync";
import { SyncError } from "./functions";

// Issue 14, item 15: the executor believes only answers signed with the signing key. A stand-in
// serve endpoint (or anything on the way to it) answers as the test says.
const key = `signkey-test-${"ab".repeat(32)}`;
let answer: { status: number; body: string; headers?: Record<string, string>; sign?: string } = {
  status: 200,
  body: "{}",
};
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      ...answer.headers,
    };
    if (answer.sign) headers["x-inngest-signature"] = signatureHeader(answer.body, answer.sign);
    res.writeHead(answer.status, headers).end(answer.body);
  });
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const call = () =>
  callFunction({
    url: `${url}?fnId=app-fn`,
    stepId: "step",
    signingKey: key,
    event: { name: "e", data: {} },
    steps: {},
    stack: [],
    runId: "run",
    attempt: 0,
    maxAttempts: 3,
    disableImmediate: false,
    signal: new AbortController().signal,
    timeoutMs: 5_000,
  });

describe("responses to the executor's calls", () => {
  it("finishes a run only on a response signed with the key", async () => {
    answer = { status: 200, body: '"forged result"' };
    expect(await call()).toMatchObject({
      kind: "error",
      retriable: true,
      error: { name: "SignatureError", message: expect.stringMatching(/not signed/) },
    });
    answer = {
      status: 206,
      body: '[{"op":"StepRun","id":"x","name":"x"}]',
      sign: `signkey-test-${"cd".repeat(32)}`,
    };
    expect(await call()).toMatchObject({ kind: "error", error: { name: "SignatureError" } });
    answer = { status: 200, body: '"real result"', sign: key };
    expect(await call()).toEqual({ kind: "done", data: "real result" });
  });

  it("refuses an answer executed under another version than 2, and only a signed one", async () => {
    answer = { status: 200, body: "null", sign: key, headers: { "x-inngest-req-version": "1" } };
    expect(await call()).toMatchObject({
      kind: "error",
      retriable: false,
      error: { name: "ProtocolError", message: expect.stringMatching(/executed version 1/) },
    });
    answer = { status: 200, body: "null", headers: { "x-inngest-req-version": "1" } };
    expect(await call()).toMatchObject({ kind: "error", error: { name: "SignatureError" } });
    answer = { status: 200, body: "null", sign: key, headers: { "x-inngest-req-version": "2" } };
    expect(await call()).toEqual({ kind: "done", data: null });
  });

  it("does not let an unsigned error stop the retries", async () => {
    answer = { status: 500, body: '{"message":"boom"}', headers: { "x-inngest-no-retry": "true" } };
    expect(await call()).toMatchObject({ kind: "error", retriable: true });
    answer = { ...answer, sign: key };
    expect(await call()).toMatchObject({ kind: "error", retriable: false });
  });

  it("refuses an unsigned in-band sync response", async () => {
    answer = {
      status: 200,
      body: '{"app_id":"evil","functions":[]}',
      headers: { "x-inngest-sync-kind": "in_band" },
    };
    await expect(fetchFunctions(url, key)).rejects.toThrow(SyncError);
    await expect(fetchFunctions(url, key)).rejects.toThrow(/not signed/);
  });
});

describe("in-band sync with a slow serve endpoint", () => {
  // A worker syncs with its own endpoint right after starting it; on a loaded machine the first
  // answer has come after the attempt's timeout, and the worker then did not start at all.
  async function endpoint(silentRequests: number) {
    let seen = 0;
    const body = '{"app_id":"stratus","functions":[]}';
    const slow = http.createServer((req, res) => {
      seen++;
      req.resume();
      if (seen <= silentRequests) return; // never answered: the attempt times out
      res
        .writeHead(200, {
          "content-type": "application/json",
          "x-inngest-sync-kind": "in_band",
          "x-inngest-signature": signatureHeader(body, key),
        })
        .end(body);
    });
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const at = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/api/inngest`;
    const close = () => {
      slow.closeAllConnections();
      slow.close();
    };
    return { at, requests: () => seen, close };
  }

  it("asks again when an attempt times out, and syncs once the endpoint answers", async () => {
    const slow = await endpoint(2);
    try {
      const synced = await fetchFunctions(slow.at, key, { attemptMs: 200, deadlineMs: 30_000 });
      expect(synced).toEqual({ appId: "stratus", defs: [] });
      expect(slow.requests()).toBe(3);
    } finally {
      slow.close();
    }
  });

  it("gives up, saying so, when the endpoint stays silent past the deadline", async () => {
    const slow = await endpoint(Infinity);
    try {
      await expect(
        fetchFunctions(slow.at, key, { attemptMs: 100, deadlineMs: 600 }),
      ).rejects.toThrow(/cannot reach the serve endpoint .* attempts in 1 s/);
      expect(slow.requests()).toBeGreaterThan(1);
    } finally {
      slow.close();
    }
  });
});

describe("callBody", () => {
  const base: CallInput = {
    url: "http://127.0.0.1:1/api/inngest",
    stepId: "step",
    signingKey: key,
    event: null,
    steps: {},
    stack: [],
    runId: "run-1",
    attempt: 0,
    maxAttempts: 4,
    disableImmediate: false,
    signal: new AbortController().signal,
    timeoutMs: 1000,
  };
  const whole = (input: CallInput) =>
    canonicalJson({
      event: input.event,
      events: [input.event],
      steps: input.steps,
      ctx: callContext(input),
      version: callVersion(input.steps),
    });

  // The SDK checks the signature over its own canonical form of the body: one byte out of
  // canonical order and every call is refused, so the spliced body must equal the whole one.
  it.each([
    [
      "a plain event",
      { ...base, event: { name: "stratus/x", data: { b: 1, a: [2, "é"] }, ts: 5 } },
    ],
    ["no event", { ...base, event: undefined }],
    ["a null event", base],
    [
      "steps, a stack, a date and checkpointing",
      {
        ...base,
        event: { name: "e", data: { when: new Date(0), skip: undefined, z: { y: 1, x: 2 } } },
        steps: { s2: { data: 1 }, s1: null, s3: undefined },
        stack: ["s1", "s2"],
        attempt: 2,
        disableImmediate: true,
        checkpoint: { fnId: "fn", queueItemId: "qi" },
      },
    ],
  ] as [string, CallInput][])("is the canonical JSON of the whole request: %s", (_, input) => {
    expect(callBody(input)).toBe(whole(input));
  });

  // -1 lets the SDK decide (Inngest's "unset"); once steps exist, the version they were made under.
  it("sends version -1 while the run has no steps, 2 once it has", () => {
    const version = (input: CallInput) =>
      (JSON.parse(callBody(input)) as { version: number }).version;
    expect(version({ ...base, event: { name: "e", data: {} } })).toBe(-1);
    expect(version({ ...base, event: undefined })).toBe(-1);
    expect(version({ ...base, event: { name: "e", data: {} }, steps: { s1: { data: 1 } } })).toBe(
      2,
    );
    expect(version({ ...base, event: undefined, steps: { s1: null } })).toBe(2);
  });
});
