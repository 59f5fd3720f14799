"use client";

import { AlertTriangle, CheckCircle2, Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";

export type IndexStatusView = { pending: number; indexed: number; failed: number; skipped: number };

const plural = (n: number, one: string) => `${n.toLocaleString("en")} ${one}${n === 1 ? "" : "s"}`;

// "Indexing 3 files…" while the worker reads new files, then "Indexed 120 files": polls the
// status route while anything is waiting, and refreshes the results once it is done.
export function IndexStatus({ initial }: { initial: IndexStatusView }) {
  const router = useRouter();
  const [status, setStatus] = useState(initial);
  const [offline, setOffline] = useState(false);
  const waiting = useRef(initial.pending > 0);

  useEffect(() => {
    if (status.pending === 0) return;
    const timer = setTimeout(async () => {
      try {
        const res = await fetch("/api/search/status", { cache: "no-store" });
        if (!res.ok) throw new Error(String(res.status));
        const next = (await res.json()) as IndexStatusView;
        setOffline(false);
        setStatus(next);
        if (waiting.current && next.pending === 0) router.refresh();
        waiting.current = next.pending > 0;
      } catch {
        setOffline(true);
        setStatus((s) => ({ ...s }));
      }
    }, 1500);
    return () => clearTimeout(timer);
  }, [status, router]);

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
