import type { Job } from "./jobs";
import type { JobStatus } from "./schemas";

// What GET /api/jobs/[id] returns and the job components read: dates as ISO strings.
export type JobView = {
  id: string;
  kind: string;
  status: JobStatus;
  phase: string | null;
  progress: number;
  error: string | null;
  resultRef: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export const FINISHED: readonly JobStatus[] = ["succeeded", "failed", "cancelled"];

export const isFinished = (job: Pick<JobView, "status">) => FINISHED.includes(job.status);

export function toJobView(job: Job): JobView {
  return {
    ...job,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
