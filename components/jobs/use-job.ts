"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { isFinished, type JobView } from "@/lib/jobs/view";

const POLL_MS = 1_000;
// A job that runs for minutes need not be asked about every second.
const SLOW_POLL_MS = 3_000;
const SLOW_AFTER_MS = 60_000;

export type JobPollOptions<T> = {
  /** The status route: GET answers 200 with the body `read` understands, else `{ message }`. */
  url: string;
  /** What the server rendered; null polls at once. */
  initial: T | null;
  /** The value in a 200 body (e.g. `body.job`), undefined when the body has none. */
  read: (body: Record<string, unknown>) => T | undefined;
  /** The generic job status inside the value, which says whether polling goes on. */
  jobOf: (value: T) => JobView;
  /** Called once, with the finished value (also when `initial` was already finished). */
  onFinished?: (value: T) => void;
};

export type JobPoll<T> = {
  value: T | null;
  error: string | null;
  /** Still polling: the job has not finished and the server has not said it never will. */
  live: boolean;
  /** Asks now, e.g. after an action changed the job. */
  refresh: () => Promise<void>;
};

/**
 * Follows any background job by polling its status route while it runs (every second, then every
 * 3 s after a minute): the generic job of every feature (GET /api/jobs/[id]) and MapReduce's
 * richer view (GET /api/mapreduce/[jobId]) alike. Network hiccups keep the last known state and
 * retry; 401 and 404 stop, as asking again will not change them.
 */
export function usePolledJob<T>(options: JobPollOptions<T>): JobPoll<T> {
  const { url, initial } = options;
  const [state, setState] = useState<{ value: T | null; error: string | null; gone: boolean }>({
    value: initial,
    error: null,
    gone: false,
  });
  // Callers pass inline functions: kept in refs so a render never restarts the poll.
  const callbacks = useRef(options);
  useEffect(() => {
    callbacks.current = options;
  });

  const refresh = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const res = await fetch(url, { cache: "no-store", signal });
        const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
        if (signal?.aborted) return;
        const value = res.ok ? callbacks.current.read(body) : undefined;
        if (value !== undefined) {
          setState({ value, error: null, gone: false });
          return;
        }
        const message = typeof body.message === "string" ? body.message : undefined;
        setState((s) => ({
          ...s,
          error: message ?? `The job could not be read (${res.status}).`,
          gone: res.status === 401 || res.status === 404,
        }));
      } catch {
        // Offline for a moment (or unmounted): the next poll tries again.
      }
    },
    [url],
  );

  const finished = state.value !== null && isFinished(options.jobOf(state.value));
  const live = !finished && !state.gone;

  useEffect(() => {
    if (!live) return;
    const controller = new AbortController();
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      await refresh(controller.signal);
      if (controller.signal.aborted) return;
      timer = setTimeout(poll, Date.now() - started > SLOW_AFTER_MS ? SLOW_POLL_MS : POLL_MS);
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [live, refresh]);

  // onFinished once per followed job, whether it finished before the page or while watched.
  const reported = useRef<string | null>(null);
  useEffect(() => {
    if (!finished || state.value === null || reported.current === url) return;
    reported.current = url;
    callbacks.current.onFinished?.(state.value);
  }, [finished, state.value, url]);

  return { value: state.value, error: state.error, live, refresh: () => refresh() };
}
