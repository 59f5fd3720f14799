import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { callFunction } from "./protocol";
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
