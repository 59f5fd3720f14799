import { ProgressBar } from "@/components/ui/progress-bar";
import { formatBytes, formatCount } from "@/lib/format/numbers";
import type { MapReduceView, PhaseView } from "@/lib/mapreduce/view-types";
import { formatMs } from "@/lib/format/time";

// Map, shuffle and reduce side by side: tasks done of total, running, failed, and each phase's
// wall time.

function Phase({
  title,
  phase,
  live,
  testId,
}: {
  title: string;
  phase: PhaseView;
  live: boolean;
  testId: string;
}) {
  const complete = phase.total > 0 && phase.done === phase.total;
  return (
    <div className="grid gap-2 rounded-lg border bg-card p-4" data-testid={testId}>
      <div className="flex items-baseline justify-between gap-2">
        <h3 className="font-medium">{title}</h3>
        <span className="text-xs text-muted-foreground">{formatMs(phase.durationMs)}</span>
      </div>
      <p className="text-2xl font-semibold tabular-nums" aria-live={live ? "polite" : undefined}>
        {phase.done} / {phase.total}
        <span className="ml-1 text-sm font-normal text-muted-foreground">tasks</span>
      </p>
      <ProgressBar
        value={phase.done}
        max={phase.total}
        label={`${title}: ${phase.done} of ${phase.total} tasks done`}
        tone={phase.failed > 0 && !live ? "failed" : complete ? "done" : "active"}
      />
      <p className="text-xs text-muted-foreground">
        {phase.running > 0
          ? `${phase.running} running`
          : complete
            ? "Done"
            : live
              ? "Waiting"
              : "—"}
        {phase.failed > 0 ? ` · ${phase.failed} failed` : ""}
      </p>
    </div>
  );
}

export function PhaseCards({ view, live }: { view: MapReduceView; live: boolean }) {
  const { shuffle } = view;
  const mapDone = view.map.total > 0 && view.map.done === view.map.total;
  const hasReduce = view.reduce.total > 0 || view.options.reducers > 0;
  const biggest = Math.max(1, ...shuffle.partitions.map((p) => p.bytes));
  return (
    <div className="grid gap-3 md:grid-cols-3">
      <Phase title="Map" phase={view.map} live={live} testId="phase-map" />
      <div
        className="grid content-start gap-2 rounded-lg border bg-card p-4"
        data-testid="phase-shuffle"
      >
        <div className="flex items-baseline justify-between gap-2">
          <h3 className="font-medium">Shuffle</h3>
          <span className="text-xs text-muted-foreground">{formatMs(shuffle.durationMs)}</span>
        </div>
        {shuffle.partitions.length > 0 ? (
          <>
            <p className="text-2xl font-semibold tabular-nums">
              {formatBytes(shuffle.bytes)}
              <span className="ml-1 text-sm font-normal text-muted-foreground">
                {formatCount(shuffle.records)} records
              </span>
            </p>
            <ul className="grid gap-1" aria-label="Partitions">
              {shuffle.partitions.map((p) => (
                <li
                  key={p.partition}
                  className="grid grid-cols-[4rem_1fr_auto] items-center gap-2 text-xs"
                >
                  <span className="text-muted-foreground">part {p.partition}</span>
                  <span className="h-1.5 overflow-hidden rounded-full bg-muted">
                    <span
                      className="block h-full rounded-full bg-primary/70"
                      style={{ width: `${(p.bytes / biggest) * 100}%` }}
                    />
                  </span>
                  <span className="tabular-nums">{formatBytes(p.bytes)}</span>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p className="text-sm text-muted-foreground">
            {!hasReduce
              ? "Map-only job: no shuffle."
              : mapDone || !live
                ? "—"
                : "Starts when every map task is done."}
          </p>
        )}
      </div>
      <Phase title="Reduce" phase={view.reduce} live={live} testId="phase-reduce" />
    </div>
  );
}
