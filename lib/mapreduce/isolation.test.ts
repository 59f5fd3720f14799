// Tenants cannot hurt each other through the sandbox: one user's task is bounded on its own
// (processes, memory), never at the expense of another user's job or of the host.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskFailedError, warmEngine } from "./engine";
import { runJobLocally } from "./run-local";
import { liveTaskCgroups, taskCgroupSupport } from "./task-cgroup";
import { forkAndSleepBesideAnotherJob, makeJobDir, removeJobDirs } from "./test-helpers";

const isRoot = process.getuid?.() === 0;

beforeAll(() => warmEngine());
afterAll(() => removeJobDirs());

describe("per-task isolation of uploaded programs", () => {
  it.skipIf(!isRoot)(
    "user A's fork-and-sleep mapper (64+ processes) does not stop user B's job",
    async () => {
      const { aProcesses, aLeft, bOutput, builtinOutput, aError } =
        await forkAndSleepBesideAnotherJob();
      expect(aProcesses).toBeGreaterThanOrEqual(64);
      expect(bOutput).toEqual(builtinOutput);
      expect(String(aError)).toMatch(/cancelled/i);
      expect(aLeft).toBe(0);
      // Every task's cgroup is gone with its processes.
      expect(liveTaskCgroups()).toEqual([]);
    },
  );

  it.skipIf(!isRoot || taskCgroupSupport() === "none")(
    "a memory hog with several children is stopped by the task's memory limit, and nothing else",
    async () => {
      // A process of the host that must survive (the OOM killer once picked MariaDB).
      const sentinel = spawn("/usr/bin/sleep", ["600"], { stdio: "ignore" });
      const { dir, inputs } = makeJobDir(
        [{ name: "input.txt", content: "x\n" }],
        ["hostile/memory_hog.py"],
      );
      const outcome = await runJobLocally(
        {
          jobId: "hog",
          job: { kind: "user", mapper: "memory_hog.py", reducer: null, combiner: null },
          options: { combiner: "none", taskTimeoutSeconds: 60 },
          inputs,
        },
        dir,
        { maxAttempts: 1, engine: { sandbox: { taskMemoryBytes: 256 * 1024 * 1024 } } },
      ).catch((e: unknown) => e);
      expect(outcome).toBeInstanceOf(TaskFailedError);
      expect((outcome as Error).message).toBe(
        "Map task m-00000 failed after 1 attempt: The mapper was stopped: the task's processes used more than 256 MB of memory together (the limit per task)",
      );
      expect(sentinel.exitCode).toBeNull();
      expect(sentinel.signalCode).toBeNull();
      sentinel.kill("SIGKILL");
      expect(liveTaskCgroups()).toEqual([]);
    },
  );

  it("refuses io_uring, bpf, perf, userfaultfd, keyrings, ptrace, mounts and namespaces", async () => {
    const { dir, inputs } = makeJobDir(
      [{ name: "input.txt", content: "x\n" }],
      ["hostile/syscalls.py"],
    );
    const result = await runJobLocally(
      {
        jobId: "seccomp",
        job: { kind: "user", mapper: "syscalls.py", reducer: null, combiner: null },
        options: { combiner: "none" },
        inputs,
      },
      dir,
    );
    const lines = readFileSync(result.outputs[0]!.file, "utf8").trim().split("\n");
    const denied = lines.filter((l) => !l.startsWith("getpid"));
    expect(denied.map((l) => l.split("\t")[0])).toEqual([
      "io_uring_setup",
      "bpf",
      "perf_event_open",
      "userfaultfd",
      "keyctl",
      "ptrace",
      "mount",
      "unshare",
      "setns",
      "kexec_load",
      "clone_newuser",
    ]);
    for (const line of denied) expect(line).toMatch(/\t-1\tOperation not permitted$/);
    expect(lines.at(-1)).toMatch(/^getpid\t\d+\tallowed$/);
  });

  it("closes every descriptor the worker inherited before the program starts", async () => {
    const { dir } = makeJobDir([], ["hostile/list_fds.py"]);
    const probe = fileURLToPath(new URL("./fixtures/inherited-fd-probe.ts", import.meta.url));
    // Descriptor 9 of the probe is a pipe without close-on-exec, as a shell leaves one.
    const child = spawn(process.execPath, ["--import", "tsx", probe, join(dir, "programs")], {
      stdio: [
        "ignore",
        "pipe",
        "pipe",
        "ignore",
        "ignore",
        "ignore",
        "ignore",
        "ignore",
        "ignore",
        "pipe",
      ],
    });
    let out = "";
    let err = "";
    child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toBe("fds\t\n");
  });
});
