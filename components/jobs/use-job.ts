"use client";

import { useEffect, useRef, useState } from "react";
import { isFinished, type JobView } from "@/lib/jobs/view";

const POLL_MS = 1_000;
// A job that runs for minutes need not be asked about every second.
const SLOW_POLL_MS = 3_000;
const SLOW_AFTER_MS = 60_000;

export type JobPoll = { job: JobView | null; error: string | null };

/**
 * Follows a job by polling GET /api/jobs/[id] until it finishes. Calls onFinished once, with the
 * finished job. Network hiccups keep the last known state and retry.
 */
export function useJob(
  jobId: string,
  initial?: JobView,
  onFinished?: (job: JobView) => void,
): JobPoll {
  const [state, setState] = useState<JobPoll>({ job: initial ?? null, error: null });
  const finishedRef = useRef(onFinished);
  useEffect(() => {
    finishedRef.current = onFinished;
  }, [onFinished]);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();
    const controller = new AbortController();

    async function poll() {
      try {
        const res = await fetch(`/api/jobs/${encodeURIComponent(jobId)}`, {
          cache: "no-store",
          signal: controller.signal,
        });
        const body = (await res.json().catch(() => ({}))) as { job?: JobView; message?: string };
        if (stopped) return;
        if (!res.ok || !body.job) {
          // 401 and 404 will not change by asking again.
          setState((s) => ({
            ...s,
            error: body.message ?? `The job could not be read (${res.status}).`,
          }));
          if (res.status === 401 || res.status === 404) return;
        } else {
          const job = body.job;
          setState({ job, error: null });
          if (isFinished(job)) {
            finishedRef.current?.(job);
            return;
          }
        }
      } catch {
        if (stopped) return;
      }
      timer = setTimeout(poll, Date.now() - started > SLOW_AFTER_MS ? SLOW_POLL_MS : POLL_MS);
    }

    if (initial && isFinished(initial)) {
      finishedRef.current?.(initial);
    } else {
      void poll();
    }
    return () => {
      stopped = true;
      controller.abort();
      clearTimeout(timer);
    };
    // `initial` seeds the first render only; a new jobId starts a new poll.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [jobId]);

  return state;
}
