// The JSON a MapReduce job keeps in its row (MapReduceJob, MapReduceTask), parsed with zod on
// every read: what the job runs on (Drive files by id, with the names they had), what came out.
import { z } from "zod";
import { JobOptions, JobSpec } from "./schemas";

export const TARGETS = ["local", "emr"] as const;
export type Target = (typeof TARGETS)[number];

const FileId = z.string().min(1).max(30);

export const FileRef = z.object({ fileId: FileId, name: z.string().min(1).max(255) });
export type FileRef = z.infer<typeof FileRef>;

export const StoredInput = FileRef.extend({
  side: z.enum(["left", "right"]).default("left"),
  size: z.number().int().nonnegative(),
});
export type StoredInput = z.infer<typeof StoredInput>;
export const StoredInputs = z.array(StoredInput).min(1).max(1000);

export const StoredPrograms = z.object({
  mapper: FileRef.nullable(),
  reducer: FileRef.nullable(),
  combiner: FileRef.nullable(),
});
export type StoredPrograms = z.infer<typeof StoredPrograms>;
export const NO_PROGRAMS: StoredPrograms = { mapper: null, reducer: null, combiner: null };

export const StoredOutput = z.object({
  fileId: FileId,
  name: z.string().min(1).max(255),
  bytes: z.number().int().nonnegative(),
  records: z.number().int().nonnegative(),
});
export type StoredOutput = z.infer<typeof StoredOutput>;
export const StoredOutputs = z.array(StoredOutput);

export const StoredCounters = z.record(z.string(), z.record(z.string(), z.number()));

export const PartitionTotals = z.array(
  z.object({
    partition: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    records: z.number().int().nonnegative(),
  }),
);
export type PartitionTotals = z.infer<typeof PartitionTotals>;

/** Everything a job runs with: what the form submits (after checks) and what a re-run copies. */
export const JobRecipe = z.object({
  name: z.string().trim().min(1).max(120),
  spec: JobSpec,
  options: JobOptions,
  inputs: StoredInputs,
  programs: StoredPrograms,
  target: z.enum(TARGETS),
});
export type JobRecipe = z.infer<typeof JobRecipe>;

/** JSON text from the database, checked against its schema (a bad row is a bug, not user input). */
export function readJson<T>(schema: z.ZodType<T>, text: string | null): T | null {
  if (text === null) return null;
  return schema.parse(JSON.parse(text));
}
