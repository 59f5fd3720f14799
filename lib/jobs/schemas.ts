import { z } from "zod";

// The inputs lib/jobs accepts. Job kinds name what ran ("image.filter", "mapreduce.run").

export const JobKind = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/, "job kinds look like image.filter");
export const JobId = z.string().min(1).max(30);

export const JobProgress = z.object({
  phase: z.string().trim().min(1).max(100).optional(),
  progress: z.number().int().min(0).max(100).optional(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobResultRef = z.string().min(1).max(1024);

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
