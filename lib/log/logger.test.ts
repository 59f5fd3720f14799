import { afterEach, describe, expect, it, vi } from "vitest";
import { runWithRequestId } from "./context";
import { withRequestId } from "./inngest-middleware";
import { formatLine, logger } from "./logger";
import { isRequestId, requestIdFrom } from "./request-id";
import { WAIT } from "@/lib/testing/wait";

afterEach(() => vi.restoreAllMocks());

function captured(stream: "stdout" | "stderr") {
  const lines: string[] = [];
  vi.spyOn(process[stream], "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}

describe("structured logs", () => {
  it("writes one JSON object per line with the request id in scope", async () => {
    const out = captured("stdout");
    runWithRequestId("req-abcdef12", () => logger.info("job started", { jobId: "j1", n: 2n }));
    await vi.waitFor(() => expect(out).toHaveLength(1), WAIT);
    const line = JSON.parse(out[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: "info",
      msg: "job started",
      requestId: "req-abcdef12",
      jobId: "j1",
      n: "2",
    });
    expect(typeof line.time).toBe("string");
    expect(out[0]!.endsWith("}\n")).toBe(true);
  });

  it("puts errors on stderr with their message and stack", () => {
    const err = captured("stderr");
    logger.error("upload failed", { requestId: "req-12345678", error: new Error("boom") });
    const line = JSON.parse(err[0]!) as { error: { message: string; stack: string } };
    expect(line.error.message).toBe("boom");
    expect(line.error.stack).toContain("logger.test.ts");
  });

  it("keeps a line on one line whatever the message holds", () => {
    expect(formatLine("info", "two\nlines")).not.toContain("\n");
  });
});

describe("request ids", () => {
  it("keeps a well-formed id from nginx and replaces anything else", () => {
    expect(requestIdFrom(new Headers({ "x-request-id": "0123456789abcdef" }))).toBe(
      "0123456789abcdef",
    );
    const made = requestIdFrom(new Headers({ "x-request-id": 'evil"} {"level":"error' }));
    expect(made).not.toContain("evil");
    expect(isRequestId(made)).toBe(true);
    expect(isRequestId(requestIdFrom(new Headers()))).toBe(true);
  });

  it("travels in the data of the events a request sends, without replacing one already set", () => {
    const events = withRequestId(
      [
        { name: "stratus/job.cancel", data: { jobId: "j1" } },
        { name: "stratus/job.cancel", data: { jobId: "j2", requestId: "older-request-1" } },
      ],
      "this-request-1",
    );
    expect(events.map((e) => e.data)).toEqual([
      { jobId: "j1", requestId: "this-request-1" },
      { jobId: "j2", requestId: "older-request-1" },
    ]);
  });
});
