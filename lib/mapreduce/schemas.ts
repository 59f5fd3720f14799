// Job definitions that the form, the Inngest function and the engine share. Everything here is
// plain JSON so that plans and task specs can travel through Inngest step outputs.
import { z } from "zod";
import { userRegexError } from "./user-regex";

/** The longest per-task timeout a job may ask for (config.ts sizes the step requests from it). */
export const MAX_TASK_TIMEOUT_SECONDS = 3600;

export const COMBINER_MODES = ["none", "reducer", "upload"] as const;
export type CombinerMode = (typeof COMBINER_MODES)[number];

/** A program file name as the user uploaded it: the same name must work with `hadoop -files`. */
export const ProgramName = z
  .string()
  .trim()
  .min(1, "Choose a program file.")
  .max(120, "Program file names are at most 120 characters.")
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    "Program file names may use letters, digits, dots, dashes and underscores only.",
  );

const Column = z.coerce
  .number({ error: "Enter a column number." })
  .int("Columns are whole numbers.")
  .min(1, "Columns are numbered from 1.")
  .max(1000, "Columns are numbered up to 1000.");

export const Separator = z
  .string()
  .min(1, "Enter a separator.")
  .max(8, "A separator is at most 8 characters.")
  .refine((s) => !s.includes("\n"), "A separator cannot contain a line break.");

export const RegexSource = z
  .string()
  .min(1, "Enter a regular expression.")
  .max(1000, "A regular expression is at most 1000 characters.")
  .superRefine((source, ctx) => {
    const message = userRegexError(source);
    if (message) ctx.addIssue({ code: "custom", message });
  });

export const WordCountJob = z.object({ kind: z.literal("word-count") });
export const InvertedIndexJob = z.object({ kind: z.literal("inverted-index") });
export const GrepJob = z.object({
  kind: z.literal("grep"),
  pattern: RegexSource,
  ignoreCase: z.boolean().default(false),
});
export const TopNJob = z.object({
  kind: z.literal("top-n"),
  n: z.coerce
    .number({ error: "Enter how many words to keep." })
    .int("N is a whole number.")
    .min(1, "N is at least 1.")
    .max(10_000, "N is at most 10,000.")
    .default(10),
});
export const DistinctJob = z.object({
  kind: z.literal("distinct"),
  column: Column,
  separator: Separator.default("\t"),
});
export const JoinJob = z.object({
  kind: z.literal("join"),
  leftColumn: Column,
  rightColumn: Column,
  separator: Separator.default("\t"),
});

export const UserJob = z.object({
  kind: z.literal("user"),
  mapper: ProgramName,
  /** null: a map-only job, the mapper's output is the result (Hadoop's reduces=0). */
  reducer: ProgramName.nullable(),
  /** Used when the options' combiner is "upload". */
  combiner: ProgramName.nullable().default(null),
});

export const BuiltinJobSpec = z.discriminatedUnion("kind", [
  WordCountJob,
  InvertedIndexJob,
  GrepJob,
  TopNJob,
  DistinctJob,
  JoinJob,
]);
export type BuiltinJobSpec = z.infer<typeof BuiltinJobSpec>;
export type BuiltinKind = BuiltinJobSpec["kind"];

export const JobSpec = z.discriminatedUnion("kind", [
  WordCountJob,
  InvertedIndexJob,
  GrepJob,
  TopNJob,
  DistinctJob,
  JoinJob,
  UserJob,
]);
export type JobSpec = z.infer<typeof JobSpec>;
export type UserJob = z.infer<typeof UserJob>;

export const JobOptions = z.object({
  reducers: z.coerce
    .number({ error: "Enter the number of reducers." })
    .int("The number of reducers is a whole number.")
    .min(1, "Use at least one reducer.")
    .max(64, "Use at most 64 reducers.")
    .default(2),
  /**
   * none: no combiner. reducer: the reducer also runs as the combiner (built-in jobs: their own
   * combiner). upload: a separately uploaded combiner program (user jobs only).
   */
  combiner: z.enum(COMBINER_MODES).default("reducer"),
  taskTimeoutSeconds: z.coerce
    .number({ error: "Enter a timeout in seconds." })
    .int("The timeout is a whole number of seconds.")
    .min(1, "The timeout is at least 1 second.")
    // A task holds a slot of the shared worker while it runs: one user's slow tasks must not
    // keep others' jobs waiting for a day.
    .max(MAX_TASK_TIMEOUT_SECONDS, "The timeout is at most 1 hour (3600 seconds).")
    .default(600),
});
export type JobOptions = z.infer<typeof JobOptions>;

/** A file inside the job directory, already downloaded by the caller. */
export const JobInput = z.object({
  /** Path relative to the job directory. */
  path: z
    .string()
    .min(1)
    .refine(
      (p) => !p.startsWith("/") && !p.split("/").includes(".."),
      "Input paths are relative to the job directory.",
    ),
  /** The name the user knows the file by; mappers see it as mapreduce_map_input_file. */
  name: z.string().min(1).max(1024),
  /** For the join: which side of the join this file belongs to. */
  side: z.enum(["left", "right"]).default("left"),
});
export type JobInput = z.infer<typeof JobInput>;

export const JobDefinition = z
  .object({
    jobId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, "Job ids use letters, digits, dashes and underscores."),
    job: JobSpec,
    options: JobOptions.default(JobOptions.parse({})),
    inputs: z.array(JobInput).min(1, "Choose at least one input file.").max(10_000),
  })
  .superRefine((def, ctx) => {
    if (def.job.kind === "join") {
      const sides = new Set(def.inputs.map((i) => i.side));
      if (!sides.has("left") || !sides.has("right")) {
        ctx.addIssue({
          code: "custom",
          path: ["inputs"],
          message: "A join needs at least one left and one right input file.",
        });
      }
    }
    if (def.options.combiner === "upload") {
      if (def.job.kind !== "user") {
        ctx.addIssue({
          code: "custom",
          path: ["options", "combiner"],
          message: "Built-in jobs use their own combiner: choose none or same as reducer.",
        });
      } else if (!def.job.combiner) {
        ctx.addIssue({
          code: "custom",
          path: ["job", "combiner"],
          message: "Upload a combiner program, or choose another combiner option.",
        });
      }
    }
    if (def.job.kind === "user" && def.job.reducer === null && def.options.combiner !== "none") {
      ctx.addIssue({
        code: "custom",
        path: ["options", "combiner"],
        message: "A map-only job (no reducer) has no combiner.",
      });
    }
  });
export type JobDefinition = z.input<typeof JobDefinition>;
export type ParsedJobDefinition = z.output<typeof JobDefinition>;
