import { z } from "zod";
import { parseEnv } from "@/lib/parse-env";

const MiB = 1024 * 1024;

const schema = z.object({
  DRIVE_QUOTA_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 * MiB),
  // Files above this go multipart: parallel parts, retries and resume.
  DRIVE_MULTIPART_THRESHOLD_BYTES: z.coerce
    .number()
    .int()
    .min(5 * MiB)
    .default(16 * MiB),
  DRIVE_PART_SIZE_BYTES: z.coerce
    .number()
    .int()
    .min(5 * MiB)
    .max(512 * MiB)
    .default(16 * MiB),
  // A pending upload that sees no progress for this long is aborted and its reservation freed.
  DRIVE_UPLOAD_TTL_HOURS: z.coerce.number().positive().default(24),
  DRIVE_TRASH_RETENTION_DAYS: z.coerce.number().int().positive().default(30),
  // A pause before each slice of an empty-trash job, 0 unless set: spreads a huge purge out on a
  // store that rate-limits deletes, and lets the worker-kill test stop a worker between slices.
  EMPTY_TRASH_SLICE_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
});

export type DriveConfig = z.infer<typeof schema>;

let cached: DriveConfig | undefined;

export function driveConfig(): DriveConfig {
  if (cached) return cached;
  cached = parseEnv(schema, process.env, "Drive");
  return cached;
}

/** Read at each slice rather than cached: tests change it between runs of one process. */
export function emptyTrashSliceDelayMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.EMPTY_TRASH_SLICE_DELAY_MS;
  return schema.shape.EMPTY_TRASH_SLICE_DELAY_MS.parse(value === "" ? undefined : value);
}
