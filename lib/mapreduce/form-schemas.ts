// The new-job form: what the browser submits, checked field by field so each message lands under
// its field. Built-in parameters are only read for their own kind.
import { z } from "zod";
import type { FormState } from "@/lib/forms";
import { BUILTIN_DOCS } from "./catalog";
import { COMBINER_MODES, JobOptions, JobSpec, ProgramName, type JobSpec as Spec } from "./schemas";
import { TARGETS } from "./records";

export const JOB_KINDS = [
  "word-count",
  "inverted-index",
  "grep",
  "top-n",
  "distinct",
  "join",
  "user",
] as const;
export type JobKindChoice = (typeof JOB_KINDS)[number];

const FileId = z.string().trim().min(1).max(30);
const optionalId = z
  .string()
  .trim()
  .max(30)
  .transform((s) => (s === "" ? null : s))
  .nullable()
  .default(null);

/** "tab" and "\t" are both a tab: a text field cannot hold one comfortably. */
const separator = z
  .string()
  .default("tab")
  .transform((s) => (s === "tab" || s === "\\t" ? "\t" : s));

export const NewJobInput = z.object({
  name: z.string().trim().max(120, "A name is at most 120 characters.").default(""),
  kind: z.enum(JOB_KINDS, { error: "Choose a job." }),
  inputs: z
    .array(FileId)
    .min(1, "Choose at least one input file.")
    .max(1000, "Choose at most 1,000 input files."),
  rightInputs: z.array(FileId).max(1000).default([]),
  pattern: z.string().default(""),
  ignoreCase: z.boolean().default(false),
  n: z.string().default("10"),
  column: z.string().default("1"),
  leftColumn: z.string().default("1"),
  rightColumn: z.string().default("1"),
  separator,
  mapper: optionalId,
  reducer: optionalId,
  combinerFile: optionalId,
  reducers: z.string().default("2"),
  combiner: z.enum(COMBINER_MODES, { error: "Choose a combiner." }).default("reducer"),
  taskTimeoutSeconds: z.string().default("600"),
  target: z.enum(TARGETS).default("local"),
});
export type NewJobInput = z.input<typeof NewJobInput>;
export type NewJobFields = keyof NewJobInput | "form";
export type NewJobState = FormState<NewJobFields, { jobId: string }>;

/** FormData → the object NewJobInput parses (lists are repeated fields). */
export function newJobObject(formData: FormData): Record<string, unknown> {
  const one = (k: string) => {
    const v = formData.get(k);
    return typeof v === "string" ? v : undefined;
  };
  const all = (k: string) => formData.getAll(k).filter((v): v is string => typeof v === "string");
  return {
    name: one("name"),
    kind: one("kind"),
    inputs: all("inputs"),
    rightInputs: all("rightInputs"),
    pattern: one("pattern"),
    ignoreCase: one("ignoreCase") === "on",
    n: one("n"),
    column: one("column"),
    leftColumn: one("leftColumn"),
    rightColumn: one("rightColumn"),
    separator: one("separator"),
    mapper: one("mapper"),
    reducer: one("reducer"),
    combinerFile: one("combinerFile"),
    reducers: one("reducers"),
    combiner: one("combiner"),
    taskTimeoutSeconds: one("taskTimeoutSeconds"),
    target: one("target"),
  };
}

/** Maps a zod path inside the job spec or options back to the form field that holds it. */
const FIELD_OF: Record<string, NewJobFields> = {
  pattern: "pattern",
  n: "n",
  column: "column",
  leftColumn: "leftColumn",
  rightColumn: "rightColumn",
  separator: "separator",
  mapper: "mapper",
  reducer: "reducer",
  combiner: "combinerFile",
  reducers: "reducers",
  taskTimeoutSeconds: "taskTimeoutSeconds",
};

export type SpecResult =
  | { ok: true; spec: Spec; options: JobOptions }
  | { ok: false; errors: Partial<Record<NewJobFields, string[]>> };

/**
 * The job spec and options from the parsed form. Program names come from the Drive files the
 * user picked; they must also be valid Hadoop -files names.
 */
export function specFromInput(
  input: z.output<typeof NewJobInput>,
  programNames: { mapper: string | null; reducer: string | null; combiner: string | null },
): SpecResult {
  const errors: Partial<Record<NewJobFields, string[]>> = {};
  const add = (field: NewJobFields, message: string) => (errors[field] ??= []).push(message);
  let raw: Record<string, unknown>;
  switch (input.kind) {
    case "grep":
      raw = { kind: "grep", pattern: input.pattern, ignoreCase: input.ignoreCase };
      break;
    case "top-n":
      raw = { kind: "top-n", n: input.n };
      break;
    case "distinct":
      raw = { kind: "distinct", column: input.column, separator: input.separator };
      break;
    case "join":
      raw = {
        kind: "join",
        leftColumn: input.leftColumn,
        rightColumn: input.rightColumn,
        separator: input.separator,
      };
      break;
    case "user":
      raw = {
        kind: "user",
        mapper: programNames.mapper ?? "",
        reducer: programNames.reducer,
        combiner: programNames.combiner,
      };
      if (!programNames.mapper) add("mapper", "Choose a mapper program.");
      break;
    default:
      raw = { kind: input.kind };
  }
  const spec = JobSpec.safeParse(raw);
  if (!spec.success) {
    for (const issue of spec.error.issues) {
      const field = FIELD_OF[String(issue.path[0])] ?? "form";
      if (!(field === "mapper" && errors.mapper)) add(field, issue.message);
    }
  }
  const options = JobOptions.safeParse({
    reducers: input.reducers,
    combiner: input.combiner,
    taskTimeoutSeconds: input.taskTimeoutSeconds,
  });
  if (!options.success) {
    for (const issue of options.error.issues)
      add(FIELD_OF[String(issue.path[0])] ?? "form", issue.message);
  }
  if (options.success && input.combiner === "upload") {
    if (input.kind !== "user")
      add("combiner", "Built-in jobs use their own combiner: choose none or same as reducer.");
    else if (!programNames.combiner)
      add("combinerFile", "Choose a combiner program, or another combiner option.");
  }
  if (input.kind === "user" && !programNames.reducer && input.combiner !== "none") {
    add("combiner", "A map-only job (no reducer) has no combiner: choose none.");
  }
  if (input.kind === "join" && input.rightInputs.length === 0) {
    add("rightInputs", "A join needs at least one right-hand input file.");
  }
  if (!spec.success || !options.success || Object.keys(errors).length > 0)
    return { ok: false, errors };
  return { ok: true, spec: spec.data, options: options.data };
}

/** "Word count", or the program's name for an uploaded job: the default job name. */
export function defaultJobName(spec: Spec): string {
  if (spec.kind === "user") return `${spec.mapper}${spec.reducer ? ` + ${spec.reducer}` : ""}`;
  return BUILTIN_DOCS[spec.kind].title;
}

export { ProgramName };

/** The form's values for a job that ran before: Re-run submits them, Clone and edit shows them. */
export function formFromRecipe(recipe: {
  name: string;
  spec: Spec;
  options: JobOptions;
  inputs: { fileId: string; side: "left" | "right" }[];
  programs: Record<"mapper" | "reducer" | "combiner", { fileId: string } | null>;
  target: (typeof TARGETS)[number];
}): z.input<typeof NewJobInput> {
  const s = recipe.spec;
  const sep = (v: string) => (v === "\t" ? "tab" : v);
  return {
    name: recipe.name,
    kind: s.kind,
    inputs: recipe.inputs.filter((i) => i.side === "left").map((i) => i.fileId),
    rightInputs: recipe.inputs.filter((i) => i.side === "right").map((i) => i.fileId),
    pattern: s.kind === "grep" ? s.pattern : "",
    ignoreCase: s.kind === "grep" ? s.ignoreCase : false,
    n: s.kind === "top-n" ? String(s.n) : "10",
    column: s.kind === "distinct" ? String(s.column) : "1",
    leftColumn: s.kind === "join" ? String(s.leftColumn) : "1",
    rightColumn: s.kind === "join" ? String(s.rightColumn) : "1",
    separator: s.kind === "distinct" || s.kind === "join" ? sep(s.separator) : "tab",
    mapper: recipe.programs.mapper?.fileId ?? "",
    reducer: recipe.programs.reducer?.fileId ?? "",
    combinerFile: recipe.programs.combiner?.fileId ?? "",
    reducers: String(recipe.options.reducers),
    combiner: recipe.options.combiner,
    taskTimeoutSeconds: String(recipe.options.taskTimeoutSeconds),
    target: recipe.target,
  };
}
