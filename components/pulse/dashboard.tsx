"use client";

import { ArrowDownRight, ArrowUpRight, Download, Filter, X } from "lucide-react";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Select } from "@/components/ui/select";
import { RANGES, type RangeKey } from "@/lib/pulse/schemas";
import { buckets, change, totals, window, type Totals } from "@/lib/pulse/series";
import type { MinuteRow, Snapshot, TermRow } from "@/lib/pulse/view-types";
import { cn } from "@/lib/utils";
import { DistributionChart, SentimentChart, VolumeChart } from "./charts";
import { LanguageCard } from "./language-card";
import { PostList, type PostFilter } from "./post-list";
import { useFilteredView, type FilteredState } from "./use-filtered";
import { useLiveTracker, type LiveStatus } from "./use-live";

// A tracker's dashboard: everything is computed in the browser from per-minute rows that the live
// stream keeps current, so a new batch shows up within a second or two of being stored.

const TICK_MS = 5_000;

function Stat({
  label,
  value,
  delta,
  testId,
}: {
  label: string;
  value: string;
  delta: number | null;
  testId: string;
}) {
  return (
    <Card className="p-4">
      <p className="text-xs text-muted-foreground">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </p>
      <p className="mt-1 flex items-center gap-1 text-xs text-muted-foreground">
        {delta === null ? (
          "no earlier data"
        ) : (
          <>
            {delta >= 0 ? (
              <ArrowUpRight className="size-3.5" aria-hidden />
            ) : (
              <ArrowDownRight className="size-3.5" aria-hidden />
            )}
            <span>
              {delta >= 0 ? "+" : ""}
              {delta.toFixed(0)}% vs previous period
            </span>
          </>
        )}
      </p>
    </Card>
  );
}

const STATUS_TEXT: Record<LiveStatus, string> = {
  loading: "Loading…",
  live: "Live",
  reconnecting: "Reconnecting…",
  gone: "Tracker deleted",
  error: "Could not load",
};

function LiveBadge({ status }: { status: LiveStatus }) {
  return (
    <span
      className="inline-flex items-center gap-1.5 text-xs text-muted-foreground"
      data-testid="live-status"
      role="status"
    >
      <span
        className={cn(
          "size-2 rounded-full",
          status === "live" ? "animate-pulse bg-success" : "bg-muted-foreground",
        )}
        aria-hidden
      />
      {STATUS_TEXT[status]}
    </span>
  );
}

function TermList({
  title,
  rows,
  kind,
  active,
  onPick,
}: {
  title: string;
  rows: TermRow[];
  kind: "hashtag" | "term";
  active: PostFilter;
  onPick: (f: PostFilter) => void;
}) {
  const max = rows[0]?.count ?? 1;
  return (
    <Card>
      <CardHeader className="pb-3">
        <CardTitle className="text-base">{title}</CardTitle>
        <CardDescription>Click one to filter the posts.</CardDescription>
      </CardHeader>
      <CardContent>
        {rows.length === 0 ? (
          <p className="text-sm text-muted-foreground">None yet.</p>
        ) : (
          <ul className="grid gap-1" data-testid={`top-${kind}s`}>
            {rows.map((r) => {
              const on = active?.kind === kind && active.value === r.term;
              return (
                <li key={r.term}>
                  <button
                    type="button"
                    aria-pressed={on}
                    onClick={() => onPick(on ? null : { kind, value: r.term })}
                    className={cn(
                      "relative flex w-full items-center justify-between overflow-hidden rounded px-2 py-1 text-left text-sm hover:bg-accent",
                      on && "ring-2 ring-ring",
                    )}
                  >
                    <span
                      className="absolute inset-y-0 left-0 bg-primary/10"
                      style={{ width: `${(r.count / max) * 100}%` }}
                      aria-hidden
                    />
                    <span className="relative truncate">
                      {kind === "hashtag" ? `#${r.term}` : r.term}
                    </span>
                    <span className="relative tabular-nums text-muted-foreground">{r.count}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

const filterLabel = (f: NonNullable<PostFilter>) =>
  f.kind === "hashtag"
    ? `#${f.value}`
    : f.kind === "language"
      ? `language “${f.value}”`
      : `“${f.value}”`;

// Says that every widget below shows only the filtered posts, and from when posts are kept.
function FilterBanner({
  filter,
  state,
  onClear,
}: {
  filter: NonNullable<PostFilter>;
  state: FilteredState;
  onClear: () => void;
}) {
  const kept =
    state.status === "ready" && state.view.keptSince !== null
      ? ` Posts are kept from ${new Date(state.view.keptSince).toLocaleString()} on (the tracker's retention).`
      : "";
  return (
    <div
      className="flex flex-col gap-2 rounded-md border border-primary/40 bg-primary/5 px-3 py-2 text-sm sm:flex-row sm:items-center sm:justify-between"
      data-testid="filter-banner"
      role="status"
    >
      <p className="flex items-start gap-2">
        <Filter className="mt-0.5 size-4 shrink-0" aria-hidden />
        <span>
          Every chart and list shows only posts with {filterLabel(filter)}.
          {state.status === "loading" && !state.view ? " Loading…" : kept}
          {state.status === "error" && <span className="text-destructive"> {state.message}</span>}
        </span>
      </p>
      <Button variant="outline" size="sm" onClick={onClear}>
        <X aria-hidden /> Clear filter
      </Button>
    </div>
  );
}

function CompareTable({ rows }: { rows: { name: string; totals: Totals }[] }) {
  const scored = (t: Totals) => t.count - t.unscored;
  const pct = (n: number, t: Totals) =>
    scored(t) > 0 ? `${((n / scored(t)) * 100).toFixed(0)}%` : "–";
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="compare-table">
        <thead className="text-left text-xs text-muted-foreground">
          <tr>
            <th className="py-1 pr-3 font-medium">Tracker</th>
            <th className="py-1 pr-3 text-right font-medium">Posts</th>
            <th className="py-1 pr-3 text-right font-medium">Positive</th>
            <th className="py-1 pr-3 text-right font-medium">Negative</th>
            <th className="py-1 text-right font-medium">Mean score</th>
          </tr>
        </thead>
        <tbody className="tabular-nums">
          {rows.map((r) => (
            <tr key={r.name} className="border-t">
              <td className="max-w-40 truncate py-1 pr-3">{r.name}</td>
              <td className="py-1 pr-3 text-right">{r.totals.count.toLocaleString("en")}</td>
              <td className="py-1 pr-3 text-right">{pct(r.totals.positive, r.totals)}</td>
              <td className="py-1 pr-3 text-right">{pct(r.totals.negative, r.totals)}</td>
              <td className="py-1 text-right">
                {r.totals.meanScore === null ? "–" : r.totals.meanScore.toFixed(2)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Dashboard({
  trackerId,
  trackerName,
  range,
  snapshot,
  others,
}: {
  trackerId: string;
  trackerName?: string;
  range: RangeKey;
  snapshot: Snapshot;
  others: { id: string; name: string }[];
}) {
  const live = useLiveTracker(trackerId, range, snapshot);
  const [compareId, setCompareId] = useState<string>("");
  const compare = useLiveTracker(compareId || null, range, null);
  const [filter, setFilter] = useState<PostFilter>(null);
  // The window slides with the clock, not only when data arrives.
  const [clock, setClock] = useState(snapshot.at);
  useEffect(() => {
    const id = setInterval(() => setClock(Date.now()), TICK_MS);
    return () => clearInterval(id);
  }, []);
  const now = Math.max(clock, live.at);
  // With a filter every widget reads the matching posts (lib/pulse/filtered.ts), not the totals.
  const filtered = useFilteredView(trackerId, range, filter, live.at);
  const filteredView =
    filtered.status === "ready" || filtered.status === "loading" ? filtered.view : null;
  const sourceMinutes: MinuteRow[] = useMemo(
    () => (filter ? (filteredView?.minutes ?? []) : Object.values(live.minutes)),
    [filter, filteredView, live.minutes],
  );
  const languages = filter ? (filteredView?.languages ?? []) : live.languages;
  const hashtags = filter ? (filteredView?.hashtags ?? []) : live.hashtags;
  const terms = filter ? (filteredView?.terms ?? []) : live.terms;

  const view = useMemo(() => {
    const minutes = sourceMinutes;
    const w = window(range, now);
    const series = buckets(minutes, range, now);
    const current = totals(minutes, w.start, w.end);
    const previous = totals(minutes, w.previousStart, w.start);
    return { w, series, current, previous };
  }, [sourceMinutes, range, now]);

  const compareName = others.find((o) => o.id === compareId)?.name;
  const other = useMemo(() => {
    if (!compareId) return null;
    const minutes = Object.values(compare.minutes);
    return {
      series: buckets(minutes, range, now),
      current: totals(minutes, view.w.start, view.w.end),
    };
  }, [compareId, compare.minutes, range, now, view.w.start, view.w.end]);
  const volume = useMemo(
    () =>
      other
        ? view.series.map((b, i) => ({ ...b, compare: other.series[i]?.count ?? 0 }))
        : view.series,
    [view.series, other],
  );
  // Compare shows sentiment too: the other tracker's shares beside this one's.
  const sentiment = useMemo(
    () =>
      other
        ? view.series.map((b, i) => ({
            ...b,
            comparePositiveShare: other.series[i]?.positiveShare ?? null,
            compareNegativeShare: other.series[i]?.negativeShare ?? null,
          }))
        : view.series,
    [view.series, other],
  );

  const { current, previous } = view;
  const scored = (t: typeof current) => t.count - t.unscored;
  const share = (n: number, t: typeof current) => (scored(t) > 0 ? (n / scored(t)) * 100 : null);
  const pct = (v: number | null) => (v === null ? "–" : `${v.toFixed(0)}%`);
  const diff = (a: number | null, b: number | null) =>
    a === null || b === null ? null : b === 0 ? null : ((a - b) / Math.abs(b)) * 100;
  const domain = { start: view.w.start, end: view.w.end, bucketMs: view.w.bucketMs };
  const exportHref = (kind: "aggregates" | "posts") =>
    `/api/pulse/${encodeURIComponent(trackerId)}/export?kind=${kind}&range=${range}`;

  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <nav aria-label="Time range" className="flex flex-wrap gap-1">
          {(Object.keys(RANGES) as RangeKey[]).map((key) => (
            <Link
              key={key}
              href={`?range=${key}`}
              scroll={false}
              aria-current={key === range ? "page" : undefined}
              className={cn(
                "rounded-md border px-3 py-1.5 text-sm",
                key === range
                  ? "border-primary bg-primary text-primary-foreground"
                  : "hover:bg-accent",
              )}
            >
              {RANGES[key].label}
            </Link>
          ))}
        </nav>
        <div className="flex flex-wrap items-center gap-3">
          <LiveBadge status={live.status} />
          <a
            href={exportHref("aggregates")}
            download
            className="inline-flex items-center gap-1 rounded-md border px-3 py-1.5 text-sm hover:bg-accent"
          >
            <Download className="size-4" aria-hidden /> Aggregates CSV
          </a>
          <a
            href={exportHref("posts")}
            download
            className="inline-flex items-center gap-1 rounded-md border px-3 py-1.5 text-sm hover:bg-accent"
          >
            <Download className="size-4" aria-hidden /> Posts CSV
          </a>
        </div>
      </div>

      {filter && <FilterBanner filter={filter} state={filtered} onClear={() => setFilter(null)} />}

      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat
          label="Posts"
          testId="total-posts"
          value={current.count.toLocaleString("en")}
          delta={change(current.count, previous.count)}
        />
        <Stat
          label="Positive"
          testId="total-positive"
          value={pct(share(current.positive, current))}
          delta={diff(share(current.positive, current), share(previous.positive, previous))}
        />
        <Stat
          label="Negative"
          testId="total-negative"
          value={pct(share(current.negative, current))}
          delta={diff(share(current.negative, current), share(previous.negative, previous))}
        />
        <Stat
          label="Mean score"
          testId="mean-score"
          value={current.meanScore === null ? "–" : current.meanScore.toFixed(2)}
          delta={diff(current.meanScore, previous.meanScore)}
        />
      </div>

      <Card>
        <CardHeader className="flex-row flex-wrap items-start justify-between gap-3 pb-2">
          <div className="grid gap-1.5">
            <CardTitle className="text-base">Volume</CardTitle>
            <CardDescription>
              Posts per{" "}
              {view.w.bucketMs >= 3_600_000
                ? "hour"
                : view.w.bucketMs > 60_000
                  ? "15 min"
                  : "minute"}
              ; red dots mark spikes (over the recent mean by 3σ).
            </CardDescription>
          </div>
          {others.length > 0 && (
            <label className="flex items-center gap-2 text-sm">
              <span className="text-muted-foreground">Compare with</span>
              <Select size="sm" value={compareId} onChange={(e) => setCompareId(e.target.value)}>
                <option value="">—</option>
                {others.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </Select>
            </label>
          )}
        </CardHeader>
        <CardContent className="px-2 sm:px-6" data-testid="volume-chart">
          <VolumeChart
            data={volume}
            domain={domain}
            compareName={compareId ? compareName : undefined}
          />
          {other && compareName && (
            <div className="mt-4 px-2 sm:px-0">
              <CompareTable
                rows={[
                  { name: trackerName ?? "This tracker", totals: current },
                  { name: compareName, totals: other.current },
                ]}
              />
            </div>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader className="pb-2">
          <CardTitle className="text-base">Sentiment over time</CardTitle>
          <CardDescription>
            Share of scored posts that are positive or negative, and the mean score. Scorers lean
            positive: watch the trend rather than the level.
          </CardDescription>
        </CardHeader>
        <CardContent className="px-2 sm:px-6" data-testid="sentiment-chart">
          <SentimentChart
            data={sentiment}
            domain={domain}
            compareName={compareId ? compareName : undefined}
          />
        </CardContent>
      </Card>

      <LanguageCard rows={languages} active={filter} onPick={setFilter} />

      <div className="grid gap-4 lg:grid-cols-3">
        <Card>
          <CardHeader className="pb-3">
            <CardTitle className="text-base">Distribution</CardTitle>
            <CardDescription>Posts in this range by sentiment.</CardDescription>
          </CardHeader>
          <CardContent className="px-2 sm:px-6" data-testid="distribution-chart">
            <DistributionChart totals={current} />
          </CardContent>
        </Card>
        <TermList
          title="Top hashtags"
          rows={hashtags}
          kind="hashtag"
          active={filter}
          onPick={setFilter}
        />
        <TermList title="Top terms" rows={terms} kind="term" active={filter} onPick={setFilter} />
      </div>

      <Card>
        <CardHeader className="pb-3">
          <CardTitle className="text-base">Posts</CardTitle>
          <CardDescription>
            The latest posts, live. Scroll down to pause; new ones wait above.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <PostList
            trackerId={trackerId}
            livePosts={live.posts}
            filter={filter}
            onClearFilter={() => setFilter(null)}
          />
        </CardContent>
      </Card>
    </div>
  );
}
