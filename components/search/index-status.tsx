"use client";

import { AlertTriangle, CheckCircle2, Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";

export type IndexStatusView = {
  pending: number;
  indexed: number;
  failed: number;
  skipped: number;
  version: string;
};

const plural = (n: number, one: string) => `${n.toLocaleString("en")} ${one}${n === 1 ? "" : "s"}`;

const POLL_MS = 1500;
// A refresh that did not bring results of the newest index (lost, or the index moved on
// meanwhile) is asked again after a fresh look at the status, less and less often.
const MAX_REFRESHES = 8;

// "Indexing 3 files…" while the worker reads new files, then "Indexed 120 files". `initial` is
// the status the server read just before it computed the results on the page, and comes anew
// with every refresh: the component polls the status route while anything is waiting, and
// refreshes the page until the results were computed from the index it last saw — a state, not
// a single "done" moment that a lost refresh would miss.
export function IndexStatus({ initial }: { initial: IndexStatusView }) {
  const router = useRouter();
  const [status, setStatus] = useState(initial);
  const [offline, setOffline] = useState(false);
  const [refreshing, startRefresh] = useTransition();
  const refreshes = useRef(0);
  // After a refresh, look at the status again before refreshing once more.
  const lookFirst = useRef(false);

  useEffect(() => {
    if (refreshing) return;
    const behind = status.pending === 0 && status.version !== initial.version;
    if (status.pending === 0 && !behind) {
      refreshes.current = 0;
      return;
    }
    if (behind && !lookFirst.current) {
      if (refreshes.current >= MAX_REFRESHES) return;
      refreshes.current++;
      lookFirst.current = true;
      startRefresh(() => router.refresh());
      return;
    }
    const delay = lookFirst.current ? POLL_MS * 2 ** (refreshes.current - 1) : POLL_MS;
    const timer = setTimeout(async () => {
      lookFirst.current = false;
      try {
        const res = await fetch("/api/search/status", { cache: "no-store" });
        if (!res.ok) throw new Error(String(res.status));
        setOffline(false);
        setStatus((await res.json()) as IndexStatusView);
      } catch {
        setOffline(true);
        setStatus((s) => ({ ...s }));
      }
    }, delay);
    return () => clearTimeout(timer);
  }, [status, initial.version, refreshing, router]);

  const notRead = status.failed + status.skipped;
  return (
    <p
      role="status"
      aria-live="polite"
      data-testid="search-index-status"
      className="flex items-center gap-2 text-sm text-muted-foreground"
    >
      {status.pending > 0 ? (
        <>
          <Loader2 className="size-4 animate-spin" aria-hidden />
          Indexing {plural(status.pending, "file")}…{offline && " (reconnecting)"}
        </>
      ) : (
        <>
          <CheckCircle2 className="size-4 text-emerald-600 dark:text-emerald-400" aria-hidden />
          Indexed {plural(status.indexed, "file")}
        </>
      )}
      {notRead > 0 && (
        <span className="flex items-center gap-1" title="Damaged, too large or over the limits">
          <AlertTriangle className="size-4 text-amber-600 dark:text-amber-400" aria-hidden />
          {plural(notRead, "file")} could not be read
        </span>
      )}
    </p>
  );
}
