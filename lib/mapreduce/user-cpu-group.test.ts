import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { WAIT } from "@/lib/testing/wait";
import { ZipCgroups } from "@/lib/drive/zip-cgroups";
import { RenderCgroups } from "@/lib/images/render-cgroups";
import { readCpuCap, throttledPeriods } from "@/lib/limits/cpu-cap";
import { coresUsedTogether, outweighTheHost } from "@/lib/limits/test-helpers";
import { runJobLocally } from "./run-local";
import {
  createTaskCgroup,
  releaseUserKind,
  removeTaskCgroup,
  sweepStaleUserGroups,
  taskCgroupSupport,
  userKindGroup,
  type TaskCgroup,
} from "./task-cgroup";
import { makeJobDir, removeJobDirs } from "./test-helpers";

// ONE CPU cap per user for the sum of their background work, on this machine's real cgroups: a
// user's renders (web server), zips (web server) and MapReduce tasks (worker) each had a quota of
// their own, so one user's work together could take several times the cap. Now they are children
// of one capped group per user (task-cgroup.ts userKindGroup).

const CAP = 0.3;
const env = { ...process.env, STRATUS_USER_CPU_CAP: String(CAP) };
const renders = RenderCgroups.create(env, 2);
const zips = ZipCgroups.create(env);
afterAll(() => {
  removeJobDirs();
  renders?.removeAll();
  zips?.removeAll();
});

const cpuLeaf = (cg: TaskCgroup) =>
  cg.dirs.find((d) => existsSync(join(d, cg.version === 1 ? "cpu.shares" : "cpu.weight")));

describe.skipIf(renders === null || zips === null || taskCgroupSupport() === "none")(
  "one CPU cap per user for renders, zips and MapReduce tasks together (needs writable cgroups)",
  () => {
    it("holds a user's render-, zip- and task-like spinners together under the one cap", async () => {
      const user = `all-${Math.random()}`;
      const render = renders!.userDir(user)!;
      const zip = dirname(zips!.acquire(user)!);
      const task = createTaskCgroup({
        processes: 16,
        memoryBytes: 256 << 20,
        cpuCores: CAP,
        userId: user,
      })!;
      expect(task).not.toBeNull();
      const taskCpu = cpuLeaf(task);
      if (!taskCpu)
        return expect.fail("the task has no cpu cgroup (the cpu controller is missing)");
      try {
        // Its children keep their own weights (renders a quarter process, zips one nice-10
        // process, tasks half a process), and no quota of their own.
        for (const d of [render, zip, dirname(taskCpu)]) {
          expect(readCpuCap(d, renders!.version)).toBeNull();
        }
        if (renders!.version === 1) {
          const shares = (d: string) => Number(readFileSync(join(d, "cpu.shares"), "utf8"));
          expect(shares(render)).toBe(256);
          expect(shares(zip)).toBe(110);
          expect(shares(dirname(taskCpu))).toBe(512);
          expect(readCpuCap(taskCpu, 1)).toBeNull();
        }
        // The host's load must not be what holds them: every group above them outweighs it.
        for (const d of new Set([render, zip, taskCpu].map(dirname))) {
          outweighTheHost(d, renders!.version);
        }
        const cores = await coresUsedTogether([render, zip, taskCpu]);
        // Generous (the kernel hands out quota in 5 ms slices per CPU); three separate caps let
        // them take 0.9 cores.
        expect(cores).toBeLessThan(CAP * 1.5 + 0.05);
        // One group, the user's, carries the quota and is what throttled them.
        const userGroup = dirname(render);
        expect(dirname(zip)).toBe(userGroup);
        expect(dirname(dirname(taskCpu))).toBe(userGroup);
        expect(readCpuCap(userGroup, renders!.version)).toBeCloseTo(CAP, 5);
        expect(throttledPeriods(userGroup)).toBeGreaterThan(0);
      } finally {
        expect(removeTaskCgroup(task)).toBe(true);
        zips!.release(user);
        renders!.release(user, false);
      }
      // Each part went with its owner's release, and the user's group with the last one.
      expect(existsSync(dirname(render))).toBe(false);
    });

    it("weighs the user's group as its heaviest part (not the sum), and keeps it while one is left", () => {
      const user = `weight-${Math.random()}`;
      const zipProcs = zips!.acquire(user)!;
      const render = renders!.userDir(user)!;
      const userGroup = dirname(render);
      expect(dirname(dirname(zipProcs))).toBe(userGroup);
      const file = renders!.version === 1 ? "cpu.shares" : "cpu.weight";
      const w = (d: string) => Number(readFileSync(join(d, file), "utf8"));
      // A part that cannot run (a sleeping task, say) must not lend its weight to the others.
      expect(w(render)).toBeGreaterThan(w(dirname(zipProcs)));
      expect(w(userGroup)).toBe(w(render));
      renders!.release(user, false);
      expect(existsSync(render)).toBe(false);
      expect(existsSync(userGroup)).toBe(true);
      expect(w(userGroup)).toBe(w(dirname(zipProcs)));
      zips!.release(user);
      expect(existsSync(userGroup)).toBe(false);
    });

    it("runs a job's uploaded program in its owner's group (the worker's part of it), gone with the task", async () => {
      const owner = `job-${Math.random()}`;
      // The group the program must be in: the same one the web server's renders of theirs use.
      const userGroup = dirname(renders!.userDir(owner)!);
      const { dir, inputs } = makeJobDir(
        [{ name: "input.txt", content: "x\n" }],
        ["hostile/sleep_forever.py"],
      );
      const abort = new AbortController();
      const job = runJobLocally(
        {
          jobId: `owner-${Math.random().toString(36).slice(2)}`,
          job: { kind: "user", mapper: "sleep_forever.py", reducer: null, combiner: null },
          options: { combiner: "none", taskTimeoutSeconds: 300 },
          inputs,
        },
        dir,
        { signal: abort.signal, maxAttempts: 1, owner },
      ).catch((e: unknown) => e);
      const taskProcs = () =>
        readdirSync(userGroup)
          .filter((d) => d.startsWith(`mr-${process.pid}-`))
          .flatMap((d) =>
            readdirSync(join(userGroup, d))
              .filter((t) => t.startsWith("t-"))
              .flatMap((t) =>
                readFileSync(join(userGroup, d, t, "cgroup.procs"), "utf8").split("\n"),
              ),
          )
          .filter(Boolean);
      try {
        await vi.waitFor(() => expect(taskProcs().length).toBeGreaterThan(0), WAIT);
      } finally {
        abort.abort();
        await job;
      }
      // The worker's part went with the task; the renders' part (and so the group) stays.
      expect(readdirSync(userGroup).filter((d) => d.startsWith("mr-"))).toEqual([]);
      renders!.release(owner, false);
      expect(existsSync(userGroup)).toBe(false);
    });

    it("sweeps what a killed process left in user groups, and the groups it left empty", () => {
      const user = `live-${Math.random()}`;
      const mine = userKindGroup(user, "zip", 110, CAP)!;
      const parent = dirname(mine.user);
      // A worker killed with a task running (pid 2^22 + 1 is above any pid the kernel hands out).
      const stale = join(parent, `stratus-user-test${process.pid}`);
      const leaf = join(stale, "mr-4194305-1", "t-1-1-x");
      mkdirSync(leaf, { recursive: true });
      // Our own part, in another group, beside a stale one.
      const staleBeside = join(mine.user, "render-4194305-1");
      mkdirSync(staleBeside);
      sweepStaleUserGroups(parent);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(staleBeside)).toBe(false);
      expect(existsSync(mine.dir)).toBe(true);
      expect(releaseUserKind(mine)).toBe(true);
      expect(existsSync(mine.user)).toBe(false);
    });

    it("is the same group for another process (the worker beside the web server); each removes only its own part", async () => {
      const user = `two-${Math.random()}`;
      const mine = userKindGroup(user, "zip", 110, CAP)!;
      expect(mine).not.toBeNull();
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          fileURLToPath(new URL("./fixtures/user-kind-group.ts", import.meta.url)),
          user,
          String(CAP),
        ],
        { stdio: ["pipe", "pipe", "inherit"] },
      );
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      try {
        const theirs = JSON.parse((await lines.next()).value as string) as {
          user: string;
          dir: string;
        };
        expect(theirs.user).toBe(mine.user);
        expect(theirs.dir).not.toBe(mine.dir);
        expect(existsSync(theirs.dir)).toBe(true);
        // Our part goes; theirs (and so the user's group) stays.
        expect(releaseUserKind(mine)).toBe(true);
        expect(existsSync(mine.dir)).toBe(false);
        expect(existsSync(theirs.dir)).toBe(true);
        // Made again while theirs is there: the same group, the cap in force.
        const again = userKindGroup(user, "zip", 110, CAP)!;
        expect(again.user).toBe(mine.user);
        expect(readCpuCap(again.user, again.version)).toBeCloseTo(CAP, 5);
        child.stdin!.write("release\n");
        expect(JSON.parse((await lines.next()).value as string)).toEqual({ released: true });
        expect(existsSync(theirs.dir)).toBe(false);
        expect(existsSync(again.dir)).toBe(true);
        expect(releaseUserKind(again)).toBe(true);
        expect(existsSync(mine.user)).toBe(false);
      } finally {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill();
          await once(child, "exit");
        }
      }
    });
  },
);
