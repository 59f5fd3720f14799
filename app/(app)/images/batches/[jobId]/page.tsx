import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { BatchView } from "@/components/images/batch-view";
import { BackHeader } from "@/components/shell/back-header";
import { requireUser } from "@/lib/auth/session";
import { listBatchItems } from "@/lib/images/batch";
import { getJob } from "@/lib/jobs/jobs";
import { toJobView } from "@/lib/jobs/view";

export const metadata: Metadata = { title: "Batch" };

export default async function BatchPage({ params }: PageProps<"/images/batches/[jobId]">) {
  const { jobId } = await params;
  const user = await requireUser(`/images/batches/${encodeURIComponent(jobId)}`);
  const [job, items] = await Promise.all([getJob(user.id, jobId), listBatchItems(user.id, jobId)]);
  // The layout answered 404 already; this is a batch deleted in between.
  if (!job || !items) notFound();

  return (
    <div className="grid gap-5">
      <BackHeader href="/drive" back="Drive" title="Batch" />
      <BatchView job={toJobView(job)} items={items} />
    </div>
  );
}
