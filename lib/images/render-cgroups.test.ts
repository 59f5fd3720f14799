import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CPU_CAP_PERIOD_US, readCpuCap, throttledPeriods } from "@/lib/limits/cpu-cap";
import { coresUsedBySpinners, outweighTheHost } from "@/lib/limits/test-helpers";
import { RenderCgroups } from "./render-cgroups";

// The hard CPU cap on a user's render processes, on this machine's real cgroups. A cap below what
// two spinning processes would take even on a loaded host (their parent outweighs it): without the
// quota they take most of the 2 cores and are never throttled.

const CAP = 0.3;
const cgroups = RenderCgroups.create({ ...process.env, STRATUS_USER_CPU_CAP: String(CAP) }, 2);
afterAll(() => cgroups?.removeAll());

describe.skipIf(cgroups === null)(
  "a hard CPU cap per user for render processes (needs a writable cpu cgroup: root and a cgroupfs)",
  () => {
    it("writes the cap as the user's CFS quota", () => {
      const cg = cgroups!;
      expect(cg.capCores).toBe(CAP);
      // The quota is on the user's group (all of their background work), the parent of their renders'.
      const dir = dirname(cg.userDir("cap-quota")!);
      expect(readCpuCap(dir, cg.version)).toBeCloseTo(CAP, 5);
      if (cg.version === 1) {
        expect(readFileSync(join(dir, "cpu.cfs_period_us"), "utf8").trim()).toBe(
          String(CPU_CAP_PERIOD_US),
        );
        expect(readFileSync(join(dir, "cpu.cfs_quota_us"), "utf8").trim()).toBe(
          String(CAP * CPU_CAP_PERIOD_US),
        );
      } else {
        expect(readFileSync(join(dir, "cpu.max"), "utf8").trim()).toBe(
          `${CAP * CPU_CAP_PERIOD_US} ${CPU_CAP_PERIOD_US}`,
        );
      }
      cg.release("cap-quota", false);
    });

    it("holds a user's CPU-burning processes to the cap, however idle the rest of the host", async () => {
      const cg = cgroups!;
      const dir = cg.userDir("cap-burn")!;
      outweighTheHost(dirname(dir), cg.version);
      const cores = await coresUsedBySpinners(dir, 2);
      // Generous: the kernel hands out quota in 5 ms slices per CPU.
      expect(cores).toBeLessThan(CAP * 1.5 + 0.05);
      expect(throttledPeriods(dirname(dir))).toBeGreaterThan(0);
      cg.release("cap-burn", false);
    });
  },
);
