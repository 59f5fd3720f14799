import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { emrConfigFromEnv, emrJobUris } from "./config";
import {
  buildStreamingStep,
  EMR_MAX_ARG_CHARS,
  EmrStepError,
  emrPrograms,
  streamingCommand,
  type StreamingStepSpec,
} from "./step";
import { streamingArgsProblem } from "./testing/emr-stand-in";

const P = "s3://stratus-jobs/emr/jobs/job1";
const wcUris = {
  "stratus_wc_mapper.py": `${P}/programs/stratus_wc_mapper.py`,
  "stratus_wc_reducer.py": `${P}/programs/stratus_wc_reducer.py`,
};
const base = { jobId: "job1", inputUris: [`${P}/input/`], outputUri: `${P}/output/` };

function args(spec: StreamingStepSpec): string[] {
  const step = buildStreamingStep(spec);
  expect(step.HadoopJarStep?.Jar).toBe("command-runner.jar");
  const a = step.HadoopJarStep?.Args ?? [];
  // Whatever we build, the stand-in (Hadoop's rules) must accept.
  expect(streamingArgsProblem(a)).toBeNull();
  return a;
}

describe("buildStreamingStep", () => {
  it("word count with its combiner: -files, then -D, then the streaming options", () => {
    const step = buildStreamingStep({
      ...base,
      job: { kind: "word-count" },
      options: { reducers: 4, combiner: "reducer" },
      programUris: wcUris,
    });
    expect(step).toEqual({
      Name: "Stratus MapReduce job1",
      ActionOnFailure: "CONTINUE",
      HadoopJarStep: {
        Jar: "command-runner.jar",
        Args: [
          "hadoop-streaming",
          "-files",
          `${P}/programs/stratus_wc_mapper.py#stratus_wc_mapper.py,${P}/programs/stratus_wc_reducer.py#stratus_wc_reducer.py`,
          "-D",
          "mapreduce.job.reduces=4",
          "-input",
          `${P}/input/`,
          "-output",
          `${P}/output/`,
          "-mapper",
          "python3 stratus_wc_mapper.py",
          "-combiner",
          "python3 stratus_wc_reducer.py",
          "-reducer",
          "python3 stratus_wc_reducer.py",
        ],
      },
    });
  });

  it("word count without a combiner has no -combiner", () => {
    const a = args({
      ...base,
      job: { kind: "word-count" },
      options: { reducers: 2, combiner: "none" },
      programUris: wcUris,
    });
    expect(a).not.toContain("-combiner");
    expect(a.slice(3, 5)).toEqual(["-D", "mapreduce.job.reduces=2"]);
    expect(a.slice(-4)).toEqual([
      "-mapper",
      "python3 stratus_wc_mapper.py",
      "-reducer",
      "python3 stratus_wc_reducer.py",
    ]);
  });

  it("inverted index ships its own combiner", () => {
    const programs = emrPrograms({ kind: "inverted-index" }, { combiner: "reducer" });
    expect(programs.files.map((f) => f.name)).toEqual([
      "stratus_ii_mapper.py",
      "stratus_ii_combiner.py",
      "stratus_ii_reducer.py",
    ]);
    for (const f of programs.files) {
      expect(f.source).toBe("builtin");
      if (f.source === "builtin") expect(readFileSync(f.path, "utf8")).toMatch(/^#!/);
    }
    const a = args({
      ...base,
      job: { kind: "inverted-index" },
      options: {},
      programUris: Object.fromEntries(programs.files.map((f) => [f.name, `${P}/p/${f.name}`])),
    });
    expect(a[a.indexOf("-combiner") + 1]).toBe("python3 stratus_ii_combiner.py");
  });

  it("a map-only user job runs with 0 reducers and no -reducer", () => {
    const a = args({
      ...base,
      inputUris: [`${P}/input/a.txt`, `${P}/input/b.txt`],
      job: { kind: "user", mapper: "grep_map.py", reducer: null, combiner: null },
      options: { reducers: 8, combiner: "none" },
      programUris: { "grep_map.py": `${P}/programs/grep_map.py` },
    });
    expect(a).toEqual([
      "hadoop-streaming",
      "-files",
      `${P}/programs/grep_map.py#grep_map.py`,
      "-D",
      "mapreduce.job.reduces=0",
      "-input",
      `${P}/input/a.txt`,
      "-input",
      `${P}/input/b.txt`,
      "-output",
      `${P}/output/`,
      "-mapper",
      "python3 grep_map.py",
    ]);
  });

  it("user Python programs with an uploaded combiner, shipped once each", () => {
    const a = args({
      ...base,
      job: { kind: "user", mapper: "mapper.py", reducer: "reducer.py", combiner: "combine.py" },
      options: { reducers: 3, combiner: "upload" },
      programUris: {
        "mapper.py": `${P}/programs/mapper.py`,
        "reducer.py": `${P}/programs/reducer.py`,
        "combine.py": `${P}/programs/combine.py`,
      },
    });
    expect(a.slice(1, 5)).toEqual([
      "-files",
      `${P}/programs/mapper.py#mapper.py,${P}/programs/combine.py#combine.py,${P}/programs/reducer.py#reducer.py`,
      "-D",
      "mapreduce.job.reduces=3",
    ]);
    expect(a.slice(-6)).toEqual([
      "-mapper",
      "python3 mapper.py",
      "-combiner",
      "python3 combine.py",
      "-reducer",
      "python3 reducer.py",
    ]);
    // combiner "reducer": the reducer file is shipped once and runs as both.
    const same = emrPrograms(
      { kind: "user", mapper: "mapper.py", reducer: "reducer.py", combiner: null },
      { combiner: "reducer" },
    );
    expect(same.files.map((f) => f.name)).toEqual(["mapper.py", "reducer.py"]);
    expect(same.combiner).toBe("reducer.py");
  });

  it("runs .py with python3, .js with node and anything else by its #! line", () => {
    expect(streamingCommand("m.py")).toBe("python3 m.py");
    expect(streamingCommand("m.js")).toBe("node m.js");
    expect(streamingCommand("m.mjs")).toBe("node m.mjs");
    expect(streamingCommand("count.sh")).toBe("./count.sh");
    expect(streamingCommand("mapper")).toBe("./mapper");
  });

  it("refuses an argument longer than EMR's 10,240 characters", () => {
    const long = `${P}/input/${"x".repeat(EMR_MAX_ARG_CHARS)}`;
    const build = () =>
      buildStreamingStep({
        ...base,
        inputUris: [long],
        job: { kind: "word-count" },
        options: {},
        programUris: wcUris,
      });
    expect(build).toThrow(EmrStepError);
    expect(build).toThrow(/at most 10,240 per argument/);
    // Just under the limit is fine.
    const fits = `${P}/input/${"x".repeat(EMR_MAX_ARG_CHARS - `${P}/input/`.length)}`;
    expect(fits).toHaveLength(EMR_MAX_ARG_CHARS);
    expect(() =>
      buildStreamingStep({
        ...base,
        inputUris: [fits],
        job: { kind: "word-count" },
        options: {},
        programUris: wcUris,
      }),
    ).not.toThrow();
  });

  it("refuses built-ins that have no EMR programs, and bad locations", () => {
    expect(() => emrPrograms({ kind: "grep", pattern: "a+", ignoreCase: false }, {})).toThrow(
      /Grep cannot run on Amazon EMR yet: only word count and inverted index/,
    );
    expect(() => emrPrograms({ kind: "top-n", n: 3 }, {})).toThrow(EmrStepError);
    const wc = { ...base, job: { kind: "word-count" as const }, options: {} };
    expect(() => buildStreamingStep({ ...wc, programUris: {} })).toThrow(
      /No S3 location was given for the program stratus_wc_mapper.py/,
    );
    expect(() =>
      buildStreamingStep({ ...wc, programUris: wcUris, inputUris: [`${P}/a,b`] }),
    ).toThrow(/comma/);
    expect(() => buildStreamingStep({ ...wc, programUris: wcUris, outputUri: "/tmp/out" })).toThrow(
      /not an s3:\/\/bucket\/key URI/,
    );
    expect(() =>
      buildStreamingStep({ ...wc, programUris: wcUris, options: { combiner: "upload" } }),
    ).toThrow(/own combiner/);
  });
});

describe("EMR built-in programs", () => {
  const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
  const programs = fileURLToPath(new URL("./programs/", import.meta.url));
  const sort = "LC_ALL=C sort -t \"$(printf '\\t')\" -k1,1";

  function pipeline(stages: string): string {
    const r = spawnSync("bash", ["--norc", "--noprofile", "-o", "pipefail", "-c", stages], {
      cwd: programs,
      // A clean environment, as tasks get on the cluster.
      env: { PATH: "/usr/bin:/bin", NODE_ENV: "test" },
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    return r.stdout;
  }

  // The streaming contract, as Hadoop runs it: map, sort by key, (combine, sort), reduce.
  it.each([
    ["word count", "wc", "stratus_wc_reducer.py", "word-count.txt"],
    ["inverted index", "ii", "stratus_ii_combiner.py", "inverted-index.txt"],
  ])(
    "%s gives the local built-in's expected output, with and without the combiner",
    (_, k, combiner, expected) => {
      const want = readFileSync(`${fixtures}expected/${expected}`, "utf8");
      const map = `python3 stratus_${k}_mapper.py < ${fixtures}docs.tsv | ${sort}`;
      const reduce = `python3 stratus_${k}_reducer.py`;
      expect(pipeline(`${map} | ${reduce}`)).toBe(want);
      expect(pipeline(`${map} | python3 ${combiner} | ${sort} | ${reduce}`)).toBe(want);
      // Hadoop may combine the combiner's own output again.
      expect(
        pipeline(
          `${map} | python3 ${combiner} | ${sort} | python3 ${combiner} | ${sort} | ${reduce}`,
        ),
      ).toBe(want);
    },
  );
});

describe("emrConfigFromEnv", () => {
  it("is null when EMR is not configured, and fills the defaults when it is", () => {
    expect(emrConfigFromEnv({})).toBeNull();
    expect(emrConfigFromEnv({ EMR_REGION: "", EMR_S3_PREFIX: "" })).toBeNull();
    const c = emrConfigFromEnv({ EMR_REGION: "eu-west-1", EMR_S3_PREFIX: "s3://b-1/emr/" });
    expect(c).toEqual({
      region: "eu-west-1",
      s3Prefix: "s3://b-1/emr",
      clusterId: undefined,
      releaseLabel: "emr-7.5.0",
      instanceType: "m5.xlarge",
      instanceCount: 3,
      jobFlowRole: "EMR_EC2_DefaultRole",
      serviceRole: "EMR_DefaultRole",
      logUri: "s3://b-1/emr/logs/",
      stepRoleArn: undefined,
      uploadedPrograms: "refuse",
      endpoint: undefined,
      credentials: undefined,
    });
    expect(emrJobUris(c!, "j7")).toMatchObject({
      input: "s3://b-1/emr/jobs/j7/input/",
      output: "s3://b-1/emr/jobs/j7/output/",
    });
  });

  it("explains every wrong or missing setting", () => {
    expect(() => emrConfigFromEnv({ EMR_REGION: "eu-west-1" })).toThrow(/EMR_S3_PREFIX is not set/);
    expect(() =>
      emrConfigFromEnv({
        EMR_REGION: "Ireland",
        EMR_S3_PREFIX: "bucket/x",
        EMR_CLUSTER_ID: "cluster-1",
        EMR_INSTANCE_COUNT: "0",
        EMR_ACCESS_KEY_ID: "AKID",
      }),
    ).toThrow(
      /EMR_REGION is not an AWS region[\s\S]*EMR_S3_PREFIX must look like s3:\/\/bucket\/prefix[\s\S]*EMR_CLUSTER_ID is not a cluster id[\s\S]*EMR_INSTANCE_COUNT is at least 1[\s\S]*set both EMR_ACCESS_KEY_ID and EMR_SECRET_ACCESS_KEY/,
    );
  });
});
