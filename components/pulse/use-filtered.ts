"use client";

import { useEffect, useState } from "react";
import type { RangeKey } from "@/lib/pulse/schemas";
import type { FilteredView } from "@/lib/pulse/view-types";
import type { PostFilter } from "./post-list";

// The dashboard's widgets under a filter: fetched when the filter or range changes and again
// every REFRESH_MS while the live stream brings data.

const REFRESH_MS = 5_000;

export type FilteredState =
  | { status: "off" }
  | { status: "loading"; view: null }
  | { status: "ready"; view: FilteredView }
  | { status: "error"; message: string };

type Result = { key: string; view: FilteredView } | { key: string; error: string };

export function useFilteredView(
  trackerId: string,
  range: RangeKey,
  filter: PostFilter,
  liveAt: number,
): FilteredState {
  const [result, setResult] = useState<Result | null>(null);
  const [beat, setBeat] = useState(0);
  const key = filter ? `${filter.kind}\u0000${filter.value}\u0000${range}` : "";

  // A refresh beat after new live data; the fetch below runs again on each beat.
  useEffect(() => {
    if (!key) return;
    const id = setTimeout(() => setBeat((n) => n + 1), REFRESH_MS);
    return () => clearTimeout(id);
  }, [key, liveAt]);

  useEffect(() => {
    if (!key) return;
    const [kind, value] = key.split("\u0000") as [string, string];
    const stop = new AbortController();
    const q = new URLSearchParams({ range, [kind]: value });
    fetch(`/api/pulse/${encodeURIComponent(trackerId)}/filtered?${q}`, { signal: stop.signal })
      .then(async (res) => {
        const body: unknown = await res.json();
        if (!res.ok)
          throw new Error(
            (body as { message?: string } | null)?.message ?? "The filtered view could not load.",
          );
        setResult({ key, view: body as FilteredView });
      })
      .catch((error: unknown) => {
        if (!stop.signal.aborted) setResult({ key, error: (error as Error).message });
      });
    return () => stop.abort();
  }, [key, range, trackerId, beat]);

  if (!key) return { status: "off" };
  if (!result || result.key !== key) return { status: "loading", view: null };
  return "view" in result
    ? { status: "ready", view: result.view }
    : { status: "error", message: result.error };
}
