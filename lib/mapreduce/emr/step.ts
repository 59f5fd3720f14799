// The EMR step of a job: `command-runner.jar hadoop-streaming -files … -D mapreduce.job.reduces=R
// -input … -output … -mapper … [-combiner …] [-reducer …]` (see docs/mapreduce.md).
// Generic options (-files, -D) must precede the streaming ones or Hadoop rejects the step.
import { fileURLToPath } from "node:url";
import type { StepConfig } from "@aws-sdk/client-emr";
import { BUILTIN_DOCS } from "../catalog";
import { JobOptions, JobSpec, type BuiltinKind } from "../schemas";
import { S3_URI } from "./config";
import { UserFacingError } from "@/lib/server/errors";

/** EMR's limit on each string of a step (Args entries, Jar, Name…). */
export const EMR_MAX_ARG_CHARS = 10_240;
const EMR_MAX_STEP_NAME_CHARS = 256;

/** EMR cannot run the job as given (a built-in it lacks, a bad S3 URI…); shown to the owner. */
export class EmrStepError extends UserFacingError {}

/** Built-ins that EMR runs as the Python programs in ./programs; the others are refused there. */
const EMR_BUILTINS: Partial<
  Record<BuiltinKind, { mapper: string; combiner: string; reducer: string }>
> = {
  "word-count": {
    mapper: "stratus_wc_mapper.py",
    combiner: "stratus_wc_reducer.py",
    reducer: "stratus_wc_reducer.py",
  },
  "inverted-index": {
    mapper: "stratus_ii_mapper.py",
    combiner: "stratus_ii_combiner.py",
    reducer: "stratus_ii_reducer.py",
  },
};

export const EMR_SUPPORTED_BUILTINS = Object.keys(EMR_BUILTINS) as BuiltinKind[];

/** A program the step ships with -files; the caller uploads it to S3 before submitting. */
export type EmrProgramFile =
  | {
      name: string;
      source: "builtin";
      /** Absolute path of the script in this repository. */ path: string;
    }
  | { name: string; source: "user" };

export interface EmrPrograms {
  mapper: string;
  combiner: string | null;
  /** null: a map-only job (mapreduce.job.reduces=0). */
  reducer: string | null;
  /** Each distinct file once, in -files order. */
  files: EmrProgramFile[];
}

/** Which programs a job runs on EMR; throws EmrStepError for a built-in EMR cannot run. */
export function emrPrograms(jobInput: JobSpec, optionsInput: Partial<JobOptions>): EmrPrograms {
  const job = JobSpec.parse(jobInput);
  const options = JobOptions.parse(optionsInput);
  let mapper: string;
  let combiner: string | null;
  let reducer: string | null;
  let source: "builtin" | "user";
  if (job.kind === "user") {
    source = "user";
    mapper = job.mapper;
    reducer = job.reducer;
    if (reducer === null || options.combiner === "none") combiner = null;
    else if (options.combiner === "reducer") combiner = reducer;
    else if (job.combiner) combiner = job.combiner;
    else throw new EmrStepError("Upload a combiner program, or choose another combiner option.");
    if (reducer === null && options.combiner !== "none") {
      throw new EmrStepError("A map-only job (no reducer) has no combiner.");
    }
  } else {
    const builtin = EMR_BUILTINS[job.kind];
    if (!builtin) {
      const supported = EMR_SUPPORTED_BUILTINS.map((k) => BUILTIN_DOCS[k].title.toLowerCase());
      throw new EmrStepError(
        `${BUILTIN_DOCS[job.kind].title} cannot run on Amazon EMR yet: only ${supported.join(" and ")} have streaming programs for EMR. Run it on Stratus's own engine, or upload your own mapper and reducer.`,
      );
    }
    if (options.combiner === "upload") {
      throw new EmrStepError(
        "Built-in jobs use their own combiner: choose none or same as reducer.",
      );
    }
    source = "builtin";
    mapper = builtin.mapper;
    reducer = builtin.reducer;
    combiner = options.combiner === "none" ? null : builtin.combiner;
  }
  const names = [...new Set([mapper, combiner, reducer].filter((n): n is string => n !== null))];
  const files: EmrProgramFile[] = names.map((name) =>
    source === "builtin"
      ? { name, source, path: fileURLToPath(new URL(`./programs/${name}`, import.meta.url)) }
      : { name, source },
  );
  return { mapper, combiner, reducer, files };
}

/**
 * The command line a task runs, as Hadoop streaming's -mapper takes it: the same rule as the local
 * engine's programInfo — .py through python3, .js/.mjs/.cjs through node (which EMR nodes only
 * have when a bootstrap action installs it), anything else run directly for its #! line.
 */
export function streamingCommand(file: string): string {
  const ext = /\.[^.]*$/.exec(file)?.[0]?.toLowerCase() ?? "";
  if (ext === ".py") return `python3 ${file}`;
  if (ext === ".js" || ext === ".mjs" || ext === ".cjs") return `node ${file}`;
  return `./${file}`;
}

export interface StreamingStepSpec {
  /** The Stratus job id; the step is named after it. */
  jobId: string;
  job: JobSpec;
  options: Partial<JobOptions>;
  /** Where the caller wrote each program of emrPrograms(job, options).files: name → s3:// URI. */
  programUris: Readonly<Record<string, string>>;
  /** s3:// URIs of input files or folders; each becomes one -input. */
  inputUris: readonly string[];
  /** s3:// folder for the part files; it must not exist yet. */
  outputUri: string;
}

function checkS3Uri(what: string, uri: string): void {
  if (!S3_URI.test(uri) || /\s/.test(uri)) {
    throw new EmrStepError(`The ${what} ${JSON.stringify(uri)} is not an s3://bucket/key URI.`);
  }
  // Hadoop splits -input and -files on commas, and -files uses # for the link name.
  if (uri.includes(",") || uri.includes("#")) {
    throw new EmrStepError(`The ${what} ${uri} contains a comma or #, which Hadoop would split.`);
  }
}

/** The step for AddJobFlowSteps or RunJobFlow. Throws EmrStepError when EMR could not take it. */
export function buildStreamingStep(spec: StreamingStepSpec): StepConfig {
  const options = JobOptions.parse(spec.options);
  const programs = emrPrograms(spec.job, options);
  const fileArgs = programs.files.map(({ name }) => {
    const uri = spec.programUris[name];
    if (uri === undefined)
      throw new EmrStepError(`No S3 location was given for the program ${name}.`);
    checkS3Uri(`location of ${name}`, uri);
    return `${uri}#${name}`;
  });
  if (spec.inputUris.length === 0) throw new EmrStepError("Choose at least one input file.");
  for (const uri of spec.inputUris) checkS3Uri("input", uri);
  checkS3Uri("output folder", spec.outputUri);

  const reduces = programs.reducer === null ? 0 : options.reducers;
  const args = [
    "hadoop-streaming",
    "-files",
    fileArgs.join(","),
    "-D",
    `mapreduce.job.reduces=${reduces}`,
    ...spec.inputUris.flatMap((uri) => ["-input", uri]),
    "-output",
    spec.outputUri,
    "-mapper",
    streamingCommand(programs.mapper),
    ...(programs.combiner === null ? [] : ["-combiner", streamingCommand(programs.combiner)]),
    ...(programs.reducer === null ? [] : ["-reducer", streamingCommand(programs.reducer)]),
  ];
  for (const arg of args) {
    if (arg.length > EMR_MAX_ARG_CHARS) {
      throw new EmrStepError(
        `A step argument is ${arg.length.toLocaleString("en-US")} characters long (${arg.slice(0, 60)}…); EMR accepts at most ${EMR_MAX_ARG_CHARS.toLocaleString("en-US")} per argument. Use shorter S3 locations or fewer input paths (a folder counts as one).`,
      );
    }
  }
  const name = `Stratus MapReduce ${spec.jobId}`;
  if (name.length > EMR_MAX_STEP_NAME_CHARS)
    throw new EmrStepError("The job id is too long for EMR.");
  return {
    Name: name,
    // A failed step must not take a shared cluster down; a transient one ends anyway when its
    // only step is done (KeepJobFlowAliveWhenNoSteps: false).
    ActionOnFailure: "CONTINUE",
    HadoopJarStep: { Jar: "command-runner.jar", Args: args },
  };
}
