"use client";

import { CircleCheck, CircleX, Loader2, Timer } from "lucide-react";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ProgressBar } from "@/components/ui/progress-bar";
import { cancelJobAction } from "@/lib/jobs/actions";
import type { JobView } from "@/lib/jobs/view";
import { cn } from "@/lib/utils";
import { usePolledJob } from "./use-job";

const STATUS_TEXT: Record<JobView["status"], string> = {
  queued: "Waiting for the job worker…",
  running: "Running",
  succeeded: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

/**
 * A background job followed live: status, phase, a progress bar, the error when it failed and a
 * Cancel button while it runs.
 */
export function JobProgress({
  jobId,
  title,
  initial,
  onFinished,
  className,
}: {
  jobId: string;
  title: string;
  initial?: JobView;
  onFinished?: (job: JobView) => void;
  className?: string;
}) {
  const { value: job, error } = usePolledJob<JobView>({
    url: `/api/jobs/${encodeURIComponent(jobId)}`,
    initial: initial ?? null,
    read: (body) => body.job as JobView | undefined,
    jobOf: (j) => j,
    onFinished,
  });
  const [cancelError, setCancelError] = useState<string | null>(null);
  const [cancelling, startCancel] = useTransition();
  const status = job?.status ?? "queued";
  const active = status === "queued" || status === "running";

  function cancel() {
    startCancel(async () => {
      const result = await cancelJobAction(jobId);
      setCancelError(result.ok ? null : (result.message ?? null));
    });
  }

  const Icon =
    status === "succeeded"
      ? CircleCheck
      : status === "failed"
        ? CircleX
        : status === "cancelled"
          ? Timer
          : Loader2;

  return (
    <section
      aria-label={title}
      data-testid="job-progress"
      data-status={status}
      className={cn("grid gap-2 rounded-lg border bg-card p-3 text-sm", className)}
    >
      <div className="flex items-center gap-2">
        <Icon
          aria-hidden
          className={cn(
            "size-4 shrink-0",
            active && "animate-spin text-muted-foreground",
            status === "succeeded" && "text-success",
            status === "failed" && "text-destructive",
          )}
        />
        <p className="font-medium">{title}</p>
        <p className="ml-auto text-muted-foreground" aria-live="polite" data-testid="job-status">
          {STATUS_TEXT[status]}
          {status === "running" && job ? ` · ${job.progress}%` : ""}
        </p>
        {active && (
          <Button size="sm" variant="outline" onClick={cancel} disabled={cancelling}>
            {cancelling ? "Cancelling…" : "Cancel"}
          </Button>
        )}
      </div>
      <ProgressBar
        label={`${title}: progress`}
        value={status === "succeeded" ? 100 : (job?.progress ?? 0)}
        max={100}
        tone={
          status === "succeeded"
            ? "done"
            : status === "failed"
              ? "failed"
              : status === "cancelled"
                ? "muted"
                : "active"
        }
      />
      {job?.phase && status !== "failed" && (
        <p className="text-xs text-muted-foreground" data-testid="job-phase">
          {job.phase}
        </p>
      )}
      {status === "failed" && job?.error && (
        <p className="text-xs text-destructive" role="alert">
          {job.error}
        </p>
      )}
      {(error ?? cancelError) && (
        <p className="text-xs text-destructive" role="alert">
          {cancelError ?? error}
        </p>
      )}
    </section>
  );
}
