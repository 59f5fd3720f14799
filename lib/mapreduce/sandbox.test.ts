// Hostile mappers: each must fail its job with a clear message, and leave the host untouched.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskFailedError, warmEngine, type EngineOptions } from "./engine";
import { runJobLocally } from "./run-local";
import type { JobOptions } from "./schemas";
import { liveProcesses, makeJobDir, removeJobDirs, sandboxUid } from "./test-helpers";

const isRoot = process.getuid?.() === 0;

/** Runs a hostile mapper (fixtures/hostile) once over `input`; resolves to its failure. */
async function attack(
  program: string,
  input: string,
  opts: { options?: Partial<JobOptions>; engine?: EngineOptions } = {},
) {
  const { dir, inputs } = makeJobDir(
    [{ name: "input.txt", content: input }],
    [`hostile/${program}`, "wc_reducer.py"],
  );
  const started = Date.now();
  const outcome = await runJobLocally(
    {
      jobId: "hostile",
      job: { kind: "user", mapper: program, reducer: "wc_reducer.py", combiner: null },
      options: { reducers: 1, combiner: "none", ...opts.options },
      inputs,
    },
    dir,
    { maxAttempts: 1, engine: opts.engine },
  ).catch((e: unknown) => e);
  if (!(outcome instanceof TaskFailedError)) {
    throw new Error(`the hostile mapper ${program} was not stopped: ${JSON.stringify(outcome)}`);
  }
  return { error: outcome, dir, seconds: (Date.now() - started) / 1000 };
}

/** Sandboxed processes still alive (zombies waiting for the container's init do not count). */
function sandboxProcesses(): string[] {
  const uid = sandboxUid();
  return liveProcesses()
    .filter((p) => p.ours && p.uid === uid)
    .map((p) => `${p.pid} ${p.cmdline}`);
}

async function noSandboxProcessesLeft(): Promise<void> {
  if (!isRoot) return;
  for (let i = 0; i < 40 && sandboxProcesses().length > 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(sandboxProcesses()).toEqual([]);
}

beforeAll(() => warmEngine());
afterAll(() => removeJobDirs());

describe("the sandbox of uploaded programs", () => {
  it("cannot read /etc/passwd", async () => {
    const { error } = await attack("read_files.py", "/etc/passwd\n");
    expect(error.message).toMatch(
      /The mapper exited with status 1: the sandbox only shows \/usr, \/tmp and the job's programs/,
    );
    expect(error.stderrTail).toMatch(/No such file or directory: '\/etc\/passwd'/);
    expect(error.stderrTail).not.toMatch(/root:/);
  });

  it("cannot read another job's files", async () => {
    const other = makeJobDir([{ name: "secret.txt", content: "the other user's data\n" }]);
    const secret = join(other.dir, "inputs", "secret.txt");
    for (const path of [secret, other.dir, "/proc/1/root/etc/passwd"]) {
      const { error } = await attack("read_files.py", `${path}\n`);
      expect(error.message).toMatch(/The mapper exited with status 1/);
      expect(error.stderrTail).toMatch(
        /No such file or directory|Permission denied|Is a directory/,
      );
      expect(error.stderrTail).not.toMatch(/the other user's data/);
    }
  });

  it("cannot write outside /tmp", async () => {
    const { dir } = makeJobDir([]);
    const hostFile = join(dir, "owned-by-sandbox");
    for (const path of [
      "/job/x",
      "/usr/x",
      "/x",
      "/dev/x",
      "/proc/x",
      hostFile,
      "/job/wc_reducer.py",
    ]) {
      const { error } = await attack("write_files.py", `${path}\n`);
      expect(error.message, path).toMatch(
        /exited with status 1: (programs may only write to \/tmp|the sandbox only shows)/,
      );
      expect(error.stderrTail).toMatch(/Read-only file system|No such file|Permission denied/);
    }
    expect(existsSync(hostFile)).toBe(false);
  });

  it("may write to its private /tmp", async () => {
    const { dir, inputs } = makeJobDir(
      [{ name: "input.txt", content: "/tmp/scratch\n" }],
      ["hostile/write_files.py", "wc_reducer.py"],
    );
    const result = await runJobLocally(
      {
        jobId: "tmp",
        job: { kind: "user", mapper: "write_files.py", reducer: null, combiner: null },
        options: { combiner: "none" },
        inputs,
      },
      dir,
    );
    expect(result.outputs[0]!.records).toBe(1);
  });

  describe("cannot open a network connection", () => {
    let server: Server;
    let port = 0;
    let connections = 0;
    beforeAll(async () => {
      server = createServer((s) => {
        connections++;
        s.destroy();
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("to a server on the host", async () => {
      const { error } = await attack("connect.py", `127.0.0.1:${port}\n`);
      expect(error.message).toMatch(/programs have no network access in the sandbox/);
      expect(error.stderrTail).toMatch(/Connection refused|Network is unreachable/);
      expect(connections).toBe(0);
    });

    it("to a name on the internet", async () => {
      const { error } = await attack("connect.py", "example.com:80\n");
      expect(error.message).toMatch(/programs have no network access in the sandbox/);
    });
  });

  it("cannot fork-bomb", async () => {
    const { error } = await attack("fork_bomb.py", "x\n", { options: { taskTimeoutSeconds: 30 } });
    expect(error.message).toMatch(
      /The mapper exited with status 1: it hit the limit of 64 processes/,
    );
    expect(error.stderrTail).toMatch(/BlockingIOError|Resource temporarily unavailable/);
    await noSandboxProcessesLeft();
  });

  it("cannot allocate 4 GiB", async () => {
    const { error } = await attack("alloc_4g.py", "x\n");
    expect(error.message).toMatch(/it ran out of memory \(the sandbox allows 1 GB\)/);
    expect(error.stderrTail).toMatch(/MemoryError/);
  });

  it("cannot run forever: the per-task timeout stops it", async () => {
    const { error, seconds } = await attack("sleep_forever.py", "x\n", {
      options: { taskTimeoutSeconds: 2 },
    });
    expect(error.message).toBe(
      "Map task m-00000 failed after 1 attempt: The task timed out after 2 s (the per-task timeout).",
    );
    expect(seconds).toBeLessThan(10);
    await noSandboxProcessesLeft();
  });

  it("cannot burn CPU forever: the CPU limit stops it", async () => {
    const { error, seconds } = await attack("busy_loop.py", "x\n", {
      engine: { sandbox: { cpuSeconds: 1 } },
    });
    expect(error.message).toMatch(/The mapper was stopped after using 1 s of CPU time/);
    // Well before the per-task timeout (600 s). Sandboxed programs weigh less than the web
    // server on the CPU (task-cgroup.ts), so on a loaded machine 1 s of CPU takes longer.
    expect(seconds).toBeLessThan(120);
  });

  it("cannot flood the disk with output", async () => {
    const { error, dir } = await attack("flood.py", "x\n", {
      engine: { sandbox: { outputBytes: 1024 * 1024 } },
    });
    expect(error.message).toMatch(/The mapper wrote more than 1 MB of output/);
    expect(existsSync(join(dir, "work"))).toBe(false);
  });

  it("cannot flood the disk across tasks: the job's output limit counts what is there", async () => {
    const { dir, inputs } = makeJobDir(
      [{ name: "input.txt", content: "x\n" }],
      ["hostile/flood.py", "wc_reducer.py"],
    );
    // What earlier tasks of the job left on the worker's disk.
    mkdirSync(join(dir, "output"), { recursive: true });
    writeFileSync(join(dir, "output", "part-earlier"), Buffer.alloc(768 * 1024));
    const outcome = await runJobLocally(
      {
        jobId: "flood-job",
        job: { kind: "user", mapper: "flood.py", reducer: "wc_reducer.py", combiner: null },
        options: { reducers: 1, combiner: "none" },
        inputs,
      },
      dir,
      { maxAttempts: 1, engine: { jobOutputBytes: 1024 * 1024 } },
    ).catch((e: unknown) => e);
    expect((outcome as Error).message).toBe(
      "Map task m-00000 failed after 1 attempt: The mapper wrote more than 256 KB of output (what was left of the job's 1 MB output limit).",
    );
  });

  it("runs programs as the sandbox user, never as root", async () => {
    const probe = [
      "import os, sys, time",
      "sys.stdin.read()",
      "time.sleep(1.5)",
      'print(f"uid\\t{os.getuid()}")',
      "",
    ].join("\n");
    const { dir, inputs } = makeJobDir([{ name: "input.txt", content: "x\n" }]);
    writeFileSync(join(dir, "programs", "probe.py"), probe);
    const job = runJobLocally(
      {
        jobId: "ids",
        job: { kind: "user", mapper: "probe.py", reducer: null, combiner: null },
        options: { combiner: "none" },
        inputs,
      },
      dir,
    );
    // Seen from the host, while it runs: which kernel user runs the program?
    const owners = new Set<number>();
    for (let i = 0; i < 40 && owners.size === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      for (const p of liveProcesses()) {
        if (p.ours && p.cmdline === "/usr/bin/python3 /job/probe.py") owners.add(p.uid);
      }
    }
    const result = await job;
    expect(readFileSync(result.outputs[0]!.file, "utf8")).toBe("uid\t65534\n");
    expect(owners.size).toBe(1);
    expect(owners.has(0)).toBe(false);
    if (isRoot) expect([...owners]).toEqual([sandboxUid()]);
  });
});
