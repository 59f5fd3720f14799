"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import type { ReplayProgress } from "@/lib/pulse/trackers";

// The replay line under a tracker's name: the row reached, the end with what the file held, or
// the listener's error (file gone, unreadable). Polled while the replay runs; a change of state
// refreshes the page so the status badge says it too.

const POLL_MS = 2_000;

export function ReplayStatus({
  trackerId,
  fileName,
  speed,
  initial,
}: {
  trackerId: string;
  fileName: string | null;
  speed: string;
  initial: ReplayProgress;
}) {
  const router = useRouter();
  const [progress, setProgress] = useState(initial);
  const lastState = useRef(initial.state);
  const done = progress.cursor === "done";

  // A refresh brings newer server data: it replaces what polling found.
  const [from, setFrom] = useState(initial);
  if (from !== initial) {
    setFrom(initial);
    setProgress(initial);
  }

  useEffect(() => {
    if (done) return;
    let stopped = false;
    const timer = setInterval(async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const res = await fetch(`/api/pulse/${encodeURIComponent(trackerId)}/replay`, {
          cache: "no-store",
        });
        if (!res.ok || stopped) return;
        const next = (await res.json()) as ReplayProgress;
        if (stopped) return;
        setProgress(next);
        if (next.state !== lastState.current || next.cursor === "done") {
          lastState.current = next.state;
          router.refresh();
        }
      } catch {
        // Offline for a moment: the next poll tries again.
      }
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [trackerId, done, router]);

  const file = fileName ?? "a file that is no longer in your Drive";
  const pace = speed === "max" ? "full speed" : `${speed}×`;
  return (
    <div className="mt-0.5 grid gap-2">
      <p className="text-xs text-muted-foreground" data-testid="replay-state">
        {done
          ? `Replay of ${file} finished.`
          : `Replaying ${file} at ${pace}${progress.cursor ? ` — row ${progress.cursor}.` : "."}`}
        {done && progress.state === "done" && progress.message && ` ${progress.message}`}
      </p>
      {progress.state === "error" && progress.message && (
        <Alert data-testid="replay-error">
          {done ? progress.message : `Replay stopped: ${progress.message}`}
        </Alert>
      )}
    </div>
  );
}
