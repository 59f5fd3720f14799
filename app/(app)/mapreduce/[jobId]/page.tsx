import { ArrowLeft, MailWarning, SearchX } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
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
      {job && !user.emailVerifiedAt && (
        <p
          className="flex items-center gap-2 rounded-md border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-sm"
          data-testid="job-mail-skipped"
        >
          <MailWarning className="size-4 shrink-0" aria-hidden />
          No e-mail is sent when this job ends: confirm your address first (see the banner above).
        </p>
      )}
      {job ? (
        <JobDetail initial={await toMapReduceView(job)} />
      ) : (
        <div className="flex flex-col items-center gap-3 rounded-lg border bg-card px-6 py-16 text-center">
          <SearchX className="size-10 text-muted-foreground" aria-hidden />
          <h1 className="font-medium">This job does not exist</h1>
          <p className="max-w-sm text-sm text-muted-foreground">
            It may have been deleted, belong to another account, or the link is wrong.
          </p>
          <Button asChild variant="outline">
            <Link href="/mapreduce">All jobs</Link>
          </Button>
        </div>
      )}
    </div>
  );
}
