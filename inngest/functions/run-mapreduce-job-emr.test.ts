import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { countFileRows, fileRow, makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { startAppExecutor, stubAppClientEnv } from "@/lib/executor/testing/app-rig";
import { resetExecutorTables, testKeys } from "@/lib/executor/testing/harness";
import { putImage, readObject, waitForJob } from "@/lib/images/testing/fixtures";
import { EmrStandIn, type StandInStep } from "@/lib/mapreduce/emr/testing/emr-stand-in";
import { expected, fixture } from "@/lib/mapreduce/test-helpers";
import { deletePrefix, listPrefix } from "@/lib/storage/objects";
import { putDirect } from "@/lib/storage/test-helpers";

// A job with target EMR through the real executor: the function stages the programs and the
// input in S3 (here the local store, which checks signatures), submits the streaming step to the
// EMR stand-in, polls it, and collects the part files. The test plays the cluster: it runs the
// staged programs on the staged input, as Hadoop streaming would, and writes the part file.

const keys = testKeys();
const bucket = process.env.S3_BUCKET!;
const prefix = `s3://${bucket}/emr-test-${process.pid}`;
const s3Keys = {
  accessKeyId: process.env.S3_ACCESS_KEY_ID!,
  secretAccessKey: process.env.S3_SECRET_ACCESS_KEY!,
};
const standIn = await EmrStandIn.start({ region: "eu-west-1", ...s3Keys });
const eventPort = await stubAppClientEnv(keys);
vi.stubEnv("EMR_REGION", "eu-west-1");
vi.stubEnv("EMR_S3_PREFIX", prefix);
vi.stubEnv("EMR_ENDPOINT", standIn.endpoint);
vi.stubEnv("EMR_ACCESS_KEY_ID", s3Keys.accessKeyId);
vi.stubEnv("EMR_SECRET_ACCESS_KEY", s3Keys.secretAccessKey);
vi.stubEnv("EMR_S3_ENDPOINT", process.env.S3_ENDPOINT!);
vi.stubEnv("EMR_POLL_SECONDS", "1");
vi.stubEnv("MAPREDUCE_WORK_DIR", `/tmp/stratus-mr-emr-${process.pid}`);
const { inngest } = await import("@/lib/events/client");
const { runMapReduceJob } = await import("./run-mapreduce-job");
const { cleanUpMapReduceJob } = await import("./clean-up-mapreduce-job");
const { recipeFromInput, startMapReduceJob } = await import("@/lib/mapreduce/submit");
const { getMapReduceJob } = await import("@/lib/mapreduce/store");
const { cancelJob } = await import("@/lib/jobs/cancel");
const { jobDirOf } = await import("@/lib/mapreduce/execute");
const { partFileOf } = await import("@/lib/mapreduce/emr/run-steps");

let rig: Awaited<ReturnType<typeof startAppExecutor>>;
let alice = "";
beforeAll(async () => {
  await resetExecutorTables();
  rig = await startAppExecutor(inngest, [runMapReduceJob, cleanUpMapReduceJob], keys, eventPort);
  alice = await makeUser();
});
afterAll(async () => {
  await rig?.stop();
  await standIn.close();
  await deletePrefix(`emr-test-${process.pid}/`);
  await removeUsers(alice);
  vi.unstubAllEnvs();
});

const keyOf = (uri: string) => uri.replace(`s3://${bucket}/`, "");

async function submit(form: Record<string, unknown>) {
  const r = await recipeFromInput(alice, form);
  if (!r.ok) throw new Error(`form refused: ${JSON.stringify(r.errors)}`);
  const started = await startMapReduceJob(alice, r.recipe);
  return started.jobId!;
}

/** The job's step, once the function has submitted it (steps are named after their job). */
async function submittedStep(jobId: string): Promise<StandInStep> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const step = [...standIn.clusters.values()]
      .flatMap((c) => c.steps)
      .find((s) => s.config.Name === `Stratus MapReduce ${jobId}`);
    if (step) return step;
    if (Date.now() > deadline) throw new Error("no step was submitted");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs the step's staged programs on its staged input with a shell pipeline, like one reducer. */
async function playCluster(step: StandInStep) {
  const args = step.config.HadoopJarStep.Args;
  const arg = (flag: string) => args[args.indexOf(flag) + 1]!;
  const dir = mkdtempSync(join(tmpdir(), "emr-cluster-"));
  try {
    for (const spec of arg("-files").split(",")) {
      const [uri, name] = spec.split("#");
      writeFileSync(join(dir, name!), await readObject(keyOf(uri!)));
    }
    const input = await readObject(keyOf(arg("-input")));
    writeFileSync(join(dir, "input"), input);
    const out = execFileSync(
      "bash",
      ["-c", `cat input | ${arg("-mapper")} | LC_ALL=C sort | ${arg("-reducer")}`],
      { cwd: dir, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NODE_ENV: "test" } },
    );
    await putDirect(`${keyOf(arg("-output"))}part-00000`, out, "text/plain");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("run-mapreduce-job on EMR", () => {
  it("stages, submits, polls and collects a word count", async () => {
    const input = await putImage(
      alice,
      "docs.tsv",
      readFileSync(fixture("docs.tsv")),
      "text/plain",
    );
    standIn.planNextStep([
      { state: "PENDING" },
      { state: "RUNNING" },
      { state: "RUNNING" },
      { state: "RUNNING" },
      { state: "COMPLETED" },
    ]);
    const jobId = await submit({
      name: "On the cluster",
      kind: "word-count",
      inputs: [input.id],
      target: "emr",
      reducers: "1",
    });
    const step = await submittedStep(jobId);
    const args = step.config.HadoopJarStep.Args;
    expect(args.slice(0, 2)).toEqual(["hadoop-streaming", "-files"]);
    expect(args[2]).toContain(`${prefix}/jobs/${jobId}/programs/stratus_wc_mapper.py#`);
    expect(args).toContain(`${prefix}/jobs/${jobId}/output/`);
    await playCluster(step);

    const done = await waitForJob(jobId, 60_000);
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ status: "succeeded", progress: 100 });
    const job = await getMapReduceJob(alice, jobId);
    expect(job!.outputs).toHaveLength(1);
    expect(job!.outputs![0]!.records).toBe(expected("word-count.txt").split("\n").length - 1);
    const file = await fileRow(job!.outputs![0]!.fileId);
    expect((await readObject(file.storageKey)).toString("latin1")).toBe(expected("word-count.txt"));
    expect(JSON.parse(job!.emr!)).toMatchObject({ stepId: step.id, transient: true });
    // The staged copies (outside the owner's quota) and the step's output are gone.
    const left: string[] = [];
    for await (const o of listPrefix(keyOf(`${prefix}/jobs/${jobId}/`))) left.push(o.key);
    expect(left).toEqual([]);
  });

  it("names a key a part file only when it is one of the job's, directly under its output", () => {
    const out = "emr/jobs/j1/output/";
    expect(partFileOf(out, `${out}part-00000`, 2)).toBe("part-00000");
    expect(partFileOf(out, `${out}part-00001`, 2)).toBe("part-00001");
    expect(partFileOf(out, `${out}part-00002`, 2)).toBeNull(); // more parts than reducers
    expect(partFileOf(out, `${out}part-00007`, null)).toBe("part-00007"); // map-only
    for (const key of [
      `${out}../../j2/output/part-00000`,
      `${out}part-00000/../../../j2/part-00000`,
      `${out}../part-00000`,
      `${out}sub/part-00000`,
      `${out}part-00000.tmp`,
      `${out}part-0000`,
      `${out}_SUCCESS`,
      "emr/jobs/j1x/output/part-00000",
      "emr/jobs/j2/output/part-00000",
    ]) {
      expect(partFileOf(out, key, 2), key).toBeNull();
    }
    // A prefix without its slash would take j10's keys for j1's.
    expect(partFileOf("emr/jobs/j1", "emr/jobs/j10/output/part-00000", null)).toBeNull();
  });

  it("collects only this job's own part files: planted keys are left alone", async () => {
    const input = await putImage(alice, "p.tsv", readFileSync(fixture("docs.tsv")), "text/plain");
    standIn.planNextStep([{ state: "PENDING" }, { state: "RUNNING" }, { state: "COMPLETED" }]);
    const jobId = await submit({
      kind: "word-count",
      inputs: [input.id],
      target: "emr",
      reducers: "1",
    });
    const step = await submittedStep(jobId);
    const out = keyOf(`${prefix}/jobs/${jobId}/output/`);
    await playCluster(step);
    // What a mapper on the shared role could write: more parts than the job has reducers, keys
    // that climb out of the prefix (on the way to the local store "../" is resolved, so
    // these land beside the output prefix), parts under another job's prefix, a subfolder,
    // and Hadoop's marker.
    const planted = "planted\t999999\n";
    await putDirect(`${out}part-00001`, planted, "text/plain");
    await putDirect(`${out}part-00000/../../other/part-00000`, planted, "text/plain");
    await putDirect(`${out}../../${jobId}x/output/part-00000`, planted, "text/plain");
    await putDirect(`${out}sub/part-00002`, planted, "text/plain");
    await putDirect(
      keyOf(`${prefix}/jobs/${jobId}-other/output/part-00003`),
      planted,
      "text/plain",
    );
    await putDirect(`${out}_SUCCESS`, "", "text/plain");

    const done = await waitForJob(jobId, 60_000);
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    const job = await getMapReduceJob(alice, jobId);
    expect(job!.outputs!.map((o) => o.name)).toEqual(["part-00000"]);
    const file = await fileRow(job!.outputs![0]!.fileId);
    expect((await readObject(file.storageKey)).toString("latin1")).toBe(expected("word-count.txt"));
  });

  it("fails, saving nothing, when the step's part files are larger than one job may write", async () => {
    process.env.MAPREDUCE_JOB_OUTPUT_BYTES = "4096";
    try {
      const input = await putImage(alice, "o.tsv", readFileSync(fixture("docs.tsv")), "text/plain");
      standIn.planNextStep([{ state: "PENDING" }, { state: "RUNNING" }, { state: "COMPLETED" }]);
      const jobId = await submit({
        kind: "word-count",
        inputs: [input.id],
        target: "emr",
        reducers: "2",
      });
      const step = await submittedStep(jobId);
      await playCluster(step);
      // A second part, as big as the limit: together they are over it.
      await putDirect(
        `${keyOf(`${prefix}/jobs/${jobId}/output/`)}part-00001`,
        "x".repeat(4096),
        "text/plain",
      );
      const filesBefore = await countFileRows({ ownerId: alice });
      const done = await waitForJob(jobId, 60_000);
      expect(done.status).toBe("failed");
      expect(done.error).toMatch(
        /^The EMR step's results are larger than 4 KB \(4\.\d+ KB\), the most one job may produce\. Nothing was saved\.$/,
      );
      expect(await countFileRows({ ownerId: alice })).toBe(filesBefore);
      expect(existsSync(jobDirOf(jobId))).toBe(false);
    } finally {
      delete process.env.MAPREDUCE_JOB_OUTPUT_BYTES;
    }
  });

  it("refuses uploaded programs on the cluster's shared role, with the reason", async () => {
    const input = await putImage(alice, "d.tsv", readFileSync(fixture("docs.tsv")), "text/plain");
    const program = (name: string) =>
      putImage(alice, name, readFileSync(fixture("programs", name)), "text/x-python");
    const mapper = await program("wc_mapper.py");
    const reducer = await program("wc_reducer.py");
    const before = await db.job.count({ where: { ownerId: alice } });
    const r = await recipeFromInput(alice, {
      kind: "user",
      inputs: [input.id],
      mapper: mapper.id,
      reducer: reducer.id,
      combiner: "none",
      target: "emr",
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.target).toEqual([
        "Uploaded programs do not run on Amazon EMR on this server: its cluster runs every user's programs with one role that can read all users' job files. Run this job on this server, where each task has a sandbox of its own.",
      ]);
    }
    expect(await db.job.count({ where: { ownerId: alice } })).toBe(before);
  });

  it("fails with EMR's reason when the step fails", async () => {
    const input = await putImage(alice, "d.tsv", readFileSync(fixture("docs.tsv")), "text/plain");
    standIn.planNextStep([
      { state: "PENDING" },
      {
        state: "FAILED",
        failureDetails: {
          Reason: "Streaming Command Failed!",
          LogFile: "s3://logs/step/stderr.gz",
        },
      },
    ]);
    const jobId = await submit({ kind: "word-count", inputs: [input.id], target: "emr" });
    const done = await waitForJob(jobId, 60_000);
    expect(done.status).toBe("failed");
    expect(done.error).toContain("Streaming Command Failed!");
    expect(done.error).toContain("s3://logs/step/stderr.gz");
  });

  it("cancels the EMR step (and its transient cluster) when the owner cancels", async () => {
    const input = await putImage(alice, "e.tsv", readFileSync(fixture("docs.tsv")), "text/plain");
    standIn.planNextStep([{ state: "PENDING" }, ...Array(60).fill({ state: "RUNNING" })]);
    const jobId = await submit({ kind: "word-count", inputs: [input.id], target: "emr" });
    const step = await submittedStep(jobId);
    const deadline = Date.now() + 20_000;
    while (!(await getMapReduceJob(alice, jobId))?.emr && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await cancelJob(alice, jobId)).toBe(true);
    const stopBy = Date.now() + 20_000;
    while (!standIn.step(step.id)?.cancelled && Date.now() < stopBy) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(standIn.step(step.id)?.cancelled).toBe(true);
    expect(standIn.calls.map((c) => c.operation)).toContain("TerminateJobFlows");
    // Then the staged copies go (the clean-up function removes them after the cancel).
    const staged = async () => {
      const left: string[] = [];
      for await (const o of listPrefix(keyOf(`${prefix}/jobs/${jobId}/`))) left.push(o.key);
      return left;
    };
    const goneBy = Date.now() + 20_000;
    while ((await staged()).length > 0 && Date.now() < goneBy) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await staged()).toEqual([]);
  });
});
