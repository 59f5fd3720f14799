import { Download, History, Images, Wand2 } from "lucide-react";
import Link from "next/link";
import { StatusBadge } from "@/components/shared/job-status-badge";
import { LocalDateTime } from "@/components/shared/local-date-time";
import { ProgressBar } from "@/components/ui/progress-bar";
import { downloadHref } from "@/lib/drive/hrefs";
import type { ImageJobView } from "@/lib/images/history";
import { isFinished } from "@/lib/jobs/view";

// "Recent batches and applies" under the Image Studio library: status, date and where the
// output is, for the jobs the user started from the editor or the Drive.

export function ImageJobsList({ jobs }: { jobs: ImageJobView[] }) {
  return (
    <section aria-labelledby="image-jobs-heading" className="grid gap-3" data-testid="image-jobs">
      <h2
        id="image-jobs-heading"
        className="flex items-center gap-2 text-lg font-semibold tracking-tight"
      >
        <History className="size-5 text-primary" aria-hidden />
        Recent batches and applies
      </h2>
      {jobs.length === 0 ? (
        <p className="rounded-lg border border-dashed px-4 py-6 text-center text-sm text-muted-foreground">
          Nothing applied yet. Apply a chain in the editor, or a preset to many images from the
          Drive (“Apply preset…”): each run is listed here with its output.
        </p>
      ) : (
        <ul className="divide-y rounded-lg border bg-card">
          {jobs.map((job) => (
            <li
              key={job.id}
              className="grid gap-2 px-3 py-3 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-center"
            >
              <div className="grid min-w-0 gap-1">
                <div className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1">
                  <span className="flex items-center gap-1.5 text-sm font-medium">
                    {job.kind === "image.batch" ? (
                      <Images className="size-4 text-muted-foreground" aria-hidden />
                    ) : (
                      <Wand2 className="size-4 text-muted-foreground" aria-hidden />
                    )}
                    {job.kind === "image.batch"
                      ? `Batch of ${job.counts?.total ?? "?"} image${job.counts?.total === 1 ? "" : "s"}`
                      : "Apply"}
                  </span>
                  <StatusBadge status={job.status} className="text-xs" />
                  <span className="text-xs text-muted-foreground">
                    <LocalDateTime iso={job.createdAt} />
                  </span>
                </div>
                <p className="truncate text-xs text-muted-foreground" title={summary(job)}>
                  {summary(job)}
                </p>
                {!isFinished(job) && (
                  <ProgressBar
                    value={job.progress}
                    max={100}
                    label="Progress"
                    className="max-w-xs"
                  />
                )}
              </div>
              <div className="flex flex-wrap gap-2">{outputLinks(job)}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function summary(job: ImageJobView): string {
  if (job.status === "failed") return job.error ?? "Failed.";
  if (job.kind === "image.batch" && job.counts) {
    const { total, succeeded, failed } = job.counts;
    return `${succeeded} of ${total} done${failed > 0 ? ` · ${failed} failed` : ""}`;
  }
  return job.phase ?? (isFinished(job) ? "" : "Waiting to start");
}

const linkClass =
  "inline-flex items-center gap-1 rounded-md border px-2.5 py-1 text-xs font-medium hover:bg-accent";

function outputLinks(job: ImageJobView) {
  if (job.kind === "image.batch") {
    return (
      <Link href={`/images/batches/${encodeURIComponent(job.id)}`} className={linkClass}>
        <Images className="size-3.5" aria-hidden />
        {isFinished(job) ? "Results" : "Progress"}
      </Link>
    );
  }
  if (job.status !== "succeeded" || !job.resultRef) return null;
  return (
    <>
      <Link href={`/images/${encodeURIComponent(job.resultRef)}`} className={linkClass}>
        <Wand2 className="size-3.5" aria-hidden />
        Open result
      </Link>
      <a href={downloadHref(job.resultRef)} download className={linkClass}>
        <Download className="size-3.5" aria-hidden />
        Download
      </a>
    </>
  );
}
