import { z } from "zod";

/** Sent by the new-job form (and Re-run): run this job of this owner. */
export const MapReduceRunEvent = z.object({
  jobId: z.string().min(1).max(30),
  ownerId: z.string().min(1).max(30),
});
export type MapReduceRunEvent = z.infer<typeof MapReduceRunEvent>;
