import { describe, expect, it } from "vitest";
import { deterministicFailure, failureSignature, retryDecision } from "./failure-kind";

const EXIT = "The mapper exited with status 1";

describe("deterministicFailure", () => {
  it("names errors that happen before or while the code loads", () => {
    const tb = (last: string) =>
      `Traceback (most recent call last):\n  File "/job/m.py"\n${last}\n`;
    expect(deterministicFailure(EXIT, tb("SyntaxError: '(' was never closed"))).toMatch(
      /cannot be loaded \(SyntaxError/,
    );
    expect(deterministicFailure(EXIT, tb("IndentationError: unexpected indent"))).not.toBeNull();
    expect(
      deterministicFailure(EXIT, tb("ModuleNotFoundError: No module named 'numpy'")),
    ).not.toBeNull();
    expect(
      deterministicFailure(EXIT, "SyntaxError: Missing parentheses in call to 'print'"),
    ).not.toBeNull();
    const node = (error: string) =>
      `/job/m.js:3\n  foo(\n  ^\n\n${error}\n    at wrapSafe (node:internal)\n\nNode.js v20.20.2\n`;
    expect(deterministicFailure(EXIT, node("SyntaxError: Unexpected end of input"))).toMatch(
      /SyntaxError: Unexpected end of input/,
    );
    expect(deterministicFailure(EXIT, node("Error: Cannot find module 'lodash'"))).not.toBeNull();
    // JSON.parse on a bad record is the data's fault, not the program's.
    expect(deterministicFailure(EXIT, node("SyntaxError: Unexpected token } in JSON"))).toBeNull();
    expect(deterministicFailure(EXIT, "bwrap: execvp /job/m.sh: No such file or directory")).toBe(
      "the program could not be started",
    );
  });

  it("leaves everything else to the retries", () => {
    // A crash on the data, a signal, a limit: another attempt may go differently.
    expect(deterministicFailure(EXIT, "ValueError: invalid literal for int()")).toBeNull();
    expect(deterministicFailure("The mapper was killed by SIGKILL", "SyntaxError: x")).toBeNull();
    expect(
      deterministicFailure("The mapper was stopped after using 5 s of CPU time", "SyntaxError"),
    ).toBeNull();
  });
});

describe("retryDecision", () => {
  const base = { maxAttempts: 3, reason: EXIT, stderrTail: "boom 42\n" };
  it("retries a first failure that is not deterministic, then stops when it repeats", () => {
    expect(retryDecision({ ...base, attempt: 0, previousSignature: null })).toEqual({
      retry: true,
    });
    const sig = failureSignature(base.reason, base.stderrTail);
    expect(retryDecision({ ...base, attempt: 1, previousSignature: sig })).toMatchObject({
      retry: false,
      why: /same way/,
    });
    expect(
      retryDecision({ ...base, attempt: 1, previousSignature: failureSignature(EXIT, "other") }),
    ).toEqual({ retry: true });
  });

  it("ignores the attempt id in the signature and stops at the last attempt", () => {
    expect(failureSignature(EXIT, "attempt_j_m_000000_0 failed")).toBe(
      failureSignature(EXIT, "attempt_j_m_000000_1 failed"),
    );
    expect(retryDecision({ ...base, attempt: 2, previousSignature: null }).retry).toBe(false);
  });
});
