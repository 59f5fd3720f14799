import "server-only";
import { db } from "@/lib/db/client";
import { jobSelect } from "@/lib/jobs/jobs";
import { toJobView, type JobView } from "@/lib/jobs/view";
import { IMAGE_APPLY_KIND, IMAGE_BATCH_KIND } from "./job-schemas";

// Image Studio's history: the owner's applies and batches, newest first, with what each made.
// An apply's result is one new image (the job's resultRef); a batch's are listed on its own page,
// so here it carries its counts.

export const HISTORY_LIMIT = 20;

export type ImageJobView = JobView & {
  kind: typeof IMAGE_APPLY_KIND | typeof IMAGE_BATCH_KIND;
  /** Batches: how many images, and how many are done or failed. */
  counts: { total: number; succeeded: number; failed: number } | null;
};

export async function listImageJobs(
  ownerId: string,
  limit = HISTORY_LIMIT,
): Promise<ImageJobView[]> {
  const jobs = await db.job.findMany({
    where: { ownerId, kind: { in: [IMAGE_APPLY_KIND, IMAGE_BATCH_KIND] } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(1, limit), 100),
    select: jobSelect,
  });
  const batchIds = jobs.filter((j) => j.kind === IMAGE_BATCH_KIND).map((j) => j.id);
  const groups =
    batchIds.length === 0
      ? []
      : await db.imageBatchItem.groupBy({
          by: ["jobId", "status"],
          where: { jobId: { in: batchIds } },
          _count: { _all: true },
        });
  const counts = new Map<string, { total: number; succeeded: number; failed: number }>();
  for (const g of groups) {
    const c = counts.get(g.jobId) ?? { total: 0, succeeded: 0, failed: 0 };
    c.total += g._count._all;
    if (g.status === "succeeded") c.succeeded += g._count._all;
    if (g.status === "failed") c.failed += g._count._all;
    counts.set(g.jobId, c);
  }
  return jobs.map((j) => ({
    ...toJobView(j),
    kind: j.kind === IMAGE_BATCH_KIND ? IMAGE_BATCH_KIND : IMAGE_APPLY_KIND,
    counts: j.kind === IMAGE_BATCH_KIND ? (counts.get(j.id) ?? null) : null,
  }));
}
