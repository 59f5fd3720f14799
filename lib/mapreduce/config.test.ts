import { describe, expect, it } from "vitest";
import { stepRequestTimeoutMs } from "./config";
import { JobOptions, MAX_TASK_TIMEOUT_SECONDS } from "./schemas";

describe("the executor's request timeout and the longest task", () => {
  it("outlives a task step with the longest timeout a job may ask for, after its slot wait", () => {
    // The longest timeout the form and the schema accept, and nothing longer.
    expect(
      JobOptions.parse({ taskTimeoutSeconds: MAX_TASK_TIMEOUT_SECONDS }).taskTimeoutSeconds,
    ).toBe(MAX_TASK_TIMEOUT_SECONDS);
    expect(JobOptions.safeParse({ taskTimeoutSeconds: MAX_TASK_TIMEOUT_SECONDS + 1 }).success).toBe(
      false,
    );
    for (const wait of [undefined, "1", "300", "3600"]) {
      const env = { MAPREDUCE_SLOT_WAIT_SECONDS: wait };
      const slotWait = Number(wait ?? 300);
      expect(stepRequestTimeoutMs(env)).toBeGreaterThan(
        (slotWait + MAX_TASK_TIMEOUT_SECONDS) * 1000,
      );
    }
    // Never below the executor's own default for other functions' steps.
    expect(stepRequestTimeoutMs({})).toBeGreaterThanOrEqual(15 * 60_000);
  });
});
