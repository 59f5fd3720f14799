"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ReferenceDot,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import {
  CHART_AXIS as AXIS,
  CHART_GRID as GRID,
  CHART_TOOLTIP as TOOLTIP,
} from "@/components/ui/chart-theme";
import type { Bucket, Totals } from "@/lib/pulse/series";

// The dashboard's charts. Axes have fixed time domains and series have stable keys, and animation
// is off: a live update redraws in place instead of sliding everything around.

export const COLORS = {
  volume: "var(--primary)",
  compare: "oklch(0.65 0.16 50)",
  positive: "var(--success)",
  negative: "var(--destructive)",
  neutral: "var(--muted-foreground)",
  unscored: "oklch(0.7 0.02 260)",
  spike: "var(--destructive)",
} as const;

function timeFormatter(bucketMs: number) {
  return (t: number) =>
    new Date(t).toLocaleString(undefined, {
      ...(bucketMs >= 60 * 60_000 ? { month: "short", day: "numeric" } : {}),
      hour: "2-digit",
      minute: "2-digit",
    });
}

function ticks(start: number, end: number, count = 6): number[] {
  const step = (end - start) / count;
  return Array.from({ length: count + 1 }, (_, i) => Math.round(start + i * step));
}

type Domain = { start: number; end: number; bucketMs: number };

export type VolumePoint = Bucket & { compare?: number };

export function VolumeChart({
  data,
  domain,
  compareName,
}: {
  data: VolumePoint[];
  domain: Domain;
  compareName?: string;
}) {
  const fmt = timeFormatter(domain.bucketMs);
  return (
    <ResponsiveContainer width="100%" height={240}>
      <ComposedChart data={data} margin={{ top: 24, right: 8, bottom: 0, left: -8 }}>
        <CartesianGrid stroke={GRID} strokeDasharray="3 3" vertical={false} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={[domain.start, domain.end]}
          ticks={ticks(domain.start, domain.end)}
          tickFormatter={fmt}
          tick={AXIS}
          allowDataOverflow
        />
        <YAxis allowDecimals={false} tick={AXIS} width={48} />
        <Tooltip {...TOOLTIP} labelFormatter={(t) => fmt(Number(t))} />
        <Bar
          dataKey="count"
          name="Posts"
          fill={COLORS.volume}
          isAnimationActive={false}
          maxBarSize={24}
        />
        {compareName !== undefined && (
          <Line
            dataKey="compare"
            name={compareName}
            stroke={COLORS.compare}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        )}
        {data
          .filter((b) => b.spike)
          .map((b) => (
            <ReferenceDot
              key={b.t}
              x={b.t}
              y={b.count}
              r={5}
              fill={COLORS.spike}
              stroke="var(--card)"
              label={{ value: "spike", position: "top", fontSize: 11, fill: COLORS.spike }}
            />
          ))}
        {compareName !== undefined && <Legend wrapperStyle={{ fontSize: 12 }} />}
      </ComposedChart>
    </ResponsiveContainer>
  );
}

export type SentimentPoint = Bucket & {
  comparePositiveShare?: number | null;
  compareNegativeShare?: number | null;
};

export function SentimentChart({
  data,
  domain,
  compareName,
}: {
  data: SentimentPoint[];
  domain: Domain;
  /** With another tracker's positive and negative shares as dashed lines. */
  compareName?: string;
}) {
  const fmt = timeFormatter(domain.bucketMs);
  return (
    <ResponsiveContainer width="100%" height={240}>
      <LineChart data={data} margin={{ top: 12, right: 0, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={GRID} strokeDasharray="3 3" vertical={false} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={[domain.start, domain.end]}
          ticks={ticks(domain.start, domain.end)}
          tickFormatter={fmt}
          tick={AXIS}
          allowDataOverflow
        />
        <YAxis yAxisId="share" domain={[0, 100]} unit="%" tick={AXIS} width={52} />
        <YAxis
          yAxisId="mean"
          orientation="right"
          domain={[-3, 3]}
          allowDataOverflow
          tick={AXIS}
          width={36}
        />
        <Tooltip
          {...TOOLTIP}
          labelFormatter={(t) => fmt(Number(t))}
          formatter={(v, name) =>
            typeof v === "number"
              ? [name === "Mean score" ? v.toFixed(2) : `${v.toFixed(0)}%`, name]
              : [String(v ?? "–"), name]
          }
        />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Line
          yAxisId="share"
          dataKey="positiveShare"
          name="Positive"
          stroke={COLORS.positive}
          strokeWidth={2}
          dot={{ r: 2 }}
          connectNulls
          isAnimationActive={false}
        />
        <Line
          yAxisId="share"
          dataKey="negativeShare"
          name="Negative"
          stroke={COLORS.negative}
          strokeWidth={2}
          dot={{ r: 2 }}
          connectNulls
          isAnimationActive={false}
        />
        {compareName !== undefined && (
          <Line
            yAxisId="share"
            dataKey="comparePositiveShare"
            name={`${compareName}: positive`}
            stroke={COLORS.positive}
            strokeDasharray="2 4"
            strokeOpacity={0.7}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        )}
        {compareName !== undefined && (
          <Line
            yAxisId="share"
            dataKey="compareNegativeShare"
            name={`${compareName}: negative`}
            stroke={COLORS.negative}
            strokeDasharray="2 4"
            strokeOpacity={0.7}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        )}
        <Line
          yAxisId="mean"
          dataKey="meanScore"
          name="Mean score"
          stroke={COLORS.neutral}
          strokeDasharray="4 3"
          dot={{ r: 2 }}
          connectNulls
          isAnimationActive={false}
        />
      </LineChart>
    </ResponsiveContainer>
  );
}

export function DistributionChart({ totals }: { totals: Totals }) {
  const data = [
    { key: "positive", name: "Positive", value: totals.positive, fill: COLORS.positive },
    { key: "neutral", name: "Neutral", value: totals.neutral, fill: COLORS.neutral },
    { key: "negative", name: "Negative", value: totals.negative, fill: COLORS.negative },
    { key: "unscored", name: "Unscored", value: totals.unscored, fill: COLORS.unscored },
  ];
  return (
    <ResponsiveContainer width="100%" height={180}>
      <BarChart data={data} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 8 }}>
        <XAxis type="number" allowDecimals={false} tick={AXIS} />
        <YAxis type="category" dataKey="name" tick={AXIS} width={72} />
        <Tooltip {...TOOLTIP} cursor={{ fill: "var(--muted)" }} />
        <Bar dataKey="value" name="Posts" isAnimationActive={false}>
          {data.map((d) => (
            <Cell key={d.key} fill={d.fill} />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Per language: its posts stacked by sentiment (unscored where no scorer knows the language). */
export function LanguageChart({
  rows,
}: {
  rows: { name: string; positive: number; neutral: number; negative: number; unscored: number }[];
}) {
  return (
    <ResponsiveContainer width="100%" height={Math.max(120, rows.length * 30 + 40)}>
      <BarChart data={rows} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid stroke={GRID} strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" allowDecimals={false} tick={AXIS} />
        <YAxis type="category" dataKey="name" tick={AXIS} width={96} />
        <Tooltip {...TOOLTIP} cursor={{ fill: "var(--muted)" }} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {(["positive", "neutral", "negative", "unscored"] as const).map((k) => (
          <Bar
            key={k}
            dataKey={k}
            name={k[0]!.toUpperCase() + k.slice(1)}
            stackId="posts"
            fill={COLORS[k]}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
