import type { DriveUsage } from "@/lib/drive/types";
import { cn } from "@/lib/utils";
import { formatBytes } from "@/lib/format/numbers";

/** Storage used against the quota. Pending uploads count too: they reserve their size. */
export function UsageBar({ usage, className }: { usage: DriveUsage; className?: string }) {
  const used = usage.usedBytes + usage.reservedBytes;
  const ratio = usage.quotaBytes > 0 ? Math.min(1, used / usage.quotaBytes) : 1;
  const text = `${formatBytes(used)} of ${formatBytes(usage.quotaBytes)} used`;
  const tone = ratio >= 0.95 ? "bg-destructive" : ratio >= 0.8 ? "bg-amber-500" : "bg-primary";
  return (
    <div className={cn("grid w-full gap-1.5 sm:w-56", className)}>
      <div className="flex items-baseline justify-between gap-2 text-xs text-muted-foreground">
        <span>Storage</span>
        <span data-testid="usage-text">{text}</span>
      </div>
      <div
        role="meter"
        aria-label="Storage used"
        aria-valuemin={0}
        aria-valuemax={usage.quotaBytes}
        aria-valuenow={Math.min(used, usage.quotaBytes)}
        aria-valuetext={text}
        className="h-2 overflow-hidden rounded-full bg-muted"
      >
        <div
          className={cn("h-full rounded-full transition-[width]", tone)}
          style={{ width: `${Math.max(ratio * 100, used > 0 ? 1 : 0)}%` }}
        />
      </div>
    </div>
  );
}
