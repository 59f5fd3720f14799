import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { C, FRAMEWORK } from "./counters";
import { CancelledError, TaskFailedError, warmEngine } from "./engine";
import type { JobOptions, JobSpec } from "./schemas";
import {
  checkParts,
  expected,
  fixture,
  liveProcesses,
  makeJobDir,
  partTexts,
  removeJobDirs,
  sandboxUid,
  sortedOutput,
  type TestInput,
} from "./test-helpers";
import {
  runJobLocally,
  type AttemptFailureInfo,
  type JobContext,
  type JobProgress,
} from "./run-local";

// Tiny chunks: the 199-byte fixture becomes several map tasks.
const CHUNK = 60;
const DOCS: TestInput[] = [{ name: "docs.tsv", fixture: "docs.tsv" }];

async function run(
  job: JobSpec,
  opts: {
    inputs?: TestInput[];
    programs?: string[];
    options?: Partial<JobOptions>;
    ctx?: JobContext;
  } = {},
) {
  const { dir, inputs } = makeJobDir(opts.inputs ?? DOCS, opts.programs);
  const result = await runJobLocally(
    { jobId: "test", job, options: { reducers: 2, ...opts.options }, inputs },
    dir,
    { plan: { chunkBytes: CHUNK }, ...opts.ctx },
  );
  return { dir, result };
}

beforeAll(() => warmEngine());
afterAll(() => removeJobDirs());

describe("built-in jobs against hand-checked outputs", () => {
  it("word count", async () => {
    const { result, dir } = await run({ kind: "word-count" });
    expect(result.plan.mapTasks.length).toBeGreaterThanOrEqual(3);
    expect(result.outputs.map((o) => o.name)).toEqual(["part-00000", "part-00001"]);
    checkParts(result);
    expect(sortedOutput(result)).toBe(expected("word-count.txt"));
    const f = result.counters[FRAMEWORK]!;
    expect(f[C.mapInputRecords]).toBe(5);
    expect(f[C.mapOutputRecords]).toBe(43);
    expect(f[C.reduceOutputRecords]).toBe(32);
    // Intermediate files are gone once the job is done.
    expect(existsSync(join(dir, "work"))).toBe(false);
  });

  it("inverted index", async () => {
    const { result } = await run({ kind: "inverted-index" });
    checkParts(result);
    expect(sortedOutput(result)).toBe(expected("inverted-index.txt"));
    expect(result.counters[FRAMEWORK]![C.skippedLines]).toBe(1);
  });

  it("grep, with counts of every distinct match", async () => {
    const { result } = await run({
      kind: "grep",
      pattern: "caf\\S*|[Tt]he|dogs?",
      ignoreCase: false,
    });
    checkParts(result);
    expect(sortedOutput(result)).toBe(expected("grep.txt"));
  });

  it("top-N runs one reducer and orders by count, then word", async () => {
    const { result } = await run({ kind: "top-n", n: 3 }, { options: { reducers: 4 } });
    expect(result.outputs).toHaveLength(1);
    expect(partTexts(result)[0]).toBe(expected("top-3.txt"));
  });

  it("distinct values of a column", async () => {
    const { result } = await run(
      { kind: "distinct", column: 3, separator: "," },
      { inputs: [{ name: "people.csv", fixture: "people.csv" }] },
    );
    checkParts(result);
    expect(sortedOutput(result)).toBe(expected("distinct-city.txt"));
    expect(result.counters[FRAMEWORK]![C.skippedLines]).toBe(1);
  });

  it("join of two inputs on a key column", async () => {
    const { result } = await run(
      { kind: "join", leftColumn: 1, rightColumn: 2, separator: "\t" },
      {
        inputs: [
          { name: "users.tsv", fixture: "users.tsv", side: "left" },
          { name: "orders.tsv", fixture: "orders.tsv", side: "right" },
        ],
        options: { combiner: "none" },
      },
    );
    checkParts(result);
    expect(sortedOutput(result)).toBe(expected("join.txt"));
  });
});

describe("engine behaviour", () => {
  const combinable: JobSpec[] = [
    { kind: "word-count" },
    { kind: "inverted-index" },
    { kind: "grep", pattern: "[a-z]+s\\b", ignoreCase: true },
    { kind: "top-n", n: 5 },
    { kind: "distinct", column: 1, separator: " " },
  ];
  it.each(combinable.map((j) => [j.kind, j] as const))(
    "%s gives the same part files with the combiner on and off",
    async (_, job) => {
      const on = await run(job, { options: { combiner: "reducer" } });
      const off = await run(job, { options: { combiner: "none" } });
      expect(partTexts(on.result)).toEqual(partTexts(off.result));
      expect(on.result.counters[FRAMEWORK]![C.combineOutputRecords]).toBeGreaterThan(0);
      expect(off.result.counters[FRAMEWORK]![C.combineOutputRecords]).toBeUndefined();
    },
  );

  it.each(combinable.map((j) => [j.kind, j] as const))(
    "%s counts map output bytes before the combiner, as Hadoop does",
    async (_, job) => {
      const on = (await run(job, { options: { combiner: "reducer" } })).result.counters[FRAMEWORK]!;
      const off = (await run(job, { options: { combiner: "none" } })).result.counters[FRAMEWORK]!;
      // The mapper emits the same records either way; only what is left for the shuffle shrinks.
      expect(on[C.mapOutputRecords]).toBe(off[C.mapOutputRecords]);
      expect(on[C.mapOutputBytes]).toBeGreaterThan(0);
      expect(on[C.mapOutputBytes]).toBe(off[C.mapOutputBytes]);
      expect(off[C.mapOutputMaterializedBytes]).toBe(off[C.mapOutputBytes]);
      expect(on[C.mapOutputMaterializedBytes]).toBeLessThanOrEqual(on[C.mapOutputBytes]!);
      expect(on[C.combineInputRecords]).toBe(on[C.mapOutputRecords]);
    },
  );

  it("spreads keys over several partitions", async () => {
    const { result } = await run({ kind: "word-count" }, { options: { reducers: 5 } });
    expect(result.outputs).toHaveLength(5);
    checkParts(result);
    expect(result.outputs.filter((o) => o.records > 0).length).toBeGreaterThanOrEqual(3);
    expect(sortedOutput(result)).toBe(expected("word-count.txt"));
  });

  it("spills to disk with a tiny memory budget and gives the same output", async () => {
    // ~3 MB with 60,000 distinct words: far beyond a 64 KiB combiner and sort buffer.
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      lines.push(
        `doc${i % 997}\tw${(i * 7919) % 60_000} w${i % 1000} common w${(i * 31) % 60_000}`,
      );
    }
    const input: TestInput[] = [{ name: "big.tsv", content: `${lines.join("\n")}\n` }];
    for (const job of [{ kind: "word-count" }, { kind: "inverted-index" }] as JobSpec[]) {
      const big = await run(job, { inputs: input, ctx: { plan: { chunkBytes: 1 << 20 } } });
      const tiny = await run(job, {
        inputs: input,
        ctx: { plan: { chunkBytes: 1 << 20 }, engine: { memoryBudgetBytes: 1 } },
      });
      expect(partTexts(tiny.result)).toEqual(partTexts(big.result));
      const spilled = (r: typeof big) => r.result.counters[FRAMEWORK]![C.spilledRecords]!;
      // Each spill writes its words again: many spills write more records.
      expect(spilled(tiny)).toBeGreaterThan(spilled(big));
    }
  });

  it("inverted index: a document on lines apart and in byte order unlike input order gives the same part files with the combiner on and off", async () => {
    // The combining map sorts postings by document a line's run at a time (inverted-index.ts):
    // documents recur on lines far apart, ids sort unlike their order (d10 < d9), lines repeat
    // words and have none, and long lines outgrow the spill's line buffer.
    const lines: string[] = [];
    for (let i = 0; i < 6_000; i++) {
      const words = Array.from({ length: i % 7 }, (_, k) => `w${(i * 7 + k * 13) % 400} x${k}`);
      lines.push(`d${(i * 37) % 211}\t${words.join(" ")} ${words[0] ?? ""}`);
    }
    lines.push(`dlong\t${Array.from({ length: 9_000 }, (_, k) => `common v${k}`).join(" ")}`);
    for (let d = 0; d < 9_000; d++) lines.push(`doc-${"z".repeat(d % 40)}${d}\tcommon`);
    const input: TestInput[] = [{ name: "many.tsv", content: `${lines.join("\n")}\n` }];
    const opts = (combiner: "reducer" | "none") => ({
      inputs: input,
      options: { combiner },
      ctx: { plan: { chunkBytes: 256 << 10 } },
    });
    const on = await run({ kind: "inverted-index" }, opts("reducer"));
    const off = await run({ kind: "inverted-index" }, opts("none"));
    expect(on.result.plan.mapTasks.length).toBeGreaterThan(2);
    expect(partTexts(on.result)).toEqual(partTexts(off.result));
    // "common" lists every document with it once, in byte order, across a line longer than 64 KiB.
    const common = partTexts(on.result)
      .join("")
      .split("\n")
      .find((l) => l.startsWith("common\t"))!;
    const docs = common.slice("common\t".length).split(",");
    expect(docs.length).toBe(9_001);
    expect(docs).toEqual([...docs].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });

  it("splits inputs on line boundaries", async () => {
    const { result } = await run({ kind: "word-count" }, { ctx: { plan: { chunkBytes: 7 } } });
    expect(result.plan.mapTasks.length).toBe(5);
    expect(sortedOutput(result)).toBe(expected("word-count.txt"));
  });

  it("reports progress per phase", async () => {
    const seen: JobProgress[] = [];
    await run({ kind: "word-count" }, { ctx: { onJobProgress: (p) => seen.push(p) } });
    expect(seen.some((p) => p.phase === "map" && p.map.running > 0)).toBe(true);
    expect(seen.some((p) => p.phase === "reduce" && p.reduce.running > 0)).toBe(true);
    const last = seen.at(-1)!;
    expect(last.phase).toBe("done");
    expect(last.map.done).toBe(last.map.total);
    expect(last.reduce).toEqual({ done: 2, total: 2, running: 0 });
    expect(last.counters[FRAMEWORK]![C.reduceOutputRecords]).toBe(32);
  });

  it("runs a catastrophic regex in linear time (RE2), with the right matches", async () => {
    // On V8's backtracking engine this line took 2^50000 steps: the task held its slot until
    // the timeout. The timeout here is a bound on the test, not the thing measured.
    const { result } = await run(
      { kind: "grep", pattern: "^(a+)+$", ignoreCase: false },
      {
        inputs: [{ name: "a.txt", content: `${"a".repeat(50_000)}b\naaaa\nb\naaaa\n` }],
        options: { reducers: 1, taskTimeoutSeconds: 60 },
        ctx: { maxAttempts: 1 },
      },
    );
    expect(sortedOutput(result)).toBe("aaaa\t2\n");
  });

  it("rejects bad options with a clear message", async () => {
    await expect(run({ kind: "grep", pattern: "(", ignoreCase: false })).rejects.toThrow(
      /Not a valid regular expression \(RE2 syntax\): missing closing \)/,
    );
    await expect(run({ kind: "grep", pattern: "(a)\\1", ignoreCase: false })).rejects.toThrow(
      /Backreferences \(\\\\1, \\\\2, …\) are not supported: patterns run on a linear-time engine \(RE2 syntax\)\./,
    );
    for (const pattern of ["a(?=b)", "a(?!b)", "(?<=a)b", "(?<!a)b"]) {
      await expect(run({ kind: "grep", pattern, ignoreCase: false })).rejects.toThrow(
        /Lookahead and lookbehind .* are not supported: patterns run on a linear-time engine/,
      );
    }
    await expect(
      run(
        { kind: "grep", pattern: "x", ignoreCase: false },
        { options: { taskTimeoutSeconds: 7200 } },
      ),
    ).rejects.toThrow(/The timeout is at most 1 hour \(3600 seconds\)\./);
    await expect(run({ kind: "word-count" }, { options: { combiner: "upload" } })).rejects.toThrow(
      /Built-in jobs use their own combiner/,
    );
    await expect(
      run({ kind: "join", leftColumn: 1, rightColumn: 1, separator: "\t" }),
    ).rejects.toThrow(/at least one left and one right/);
  });
});

describe("uploaded programs", () => {
  it("the textbook Python inverted index gives byte-identical part files to the built-in", async () => {
    const builtin = await run({ kind: "inverted-index" }, { options: { reducers: 3 } });
    const python = await run(
      { kind: "user", mapper: "ii_mapper.py", reducer: "ii_reducer.py", combiner: null },
      {
        programs: ["ii_mapper.py", "ii_reducer.py"],
        options: { reducers: 3, combiner: "none" },
      },
    );
    expect(partTexts(python.result)).toEqual(partTexts(builtin.result));
    expect(sortedOutput(python.result)).toBe(expected("inverted-index.txt"));
  });

  it("the textbook Python word count, with the reducer as combiner, equals the built-in", async () => {
    const builtin = await run({ kind: "word-count" });
    const python = await run(
      { kind: "user", mapper: "wc_mapper.py", reducer: "wc_reducer.py", combiner: null },
      { programs: ["wc_mapper.py", "wc_reducer.py"], options: { combiner: "reducer" } },
    );
    expect(partTexts(python.result)).toEqual(partTexts(builtin.result));
    const f = python.result.counters[FRAMEWORK]!;
    expect(f[C.combineInputRecords]).toBe(43);
    expect(f[C.combineOutputRecords]).toBeLessThan(43);
    // Both count the mapper's word<TAB>1 lines before combining, and the combined bytes after.
    const b = builtin.result.counters[FRAMEWORK]!;
    expect(f[C.mapOutputBytes]).toBe(b[C.mapOutputBytes]);
    expect(f[C.mapOutputMaterializedBytes]).toBe(b[C.mapOutputMaterializedBytes]);
    expect(f[C.mapOutputMaterializedBytes]).toBeLessThan(f[C.mapOutputBytes]!);
  });

  it("runs an uploaded combiner, and re-sorts a combiner's output that is out of order", async () => {
    const builtin = await run({ kind: "word-count" });
    const python = await run(
      {
        kind: "user",
        mapper: "wc_mapper.py",
        reducer: "wc_reducer.py",
        combiner: "reversing_combiner.py",
      },
      {
        programs: ["wc_mapper.py", "wc_reducer.py", "reversing_combiner.py"],
        options: { combiner: "upload" },
      },
    );
    expect(partTexts(python.result)).toEqual(partTexts(builtin.result));
    expect(python.result.counters[FRAMEWORK]![C.combineOutputRecords]).toBeLessThan(43);
  });

  it("accepts a reducer that stops reading its input early", async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `k${i % 5000}\tvalue ${i}`);
    const { result } = await run(
      { kind: "user", mapper: "counting_mapper.sh", reducer: "head_reducer.sh", combiner: null },
      {
        inputs: [{ name: "big.txt", content: `${lines.join("\n")}\n` }],
        programs: ["counting_mapper.sh", "head_reducer.sh"],
        options: { combiner: "none" },
        ctx: { plan: { chunkBytes: 1 << 20 } },
      },
    );
    expect(result.outputs.map((o) => o.records)).toEqual([3, 3]);
  });

  it("runs a JavaScript mapper with Node, and its counters", async () => {
    const { result } = await run(
      { kind: "user", mapper: "wc_mapper.js", reducer: "wc_reducer.py", combiner: null },
      { programs: ["wc_mapper.js", "wc_reducer.py"], options: { combiner: "none" } },
    );
    expect(sortedOutput(result)).toBe(expected("word-count.txt"));
    expect(result.counters.Stratus?.["JS lines"]).toBe(result.plan.mapTasks.length);
  });

  it("runs a #! script, parses reporter counters and status, and runs map-only jobs", async () => {
    const progress: (string | null)[] = [];
    const { result } = await run(
      { kind: "user", mapper: "counting_mapper.sh", reducer: null, combiner: null },
      {
        programs: ["counting_mapper.sh"],
        options: { combiner: "none" },
        ctx: { onProgress: (p) => progress.push(p.status) },
      },
    );
    expect(result.counters.Custom?.["Lines seen"]).toBe(5);
    expect(result.tasks.every((t) => t.status === "shell mapper running")).toBe(true);
    // Map-only: one part file per map task, the mapper's output unchanged.
    expect(result.outputs).toHaveLength(result.plan.mapTasks.length);
    const all = partTexts(result).join("");
    expect(all).toBe(
      readFileSync(fixture("docs.tsv"), "latin1")
        .split("\n")
        .filter(Boolean)
        .map((l) => `${l}\t1\n`)
        .join(""),
    );
  });

  it("gives every task a clean environment with the streaming job variables only", async () => {
    const { result } = await run(
      { kind: "user", mapper: "env_mapper.py", reducer: null, combiner: null },
      { programs: ["env_mapper.py"], options: { combiner: "none" } },
    );
    const env = Object.fromEntries(
      partTexts(result)[0]!
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("\t")),
    );
    expect(Object.keys(env).sort()).toEqual([
      "HOME",
      "LANG",
      "PATH",
      "PWD",
      "TMPDIR",
      "mapreduce_job_id",
      "mapreduce_job_reduces",
      "mapreduce_map_input_file",
      "mapreduce_task_attempt_id",
      "mapreduce_task_id",
      "mapreduce_task_ismap",
      "mapreduce_task_partition",
    ]);
    expect(env.mapreduce_map_input_file).toBe("docs.tsv");
    expect(env.mapreduce_task_attempt_id).toBe("attempt_test_m_000000_0");
  });

  it("retries a task that fails once", async () => {
    const failures: AttemptFailureInfo[] = [];
    const { result } = await run(
      { kind: "user", mapper: "flaky_mapper.py", reducer: "wc_reducer.py", combiner: null },
      {
        programs: ["flaky_mapper.py", "wc_reducer.py"],
        options: { combiner: "none" },
        ctx: { onAttemptFailed: (f) => failures.push(f) },
      },
    );
    expect(sortedOutput(result)).toBe(expected("word-count.txt"));
    const maps = result.tasks.filter((t) => t.kind === "map");
    expect(maps.every((t) => t.attempts === 2)).toBe(true);
    expect(failures).toHaveLength(maps.length);
    expect(failures[0]!.message).toMatch(/The mapper exited with status 2/);
    expect(failures[0]!.stderrTail).toMatch(/failing on purpose/);
  });

  it("fails the job with the stderr tail of a task that fails the same way twice, without a third attempt", async () => {
    const failures: AttemptFailureInfo[] = [];
    const { dir, inputs } = makeJobDir(DOCS, ["failing_mapper.py", "wc_reducer.py"]);
    const error = await runJobLocally(
      {
        jobId: "test",
        job: {
          kind: "user",
          mapper: "failing_mapper.py",
          reducer: "wc_reducer.py",
          combiner: null,
        },
        options: { reducers: 2, combiner: "none" },
        inputs,
      },
      dir,
      { plan: { chunkBytes: CHUNK }, onAttemptFailed: (f) => failures.push(f) },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    const e = error as TaskFailedError;
    expect(e.message).toMatch(
      /^Map task m-0000\d failed after 2 attempts: The mapper exited with status 3/,
    );
    expect(e.stderrTail).toMatch(/read line 0\n.*boom: cannot parse record 42$/s);
    expect(failures.filter((f) => f.taskId === e.taskId)).toHaveLength(2);
    // The task's log holds its stderr; intermediate and partial output are gone.
    expect(readdirSync(join(dir, "logs")).some((f) => f.startsWith(e.taskId))).toBe(true);
    expect(existsSync(join(dir, "work"))).toBe(false);
    expect(existsSync(join(dir, "output"))).toBe(false);
  });

  it("cancel stops running tasks within seconds and removes intermediate files", async () => {
    const { dir, inputs } = makeJobDir(DOCS, ["slow_mapper.py", "wc_reducer.py"]);
    const controller = new AbortController();
    const job = runJobLocally(
      {
        jobId: "test",
        job: { kind: "user", mapper: "slow_mapper.py", reducer: "wc_reducer.py", combiner: null },
        options: { reducers: 2, combiner: "none", taskTimeoutSeconds: 600 },
        inputs,
      },
      dir,
      {
        plan: { chunkBytes: CHUNK },
        engine: { concurrency: 2 },
        signal: controller.signal,
        onJobProgress: (p) => {
          if (p.map.running === 2) setTimeout(() => controller.abort(), 500);
        },
      },
    );
    const outcome = job.catch((e: unknown) => e);
    await new Promise<void>((resolve) =>
      controller.signal.addEventListener("abort", () => resolve()),
    );
    const abortedAt = Date.now();
    const error = await outcome;
    expect(error).toBeInstanceOf(CancelledError);
    // Promptly, not at the task timeout (minutes): a cap generous enough for a loaded machine.
    expect(Date.now() - abortedAt).toBeLessThan(30_000);
    expect(existsSync(join(dir, "work"))).toBe(false);
    expect(existsSync(join(dir, "output"))).toBe(false);
    if (process.getuid?.() === 0) {
      // No sandboxed process survives (the user exists only for the sandbox).
      const uid = sandboxUid();
      expect(liveProcesses().filter((p) => p.ours && p.uid === uid)).toEqual([]);
    }
  });
});
