import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { IMAGE_BATCH_KIND } from "@/lib/images/job-schemas";
import { getJob } from "@/lib/jobs/jobs";

// Looked up above this segment's loading boundary, so a missing batch answers 404.
export default async function BatchLayout({
  children,
  params,
}: LayoutProps<"/images/batches/[jobId]">) {
  const { jobId } = await params;
  const user = await requireUser(`/images/batches/${encodeURIComponent(jobId)}`);
  if ((await getJob(user.id, jobId))?.kind !== IMAGE_BATCH_KIND) notFound();
  return children;
}
