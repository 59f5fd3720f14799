import { describe, expect, it } from "vitest";
import { describeSignInError, throttledError } from "./throttle-message";

describe("describeSignInError", () => {
  const now = new Date("2026-01-01T10:00:00Z");
  it("says when to retry", () => {
    const msg = describeSignInError(throttledError(new Date("2026-01-01T10:14:10Z")), now);
    expect(msg).toMatch(/^Too many failed sign-in attempts\. Try again in 15 minutes \(at .+\)\.$/);
  });
  it("says one minute, not zero, at the end of the block", () => {
    expect(describeSignInError(throttledError(new Date("2026-01-01T10:00:05Z")), now)).toMatch(
      /in 1 minute \(/,
    );
  });
  it("gives one answer for every other failure", () => {
    expect(describeSignInError("CredentialsSignin")).toBe("Email or password is incorrect.");
    expect(describeSignInError(undefined)).toBe("Email or password is incorrect.");
    expect(describeSignInError("throttled:garbage")).toBe("Email or password is incorrect.");
  });
});
