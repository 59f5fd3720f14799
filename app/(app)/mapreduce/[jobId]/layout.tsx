import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { ownsMapReduceJob } from "@/lib/mapreduce/store";

// Looked up above this segment's loading boundary, so a missing job answers 404.
export default async function JobLayout({ children, params }: LayoutProps<"/mapreduce/[jobId]">) {
  const { jobId } = await params;
  const user = await requireUser(`/mapreduce/${encodeURIComponent(jobId)}`);
  if (!(await ownsMapReduceJob(user.id, jobId))) notFound();
  return children;
}
