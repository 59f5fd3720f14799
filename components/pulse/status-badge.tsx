import type { TrackerStatus } from "@/lib/pulse/schemas";
import { cn } from "@/lib/utils";

// A tracker's state in a word. `replay`: for a tracker that only replays a file, whether the
// replay has ended or is failing: it is not "collecting" any more then, whatever its status.
export function StatusBadge({
  status,
  replay,
}: {
  status: TrackerStatus;
  replay?: "finished" | "error" | null;
}) {
  const note = status === "active" ? replay : null;
  return (
    <span
      data-testid="tracker-status"
      className={cn(
        "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium",
        note === "error"
          ? "bg-destructive/15 text-destructive"
          : note === "finished"
            ? "bg-primary/10 text-primary"
            : status === "active"
              ? "bg-success/15 text-success"
              : "bg-muted text-muted-foreground",
      )}
    >
      {note === "error"
        ? "Replay failing"
        : note === "finished"
          ? "Replay finished"
          : status === "active"
            ? "Collecting"
            : "Paused"}
    </span>
  );
}
