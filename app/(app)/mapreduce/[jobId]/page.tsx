import { ArrowLeft, MailWarning } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { JobDetail } from "@/components/mapreduce/job-detail";
import { Button } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/session";
import { getMapReduceJob } from "@/lib/mapreduce/store";
import { toMapReduceView } from "@/lib/mapreduce/view";

export const metadata: Metadata = { title: "Job" };

export default async function JobPage({ params }: PageProps<"/mapreduce/[jobId]">) {
  const { jobId } = await params;
  const user = await requireUser(`/mapreduce/${encodeURIComponent(jobId)}`);
  const job = await getMapReduceJob(user.id, jobId);
  // The layout answered 404 already; this is a job deleted in between.
  if (!job) notFound();

  return (
    <div className="grid gap-5">
      <div>
        <Button asChild variant="ghost" size="sm" className="-ml-2">
          <Link href="/mapreduce">
            <ArrowLeft aria-hidden />
            MapReduce
          </Link>
        </Button>
      </div>
      {!user.emailVerifiedAt && (
        <p
          className="flex items-center gap-2 rounded-md border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-sm"
          data-testid="job-mail-skipped"
        >
          <MailWarning className="size-4 shrink-0" aria-hidden />
          No e-mail is sent when this job ends: confirm your address first (see the banner above).
        </p>
      )}
      <JobDetail initial={await toMapReduceView(job)} />
    </div>
  );
}
