"use client";

import { CircleAlert, CircleCheck, Clock, Download, FolderOpen, LoaderCircle } from "lucide-react";
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { driveHref } from "@/lib/drive/hrefs";
import { JobProgress } from "@/components/jobs/job-progress";
import { Button } from "@/components/ui/button";
import type { BatchItemView } from "@/lib/images/batch";
import { isFinished, type JobView } from "@/lib/jobs/view";
import { cn } from "@/lib/utils";

// A batch job followed live: the job's own progress, and every image with its status; images that
// failed are named with the reason.

const POLL_MS = 1_000;

function useBatchItems(jobId: string, initial: BatchItemView[], live: boolean) {
  const [items, setItems] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(async () => {
    try {
      const res = await fetch(`/api/images/batches/${encodeURIComponent(jobId)}`, {
        cache: "no-store",
      });
      const body = (await res.json().catch(() => ({}))) as {
        items?: BatchItemView[];
        message?: string;
      };
      if (res.ok && body.items) {
        setItems(body.items);
        setError(null);
      } else {
        setError(body.message ?? `The images could not be read (${res.status}).`);
      }
    } catch {
      // A network hiccup: keep what we have, the next poll tries again.
    }
  }, [jobId]);
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [live, refresh]);
  return { items, error, refresh };
}

const STATUS = {
  queued: { label: "Waiting", Icon: Clock, tone: "text-muted-foreground" },
  running: { label: "Processing…", Icon: LoaderCircle, tone: "text-primary" },
  succeeded: { label: "Saved", Icon: CircleCheck, tone: "text-success" },
  failed: { label: "Failed", Icon: CircleAlert, tone: "text-destructive" },
} as const;

export function BatchView({
  job: initialJob,
  items: initialItems,
}: {
  job: JobView;
  items: BatchItemView[];
}) {
  const [job, setJob] = useState(initialJob);
  const live = !isFinished(job);
  const { items, error, refresh } = useBatchItems(job.id, initialItems, live);
  const failed = items.filter((i) => i.status === "failed");
  const stopped = job.status === "cancelled" || job.status === "failed";

  return (
    <div className="grid gap-4">
      <JobProgress
        jobId={job.id}
        initial={initialJob}
        title={`Applying a preset to ${items.length === 1 ? "1 image" : `${items.length} images`}`}
        onFinished={(finished) => {
          setJob(finished);
          void refresh();
        }}
      />
      {error && (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      )}
      {failed.length > 0 && !live && (
        <div
          role="alert"
          className="rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm"
          data-testid="batch-failures"
        >
          <p className="font-medium text-destructive">
            {failed.length === 1 ? "1 image failed:" : `${failed.length} images failed:`}
          </p>
          <ul className="mt-1 list-disc pl-5">
            {failed.map((i) => (
              <li key={i.id}>
                <span className="font-medium">{i.name}</span> — {i.error}
              </li>
            ))}
          </ul>
        </div>
      )}
      {job.status === "succeeded" && job.resultRef && (
        <Button asChild variant="outline" className="justify-self-start">
          <Link href={driveHref({ folder: job.resultRef })}>
            <FolderOpen aria-hidden />
            Open the Image Studio folder
          </Link>
        </Button>
      )}
      <ul
        className="divide-y rounded-lg border bg-card"
        aria-label="Images"
        data-testid="batch-items"
      >
        {items.map((item) => {
          const status =
            stopped && (item.status === "queued" || item.status === "running")
              ? { label: "Not processed", Icon: Clock, tone: "text-muted-foreground" }
              : STATUS[item.status];
          return (
            <li
              key={item.id}
              className="flex items-start gap-3 px-3 py-2.5"
              data-testid="batch-item"
              data-status={item.status}
            >
              <status.Icon
                className={cn(
                  "mt-0.5 size-4 shrink-0",
                  status.tone,
                  item.status === "running" && !stopped && "animate-spin",
                )}
                aria-hidden
              />
              <div className="min-w-0 flex-1">
                <p className="truncate text-sm font-medium" title={item.name}>
                  {item.name}
                </p>
                <p
                  className={cn(
                    "text-xs",
                    item.status === "failed" ? "text-destructive" : "text-muted-foreground",
                  )}
                >
                  {item.status === "failed" ? item.error : status.label}
                </p>
              </div>
              {item.resultFileId && (
                <Button asChild size="sm" variant="ghost">
                  <a
                    href={`/api/drive/files/${encodeURIComponent(item.resultFileId)}/download`}
                    download
                    aria-label={`Download the result of ${item.name}`}
                  >
                    <Download aria-hidden />
                    <span className="hidden sm:inline">Download</span>
                  </a>
                </Button>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
