import { cn } from "@/lib/utils";

type Tone = "active" | "done" | "failed" | "muted";

const TONES: Record<Tone, string> = {
  active: "bg-primary",
  done: "bg-success",
  failed: "bg-destructive",
  muted: "bg-muted-foreground/40",
};

export function ProgressBar({
  value,
  max,
  label,
  tone = "active",
  className,
}: {
  value: number;
  max: number;
  label: string;
  tone?: Tone;
  className?: string;
}) {
  const percent = max > 0 ? Math.min(100, (value / max) * 100) : tone === "done" ? 100 : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(percent)}
      className={cn("h-1.5 w-full overflow-hidden rounded-full bg-muted", className)}
    >
      <div
        className={cn("h-full rounded-full transition-[width] duration-200", TONES[tone])}
        style={{ width: `${percent}%` }}
      />
    </div>
  );
}
