"use client";

import { useCallback, useEffect, useState } from "react";
import { isFinished } from "@/lib/jobs/view";
import type { MapReduceView } from "@/lib/mapreduce/view-types";

const POLL_MS = 1_000;
const SLOW_POLL_MS = 3_000;
const SLOW_AFTER_MS = 60_000;

/**
 * Follows a MapReduce job by polling GET /api/mapreduce/[jobId] while it runs (every second, then
 * every 3 s after a minute). Network hiccups keep the last view and retry.
 */
export function useMapReduceJob(initial: MapReduceView) {
  const [view, setView] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const jobId = initial.job.id;
  const refresh = useCallback(async () => {
    try {
      const res = await fetch(`/api/mapreduce/${encodeURIComponent(jobId)}`, { cache: "no-store" });
      const body = (await res.json().catch(() => ({}))) as {
        view?: MapReduceView;
        message?: string;
      };
      if (res.ok && body.view) {
        setView(body.view);
        setError(null);
      } else {
        setError(body.message ?? `The job could not be read (${res.status}).`);
      }
    } catch {
      // Offline for a moment: the next poll tries again.
    }
  }, [jobId]);
  const live = !isFinished(view.job);
  useEffect(() => {
    if (!live) return;
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      timer = setTimeout(
        async () => {
          await refresh();
          tick();
        },
        Date.now() - started > SLOW_AFTER_MS ? SLOW_POLL_MS : POLL_MS,
      );
    };
    tick();
    return () => clearTimeout(timer);
  }, [live, refresh]);
  return { view, error, live, refresh };
}
