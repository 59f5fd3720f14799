"use client";

import { Bell, Pause, Pencil, Play, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { deleteTrackerAction, setTrackerStatusAction } from "@/lib/pulse/actions";
import type { TrackerStatus } from "@/lib/pulse/schemas";

// Start/pause, edit and delete. The listener notices status changes within seconds by itself.
export function TrackerControls({
  trackerId,
  status,
  name,
  compact = false,
}: {
  trackerId: string;
  status: TrackerStatus;
  name: string;
  compact?: boolean;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<string | null>(null);

  function toggle() {
    start(async () => {
      const next = status === "active" ? "paused" : "active";
      const result = await setTrackerStatusAction({ trackerId, status: next });
      setMessage(result.ok ? null : (result.message ?? null));
      router.refresh();
    });
  }

  function remove() {
    if (!window.confirm(`Delete “${name}” with all its posts and charts? This cannot be undone.`))
      return;
    start(async () => {
      const result = await deleteTrackerAction({ trackerId });
      if (!result.ok) {
        setMessage(result.message ?? "Could not delete.");
        return;
      }
      router.push("/pulse");
      router.refresh();
    });
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button variant="outline" size="sm" onClick={toggle} disabled={pending}>
        {status === "active" ? <Pause aria-hidden /> : <Play aria-hidden />}
        {status === "active" ? "Pause" : "Start"}
      </Button>
      <Button variant="outline" size="sm" asChild>
        <Link href={`/pulse/${trackerId}/edit`}>
          <Pencil aria-hidden />
          {compact ? <span className="sr-only">Edit {name}</span> : "Edit"}
        </Link>
      </Button>
      <Button variant="outline" size="sm" asChild>
        <Link href={`/pulse/${trackerId}/alerts`}>
          <Bell aria-hidden />
          {compact ? <span className="sr-only">Alerts for {name}</span> : "Alerts"}
        </Link>
      </Button>
      <Button variant="outline" size="sm" onClick={remove} disabled={pending}>
        <Trash2 aria-hidden />
        {compact ? <span className="sr-only">Delete {name}</span> : "Delete"}
      </Button>
      {message && (
        <p role="alert" className="text-sm text-destructive">
          {message}
        </p>
      )}
    </div>
  );
}
