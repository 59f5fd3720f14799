import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCpuCap, throttledPeriods } from "@/lib/limits/cpu-cap";
import { coresUsedBySpinners, outweighTheHost } from "@/lib/limits/test-helpers";
import { createTaskCgroup, removeTaskCgroup, taskCgroupSupport } from "./task-cgroup";

// The hard CPU cap on a sandboxed task (all of its processes together), on this machine's real
// cgroups. The task's weight only divides a busy CPU: a mapper that forks spinning children took
// every idle core, which other users' requests then waited for.

const CAP = 0.3;

describe.skipIf(taskCgroupSupport() === "none")(
  "a hard CPU cap per MapReduce task (needs a writable cgroup: root and a cgroupfs)",
  () => {
    it("holds a task's CPU-burning processes to its cap, however idle the rest of the host", async () => {
      const cg = createTaskCgroup({ processes: 16, memoryBytes: 256 << 20, cpuCores: CAP });
      expect(cg).not.toBeNull();
      const version = cg!.version;
      const cpu = cg!.dirs.find((d) =>
        existsSync(join(d, version === 1 ? "cpu.cfs_quota_us" : "cpu.max")),
      );
      if (!cpu) return expect.fail("the task has no cpu cgroup (the cpu controller is missing)");
      try {
        expect(readCpuCap(cpu, version)).toBeCloseTo(CAP, 5);
        outweighTheHost(dirname(cpu), version);
        const cores = await coresUsedBySpinners(cpu, 2);
        // Generous: the kernel hands out quota in 5 ms slices per CPU.
        expect(cores).toBeLessThan(CAP * 1.5 + 0.05);
        expect(throttledPeriods(cpu)).toBeGreaterThan(0);
      } finally {
        expect(removeTaskCgroup(cg!)).toBe(true);
      }
    });

    it("writes no cap when none is asked for", () => {
      const cg = createTaskCgroup({ processes: 16, memoryBytes: 256 << 20 })!;
      const cpu = cg.dirs.find((d) => existsSync(join(d, "cpu.cfs_quota_us")));
      if (cpu) expect(readCpuCap(cpu, cg.version)).toBeNull();
      expect(removeTaskCgroup(cg)).toBe(true);
    });
  },
);
