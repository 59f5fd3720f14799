"use client";

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { CHART_AXIS as AXIS, CHART_TOOLTIP as TOOLTIP } from "@/components/ui/chart-theme";
import type { TimelinePoint } from "@/lib/mapreduce/view-types";

// Tasks finished over time, per phase, as a share of the phase's tasks. Steps, not slopes: a
// phase's progress only moves when a task finishes. Animation is off so live updates redraw in
// place.

export function ProgressChart({
  points,
  hasReduce,
  elapsedSeconds,
}: {
  points: TimelinePoint[];
  hasReduce: boolean;
  elapsedSeconds: number;
}) {
  // Carry the last values to "now" so a running job's lines reach the right edge.
  const last = points[points.length - 1] ?? { t: 0, map: 0, reduce: 0 };
  const data = elapsedSeconds > last.t ? [...points, { ...last, t: elapsedSeconds }] : points;
  const end = Math.max(1, Math.ceil(Math.max(elapsedSeconds, last.t)));
  return (
    <div className="h-56 w-full" data-testid="progress-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 12, bottom: 4, left: -8 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            domain={[0, end]}
            tick={AXIS}
            tickFormatter={(t: number) => `${t}s`}
            allowDecimals={false}
          />
          <YAxis domain={[0, 100]} tick={AXIS} tickFormatter={(v: number) => `${v}%`} width={48} />
          <Tooltip
            {...TOOLTIP}
            labelFormatter={(t) => `${Number(t).toFixed(1)} s after the start`}
            formatter={(v, name) => [`${Number(v).toFixed(0)}% of tasks`, String(name)]}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line
            type="stepAfter"
            dataKey="map"
            name="Map"
            stroke="var(--primary)"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          {hasReduce && (
            <Line
              type="stepAfter"
              dataKey="reduce"
              name="Reduce"
              stroke="var(--success)"
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          )}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
