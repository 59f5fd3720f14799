"use client";

import { History } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";
import { requestBackfillAction } from "@/lib/pulse/alert-actions";
import { BACKFILL_HOURS, rangeShowingBackfill } from "@/lib/pulse/backfill-options";
import type { BackfillState } from "@/lib/pulse/backfill-requests";
import type { RangeKey } from "@/lib/pulse/schemas";

// "Backfill": search Bluesky's / Mastodon's past for the tracker's query. While it runs the page
// refreshes every few seconds to show how it went, in a range reaching back as far as the search
// (backfilled posts count in the minutes they were written, outside a shorter range).

// In the dashboard ranges' words ("24 h", "7 d"), so that a backfill names the range it fills.
const label = (h: number) => (h <= 24 ? `${h} h` : `${h / 24} d`);

export function BackfillControl({
  trackerId,
  state,
  range,
}: {
  trackerId: string;
  state: BackfillState | null;
  range: RangeKey;
}) {
  const router = useRouter();
  const [hours, setHours] = useState("24");
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  const running = state?.state === "running";

  useEffect(() => {
    if (!running) return;
    const id = setInterval(() => router.refresh(), 3_000);
    return () => clearInterval(id);
  }, [running, router]);

  function go() {
    start(async () => {
      const result = await requestBackfillAction({ trackerId, hours });
      setMessage(result.ok ? null : (result.message ?? "Could not start."));
      const showing = rangeShowingBackfill(Number(hours), range);
      if (result.ok && showing !== range) router.push(`?range=${showing}`);
      else router.refresh();
    });
  }

  return (
    <div
      className="grid gap-1.5"
      data-testid="backfill"
      // The run's state and when it last changed, for tests to wait on.
      data-state={state?.state ?? "none"}
      data-at={state?.at ?? ""}
    >
      <div className="flex flex-wrap items-center gap-2">
        <label className="flex items-center gap-2 text-sm">
          <span className="text-muted-foreground">Backfill the last</span>
          <Select size="sm" value={hours} onChange={(e) => setHours(e.target.value)}>
            {BACKFILL_HOURS.map((h) => (
              <option key={h} value={h}>
                {label(h)}
              </option>
            ))}
          </Select>
        </label>
        <Button variant="outline" size="sm" onClick={go} disabled={pending || running}>
          <History aria-hidden />
          {running ? "Searching…" : "Backfill"}
        </Button>
      </div>
      {(message ?? state?.message) && (
        <p
          role="status"
          data-testid="backfill-status"
          className={
            message || state?.state === "error"
              ? "text-xs text-destructive"
              : "text-xs text-muted-foreground"
          }
        >
          {message ?? state?.message}
        </p>
      )}
    </div>
  );
}
