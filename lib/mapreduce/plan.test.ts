import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseReporterLine } from "./counters";
import { fnv1a, partitionOf, partitionOfKey } from "./partition";
import {
  chunkSizeFor,
  lineChunks,
  MAX_CHUNK_BYTES,
  MIN_CHUNK_BYTES,
  planJob,
  PlanError,
} from "./plan";
import { explainSandboxFailure, DEFAULT_SANDBOX_LIMITS, sandboxArgv } from "./sandbox";
import { JobDefinition } from "./schemas";
import { makeJobDir, removeJobDirs } from "./test-helpers";

afterAll(() => removeJobDirs());

describe("planning", () => {
  it("cuts inputs just after newlines, covering every byte once", async () => {
    const text = "alpha\nbe\n\ngamma delta\nepsilon\nz"; // no final newline
    const { dir } = makeJobDir([{ name: "t.txt", content: text }]);
    const path = join(dir, "inputs", "t.txt");
    for (const size of [1, 3, 7, 100]) {
      const chunks = await lineChunks(path, text.length, size);
      expect(chunks[0]![0]).toBe(0);
      expect(chunks.at(-1)![1]).toBe(text.length);
      for (const [i, [start, end]] of chunks.entries()) {
        expect(end).toBeGreaterThan(start);
        if (i > 0) expect(start).toBe(chunks[i - 1]![1]);
        if (start > 0) expect(text[start - 1]).toBe("\n");
      }
      const pieces = chunks.map(([s, e]) => readFileSync(path, "utf8").slice(s, e));
      expect(pieces.join("")).toBe(text);
    }
    expect(await lineChunks(path, 0, 10)).toEqual([]);
  });

  it("sizes chunks between 16 and 64 MiB", () => {
    expect(chunkSizeFor(1000, 2)).toBe(MIN_CHUNK_BYTES);
    expect(chunkSizeFor(10 * 2 ** 30, 2)).toBe(MAX_CHUNK_BYTES);
    expect(chunkSizeFor(160 * 2 ** 20, 2)).toBe(40 * 2 ** 20);
  });

  it("plans one map task per chunk and one reduce task per partition", async () => {
    const { dir, inputs } = makeJobDir([
      { name: "a.txt", content: "one\ntwo\nthree\n" },
      { name: "b.txt", content: "" },
      { name: "c.txt", content: "four\n" },
    ]);
    const plan = await planJob(
      { jobId: "p1", job: { kind: "word-count" }, options: { reducers: 3 }, inputs },
      dir,
      { chunkBytes: 5 },
    );
    expect(plan.mapTasks.map((t) => [t.taskId, t.input.name, t.start, t.end])).toEqual([
      ["m-00000", "a.txt", 0, 8],
      ["m-00001", "a.txt", 8, 14],
      ["m-00002", "c.txt", 0, 5],
    ]);
    expect(plan.reduceTasks.map((t) => t.taskId)).toEqual(["r-00000", "r-00001", "r-00002"]);
    expect(plan.reduceTasks[2]!.mapTaskIds).toEqual(["m-00000", "m-00001", "m-00002"]);
    // Task specs travel through Inngest step outputs: plain JSON.
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it("explains what is wrong with a job", async () => {
    const { dir, inputs } = makeJobDir([{ name: "a.txt", content: "x\n" }], ["wc_reducer.py"]);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dir, "programs", "mapper"), "print('no shebang')\n");
    await expect(
      planJob(
        { jobId: "p2", job: { kind: "user", mapper: "mapper", reducer: "wc_reducer.py" }, inputs },
        dir,
      ),
    ).rejects.toThrow(/mapper is not a Python \(\.py\) or JavaScript \(\.js\) file and has no #!/);
    await expect(
      planJob(
        {
          jobId: "p3",
          job: { kind: "user", mapper: "gone.py", reducer: null },
          inputs,
          options: { combiner: "none" },
        },
        dir,
      ),
    ).rejects.toThrow(PlanError);
    await expect(
      planJob(
        {
          jobId: "p4",
          job: { kind: "word-count" },
          inputs: [{ path: "inputs/nope", name: "nope" }],
        },
        dir,
      ),
    ).rejects.toThrow("The input nope is missing from the job.");
  });

  it("validates options with messages for the form", () => {
    const parse = (o: unknown) =>
      JobDefinition.safeParse({
        jobId: "x",
        job: { kind: "top-n" },
        inputs: [{ path: "a", name: "a" }],
        options: o,
      });
    expect(parse({ reducers: 0 }).error?.issues[0]?.message).toBe("Use at least one reducer.");
    expect(parse({ taskTimeoutSeconds: 0 }).error?.issues[0]?.message).toBe(
      "The timeout is at least 1 second.",
    );
    const ok = parse({ reducers: "4" });
    expect(ok.success && ok.data.options).toEqual({
      reducers: 4,
      combiner: "reducer",
      taskTimeoutSeconds: 600,
    });
    expect(ok.success && ok.data.job).toEqual({ kind: "top-n", n: 10 });
    const paths = JobDefinition.safeParse({
      jobId: "x",
      job: { kind: "word-count" },
      inputs: [{ path: "../etc/passwd", name: "a" }],
    });
    expect(paths.error?.issues[0]?.message).toBe("Input paths are relative to the job directory.");
  });
});

describe("streaming contract helpers", () => {
  it("parses reporter lines", () => {
    expect(parseReporterLine("reporter:counter:My Group,Bad records,3")).toEqual({
      kind: "counter",
      group: "My Group",
      name: "Bad records",
      amount: 3,
    });
    expect(parseReporterLine("reporter:status:half way")).toEqual({
      kind: "status",
      message: "half way",
    });
    expect(parseReporterLine("reporter:counter:missing amount")).toBeNull();
    expect(parseReporterLine("an ordinary log line")).toBeNull();
  });

  it("partitions by FNV-1a of the key bytes", () => {
    // FNV-1a("a") = 0xe40c292c, a published test vector.
    expect(fnv1a(Buffer.from("a")) >>> 0).toBe(0xe40c292c);
    expect(partitionOf(0xe40c292c | 0, 7)).toBe(0xe40c292c % 7);
    expect(partitionOfKey("a", 7)).toBe(0xe40c292c % 7);
  });

  it("builds the sandbox command line", () => {
    const argv = sandboxArgv(
      { programDir: "/unused", file: "m.js", interpreter: "node" },
      [{ fd: 3, name: "m.js", mode: 0o100600 }],
      { mapreduce_task_id: "t" },
      DEFAULT_SANDBOX_LIMITS,
      { uid: 999, gid: 998 },
      {
        cgroups: ["/sys/fs/cgroup/pids/x/t-1", "/sys/fs/cgroup/memory/x/t-1"],
        seccompFd: 4,
        nproc: 64,
        usr: ["/usr/bin", "/usr/lib/python3"],
      },
      { bin: "/opt/node-v20/bin/node", prefix: "/opt/node-v20" },
    );
    const joined = argv.join(" ");
    // The launcher joins the task's cgroups, keeps the program's descriptor and the filter's.
    expect(argv.slice(0, 2)).toEqual(["/usr/bin/python3", "-I"]);
    expect(argv[2]).toMatch(/\/lib\/mapreduce\/sandbox-launch\.py$/);
    expect(joined).toContain(
      "--cgroup /sys/fs/cgroup/pids/x/t-1 --cgroup /sys/fs/cgroup/memory/x/t-1 --keep 3 --seccomp-fd 4 -- " +
        "/usr/bin/setpriv --reuid=999 --regid=998 --clear-groups -- ",
    );
    expect(joined).toContain(
      "/usr/bin/prlimit --as=1073741824 --cpu=600:602 --nproc=64 --nofile=64",
    );
    // Only the interpreters' trees of /usr.
    expect(joined).toContain(
      "--ro-bind /usr/bin /usr/bin --ro-bind /usr/lib/python3 /usr/lib/python3 --symlink",
    );
    expect(joined).not.toContain("--ro-bind /usr /usr");
    expect(joined).toContain(
      "/usr/bin/bwrap --unshare-all --unshare-user --disable-userns --die-with-parent --new-session",
    );
    expect(joined).toContain("--perms 0644 --ro-bind-data 3 /job/m.js");
    expect(joined).toContain("--ro-bind /opt/node-v20 /opt/node-v20");
    expect(joined).toContain("--remount-ro / --remount-ro /dev");
    expect(joined).toContain("--clearenv --setenv PATH /usr/bin:/bin:/opt/node-v20/bin");
    expect(joined).toContain(
      "--setenv mapreduce_task_id t --cap-drop ALL --seccomp 4 -- /opt/node-v20/bin/node /job/m.js",
    );
  });

  it("turns a signal exit into words", () => {
    const limits = { ...DEFAULT_SANDBOX_LIMITS, cpuSeconds: 5 };
    expect(explainSandboxFailure("The mapper", { code: 152, signal: null }, "", limits)).toBe(
      "The mapper was stopped after using 5 s of CPU time (the limit per task)",
    );
    expect(explainSandboxFailure("The reducer", { code: 153, signal: null }, "", limits)).toBe(
      "The reducer wrote a file larger than 8 GB (the limit per task)",
    );
    expect(
      explainSandboxFailure("The mapper", { code: 1, signal: null }, "MemoryError", limits),
    ).toBe("The mapper exited with status 1: it ran out of memory (the sandbox allows 1 GB)");
  });

  it.each([
    [
      'File "/job/m.py", line 4\n    print "%s\\t%s" % (word, 1)\n    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\nSyntaxError: Missing parentheses in call to \'print\'. Did you mean print(...)?',
    ],
    ["NameError: name 'xrange' is not defined"],
    ["AttributeError: 'dict' object has no attribute 'iteritems'"],
    [
      "    except IOError, e:\n    ^^^^^^^^^^^^^^\nSyntaxError: multiple exception types must be parenthesized",
    ],
  ])("says a program is Python 2 when Python 3 says so: %s", (tail) => {
    expect(
      explainSandboxFailure("The mapper", { code: 1, signal: null }, tail, DEFAULT_SANDBOX_LIMITS),
    ).toBe(
      "The mapper exited with status 1: this looks like Python 2 code, and .py programs run with Python 3 (print(x), range(), dict.items(), input())",
    );
  });

  it("gives no Python 2 hint for other Python errors", () => {
    const tail = "NameError: name 'wordz' is not defined";
    expect(
      explainSandboxFailure("The mapper", { code: 1, signal: null }, tail, DEFAULT_SANDBOX_LIMITS),
    ).toBe("The mapper exited with status 1");
  });
});
