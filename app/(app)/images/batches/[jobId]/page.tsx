import { ArrowLeft, SearchX } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { BatchView } from "@/components/images/batch-view";
import { Button } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/session";
import { listBatchItems } from "@/lib/images/batch";
import { getJob } from "@/lib/jobs/jobs";
import { toJobView } from "@/lib/jobs/view";

export const metadata: Metadata = { title: "Batch" };

export default async function BatchPage({ params }: PageProps<"/images/batches/[jobId]">) {
  const { jobId } = await params;
  const user = await requireUser(`/images/batches/${encodeURIComponent(jobId)}`);
  const [job, items] = await Promise.all([getJob(user.id, jobId), listBatchItems(user.id, jobId)]);

  return (
    <div className="grid gap-5">
      <div className="flex flex-wrap items-center gap-2">
        <Button asChild variant="ghost" size="sm" className="-ml-2">
          <Link href="/drive">
            <ArrowLeft aria-hidden />
            Drive
          </Link>
        </Button>
        <h1 className="text-2xl font-semibold tracking-tight">Batch</h1>
      </div>
      {job && items ? (
        <BatchView job={toJobView(job)} items={items} />
      ) : (
        <div className="flex flex-col items-center gap-3 rounded-lg border bg-card px-6 py-16 text-center">
          <SearchX className="size-10 text-muted-foreground" aria-hidden />
          <h2 className="font-medium">This batch does not exist</h2>
          <p className="max-w-sm text-sm text-muted-foreground">
            It may belong to another account, or the link is wrong.
          </p>
          <Button asChild variant="outline">
            <Link href="/drive">Go to My Drive</Link>
          </Button>
        </div>
      )}
    </div>
  );
}
