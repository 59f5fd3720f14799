import { Ban, CircleAlert, CircleCheck, Clock, LoaderCircle } from "lucide-react";
import type { JobStatus } from "@/lib/jobs/schemas";
import { cn } from "@/lib/utils";

const STATUS: Record<JobStatus, { label: string; Icon: typeof Clock; tone: string }> = {
  queued: { label: "Queued", Icon: Clock, tone: "text-muted-foreground" },
  running: { label: "Running", Icon: LoaderCircle, tone: "text-primary" },
  succeeded: { label: "Succeeded", Icon: CircleCheck, tone: "text-success" },
  failed: { label: "Failed", Icon: CircleAlert, tone: "text-destructive" },
  cancelled: { label: "Cancelled", Icon: Ban, tone: "text-muted-foreground" },
};

export function StatusBadge({ status, className }: { status: JobStatus; className?: string }) {
  const { label, Icon, tone } = STATUS[status];
  return (
    <span
      className={cn("inline-flex items-center gap-1 text-sm font-medium", tone, className)}
      data-status={status}
    >
      <Icon className={cn("size-4", status === "running" && "animate-spin")} aria-hidden />
      {label}
    </span>
  );
}
