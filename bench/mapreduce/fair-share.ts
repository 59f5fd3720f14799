// npm run bench:mapreduce:fair-share — user B's word count (built-in, ~8 MB) on a worker whose
// slots user A fills with three jobs of sleeping mappers (12 tasks, each holding its slot for
// BENCH_HOLD_SECONDS, no CPU): B's wall time alone and under A's jobs, with the fair share on
// (the default: A holds at most half the slots) and off (STRATUS_LIMIT_MAPREDUCE_TASKS_PER_USER
// = the pool size: free slots still go round-robin, but A may hold them all). Sides interleave
// round by round; each ratio is B under A / B alone of the same round. Goal: ≤ 2× with the fair
// share on. Load average (1 min) is printed beside each figure: the machine is shared.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { CancelledError, warmEngine } from "@/lib/mapreduce/engine";
import { runJobLocally } from "@/lib/mapreduce/run-local";
import { readFileSync } from "node:fs";
import { fixture } from "@/lib/mapreduce/test-helpers";

const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const HOLD = Number(process.env.BENCH_HOLD_SECONDS ?? 20);
const SLOTS = Number(process.env.MAPREDUCE_PARALLEL_TASKS ?? availableParallelism());
const engine = { concurrency: SLOTS };
const root = mkdtempSync(join(tmpdir(), "stratus-fair-bench-"));

function jobDir(name: string, input: string | Buffer, program?: [string, string]) {
  const dir = join(root, `${name}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(join(dir, "inputs"), { recursive: true });
  mkdirSync(join(dir, "programs"));
  writeFileSync(join(dir, "inputs", "in.txt"), input);
  if (program) writeFileSync(join(dir, "programs", program[0]), program[1]);
  return { dir, inputs: [{ path: "inputs/in.txt", name: "in.txt", side: "left" as const }] };
}

const corpus = Buffer.concat(
  Array.from({ length: 40_000 }, () => readFileSync(fixture("docs.tsv"))),
);

async function bJob(): Promise<number> {
  const { dir, inputs } = jobDir("b", corpus);
  const started = performance.now();
  await runJobLocally(
    { jobId: "b", job: { kind: "word-count" }, options: { reducers: 2 }, inputs },
    dir,
    { engine, owner: "user-b", plan: { chunkBytes: 1024 * 1024 } },
  );
  rmSync(dir, { recursive: true, force: true });
  return performance.now() - started;
}

/** A's three jobs of four sleeping map tasks each; resolves once A holds what it may. */
async function startA(signal: AbortSignal) {
  let started = 0;
  const lines = Array.from({ length: 4 }, (_, i) => `line ${i}\n`.repeat(20)).join("");
  const jobs = [0, 1, 2].map((i) => {
    const { dir, inputs } = jobDir(`a${i}`, lines, [
      "hold.py",
      `import sys, time\nsys.stdin.read()\ntime.sleep(${HOLD})\n`,
    ]);
    return runJobLocally(
      {
        jobId: `a${i}`,
        job: { kind: "user", mapper: "hold.py", reducer: null, combiner: null },
        options: { combiner: "none", taskTimeoutSeconds: HOLD + 60 },
        inputs,
      },
      dir,
      {
        engine,
        owner: "user-a",
        signal,
        maxAttempts: 1,
        plan: { chunkBytes: 40 },
        onStart: async () => {
          started++;
        },
      },
    ).catch((e: unknown) => (e instanceof CancelledError ? null : Promise.reject(e)));
  });
  const want = Math.min(SLOTS, limitFor());
  while (started < want) await new Promise((r) => setTimeout(r, 50));
  return jobs;
}

const limitFor = () =>
  Number(process.env.STRATUS_LIMIT_MAPREDUCE_TASKS_PER_USER ?? Math.ceil(SLOTS / 2));

async function round(fair: boolean) {
  if (fair) delete process.env.STRATUS_LIMIT_MAPREDUCE_TASKS_PER_USER;
  else process.env.STRATUS_LIMIT_MAPREDUCE_TASKS_PER_USER = String(SLOTS);
  const alone = await bJob();
  const stop = new AbortController();
  const a = await startA(stop.signal);
  const underA = await bJob();
  stop.abort();
  await Promise.all(a);
  return { alone, underA, load: loadavg()[0]! };
}

warmEngine(engine);
console.log(
  `B: word count of ${(corpus.length / 1e6).toFixed(1)} MB; A: 3 jobs × 4 tasks holding a slot ${HOLD} s each; ${SLOTS} slots`,
);
// The task threads load their sources on first use: one unmeasured run first.
await bJob();
const rows: string[] = [];
for (let r = 1; r <= RUNS; r++) {
  for (const fair of [true, false]) {
    const { alone, underA, load } = await round(fair);
    const ratio = underA / alone;
    const mark = fair ? (ratio <= 2 ? " ✓" : " ✗") : "";
    rows.push(
      `| ${r} | ${fair ? "on (default)" : "off"} | ${(alone / 1000).toFixed(2)} s | ${(underA / 1000).toFixed(2)} s | ${ratio.toFixed(2)}×${mark} | ${load.toFixed(1)} |`,
    );
    console.log(rows.at(-1));
  }
}
console.log("\n| round | fair share | B alone | B under A's jobs | ratio (goal ≤ 2×) | load |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const row of rows) console.log(row);
rmSync(root, { recursive: true, force: true });
process.exit(0);
