import { dirname } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { readCpuCap, throttledPeriods } from "@/lib/limits/cpu-cap";
import { coresUsedBySpinners, outweighTheHost } from "@/lib/limits/test-helpers";
import { deleteSeededUsers, seedFile, seedUser } from "./drive-test-seed";
import { planZip, zipProcesses, zipStream } from "./zip";
import { ZipCgroups } from "./zip-cgroups";
import { WAIT } from "@/lib/testing/wait";

// The hard CPU cap on a user's zip processes, on this machine's real cgroups: two of A's
// downloads of gigabytes took half of the 2 cores at nice 10 on a quiet host.

const CAP = 0.3;
const cgroups = ZipCgroups.create({ ...process.env, STRATUS_USER_CPU_CAP: String(CAP) });
afterAll(async () => {
  cgroups?.removeAll();
  await deleteSeededUsers();
});

describe.skipIf(cgroups === null)(
  "a hard CPU cap per user for zip processes (needs a writable cpu cgroup: root and a cgroupfs)",
  () => {
    it("runs a user's zip process in the user's capped cgroup, which goes with the download", async () => {
      const cg = cgroups!;
      const owner = await seedUser("zipcap");
      const big = await seedFile(owner.id, { name: "big.bin", content: new Uint8Array(8 << 20) });
      const result = await planZip(owner.id, { fileIds: [big.id], folderIds: [] });
      if (!result.ok) throw new Error(result.reason);
      const before = new Set(zipProcesses);
      const { stream, done } = zipStream(result.plan, undefined, owner.id, cg);
      const reader = stream.getReader();
      expect((await reader.read()).done).toBe(false);
      const pid = [...zipProcesses].find((p) => !before.has(p))!;
      // The process moved itself before it read anything; its user's group (the parent of their
      // zips' cgroup: all of their background work) has the cap.
      expect(cg.processesOf(owner.id)).toEqual([pid]);
      expect(readCpuCap(dirname(cg.dirOf(owner.id)!), cg.version)).toBeCloseTo(CAP, 5);
      await reader.cancel();
      await done;
      await vi.waitFor(() => expect(cg.dirOf(owner.id)).toBeNull(), WAIT);
    });

    it("holds a user's CPU-burning processes to the cap, however idle the rest of the host", async () => {
      const cg = cgroups!;
      const procs = cg.acquire("zip-burn")!;
      const dir = cg.dirOf("zip-burn")!;
      expect(procs.startsWith(dir)).toBe(true);
      outweighTheHost(dirname(dir), cg.version);
      const cores = await coresUsedBySpinners(dir, 2);
      // Generous: the kernel hands out quota in 5 ms slices per CPU.
      expect(cores).toBeLessThan(CAP * 1.5 + 0.05);
      expect(throttledPeriods(dirname(dir))).toBeGreaterThan(0);
      cg.release("zip-burn");
    });
  },
);
