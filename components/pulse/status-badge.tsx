import type { TrackerStatus } from "@/lib/pulse/schemas";
import { cn } from "@/lib/utils";

export function StatusBadge({ status }: { status: TrackerStatus }) {
  return (
    <span
      data-testid="tracker-status"
      className={cn(
        "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium",
        status === "active" ? "bg-success/15 text-success" : "bg-muted text-muted-foreground",
      )}
    >
      {status === "active" ? "Collecting" : "Paused"}
    </span>
  );
}
