import { describe, expect, it } from "vitest";
import { attemptFailure, attemptsMade, MAX_TASK_ATTEMPTS } from "./attempts";

describe("attempt wording", () => {
  it("names an attempt by its number and the attempts allowed, never the attempts made", () => {
    expect(attemptFailure(1, MAX_TASK_ATTEMPTS, "The mapper exited with status 2", null)).toBe(
      "Attempt 1 of up to 3: The mapper exited with status 2",
    );
    expect(attemptFailure(2, 3, "boom", "failed the same way as the attempt before")).toBe(
      "Attempt 2 of up to 3: boom (failed the same way as the attempt before)",
    );
  });

  it("counts the attempts made against those allowed", () => {
    expect(attemptsMade(1, 3)).toBe("1 attempt made of the 3 allowed");
    expect(attemptsMade(2, 3)).toBe("2 attempts made of the 3 allowed");
  });
});
