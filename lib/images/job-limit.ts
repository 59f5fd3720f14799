import "server-only";
import { countActiveJobs, createJobWithinLimit } from "@/lib/jobs/jobs";
import { IMAGE_APPLY_KIND, IMAGE_BATCH_KIND } from "./job-schemas";

// Fair share of the background worker: how many Image Studio jobs (Apply and batches together)
// one user may have queued or running. The worker runs a few of them at once for everybody
// (inngest/functions/apply-image-*.ts); without a per-user bound one user's queue would hold
// everyone else's applies back. Counted in the database, so the limit holds across web servers.

const KINDS = [IMAGE_APPLY_KIND, IMAGE_BATCH_KIND];

/** The limit: 2 by default (the worker applies 3 images at once); STRATUS_LIMIT_IMAGE_JOBS_PER_USER. */
export function imageJobsPerUser(): number {
  const raw = Number(process.env.STRATUS_LIMIT_IMAGE_JOBS_PER_USER);
  return Number.isInteger(raw) && raw > 0 ? raw : 2;
}

const refusal = (active: number, limit: number) =>
  `You already have ${active} image ${active === 1 ? "apply or batch" : "applies or batches"} queued or running (the limit is ${limit} per user). Wait for one to finish, or cancel one.`;

/**
 * Records a new image job with `create` (given the transaction's client) if the owner is under
 * the limit. Checked in one transaction with the owner's row locked, so that many requests at
 * once cannot all pass; a plain refusal is answered without opening one.
 */
export async function withinImageJobLimit<J>(
  ownerId: string,
  create: (tx: Parameters<Parameters<typeof createJobWithinLimit>[3]>[0]) => Promise<J>,
): Promise<{ ok: true; job: J } | { ok: false; message: string }> {
  const limit = imageJobsPerUser();
  const active = await countActiveJobs(ownerId, KINDS);
  if (active >= limit) return { ok: false, message: refusal(active, limit) };
  const made = await createJobWithinLimit(ownerId, KINDS, limit, create);
  return made.ok ? made : { ok: false, message: refusal(made.active, limit) };
}
