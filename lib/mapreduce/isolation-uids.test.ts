// Where no cgroup can be made for a task, each sandboxed program runs as a uid of its own from a
// pool, so RLIMIT_NPROC counts per task: user A's fork-and-sleep mapper still cannot stop user
// B's job. (Set before the engine's threads start: they read it once.)
process.env.STRATUS_SANDBOX_CGROUPS = "off";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { warmEngine } from "./engine";
import { forkAndSleepBesideAnotherJob, removeJobDirs } from "./test-helpers";

beforeAll(() => warmEngine());
afterAll(() => removeJobDirs());

describe("the uid pool (no cgroups)", () => {
  it.skipIf(process.getuid?.() !== 0)(
    "user A's fork-and-sleep mapper does not stop user B's job",
    async () => {
      const { aProcesses, aLeft, bOutput, builtinOutput, aError } =
        await forkAndSleepBesideAnotherJob();
      expect(aProcesses).toBeGreaterThanOrEqual(60);
      expect(bOutput).toEqual(builtinOutput);
      expect(String(aError)).toMatch(/cancelled/i);
      expect(aLeft).toBe(0);
    },
  );
});
