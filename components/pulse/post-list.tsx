"use client";

import { ExternalLink, X } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { LocalDateTime } from "@/components/shared/local-date-time";
import { Button } from "@/components/ui/button";
import { languageName } from "@/lib/pulse/language-name";
import { SOURCE_NAMES } from "@/lib/pulse/types";
import type { PostView } from "@/lib/pulse/view-types";
import { cn } from "@/lib/utils";
import { mergePosts, newerFirst } from "./use-live";

// The live sample of posts: tabs per sentiment, an optional hashtag or term filter (set by the top
// lists), and a pause while the reader is scrolled down — new posts wait behind a button instead
// of pushing what they are reading away.

export type PostFilter = { kind: "hashtag" | "term" | "language"; value: string } | null;

const TABS = [
  { key: "all", label: "All" },
  { key: "positive", label: "Positive" },
  { key: "negative", label: "Negative" },
  { key: "neutral", label: "Neutral" },
  { key: "unscored", label: "Unscored" },
] as const;
type Tab = (typeof TABS)[number]["key"];

const LABEL_STYLE: Record<string, string> = {
  positive: "bg-success/15 text-success",
  negative: "bg-destructive/15 text-destructive",
  neutral: "bg-muted text-muted-foreground",
  unscored: "bg-muted text-muted-foreground italic",
};

function matches(p: PostView, tab: Tab, filter: PostFilter) {
  if (tab !== "all" && p.label !== tab) return false;
  if (filter?.kind === "hashtag" && !p.hashtags.includes(filter.value)) return false;
  if (filter?.kind === "term" && !p.terms.includes(filter.value)) return false;
  if (filter?.kind === "language" && p.language !== filter.value) return false;
  return true;
}

export function PostList({
  trackerId,
  livePosts,
  filter,
  onClearFilter,
}: {
  trackerId: string;
  livePosts: PostView[];
  filter: PostFilter;
  onClearFilter: () => void;
}) {
  const [tab, setTab] = useState<Tab>("all");
  const [fetched, setFetched] = useState<{ key: string; posts: PostView[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pausedAt, setPausedAt] = useState<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const key = `${tab}|${filter?.kind ?? ""}|${filter?.value ?? ""}`;

  // A tab or filter asks the server: the live sample only holds the latest few hundred posts.
  useEffect(() => {
    if (tab === "all" && !filter) return;
    const params = new URLSearchParams({ limit: "100" });
    if (tab !== "all") params.set("label", tab);
    if (filter) params.set(filter.kind, filter.value);
    let cancelled = false;
    fetch(`/api/pulse/${encodeURIComponent(trackerId)}/posts?${params}`)
      .then(async (res) => {
        const body = (await res.json()) as { posts?: PostView[]; message?: string };
        if (!res.ok || !body.posts) throw new Error(body.message ?? "Could not load posts.");
        if (!cancelled) {
          setFetched({ key, posts: body.posts });
          setError(null);
        }
      })
      .catch((err: Error) => !cancelled && setError(err.message));
    return () => {
      cancelled = true;
    };
  }, [trackerId, tab, filter, key]);

  const all = useMemo(() => {
    const base = fetched?.key === key ? fetched.posts : [];
    return mergePosts(
      base,
      livePosts.filter((p) => matches(p, tab, filter)),
      300,
    )
      .filter((p) => matches(p, tab, filter))
      .sort(newerFirst);
  }, [fetched, key, livePosts, tab, filter]);

  const shown = pausedAt
    ? all.filter((p) => newerFirst(p, { id: pausedAt } as PostView) >= 0)
    : all;
  const waiting = all.length - shown.length;
  const loading = (tab !== "all" || filter !== null) && fetched?.key !== key && !error;

  function onScroll() {
    const top = scroller.current?.scrollTop ?? 0;
    if (top > 8 && !pausedAt) setPausedAt(all[0]?.id ?? "0");
    else if (top <= 8 && pausedAt) setPausedAt(null);
  }

  function resume() {
    scroller.current?.scrollTo({ top: 0 });
    setPausedAt(null);
  }

  return (
    <div className="grid gap-3">
      <div role="tablist" aria-label="Sentiment" className="flex flex-wrap gap-1">
        {TABS.map((t) => (
          <button
            key={t.key}
            role="tab"
            type="button"
            aria-selected={tab === t.key}
            onClick={() => {
              setTab(t.key);
              setPausedAt(null);
            }}
            className={cn(
              "rounded-md px-3 py-1.5 text-sm",
              tab === t.key ? "bg-primary text-primary-foreground" : "hover:bg-accent",
            )}
          >
            {t.label}
          </button>
        ))}
      </div>
      {filter && (
        <div className="flex items-center gap-2 text-sm">
          <span className="text-muted-foreground">Filtered by</span>
          <span
            data-testid="post-filter"
            className="inline-flex items-center gap-1 rounded-full bg-accent px-2.5 py-0.5 font-medium"
          >
            {filter.kind === "hashtag"
              ? `#${filter.value}`
              : filter.kind === "language"
                ? languageName(filter.value)
                : filter.value}
            <button
              type="button"
              onClick={onClearFilter}
              aria-label="Clear the filter"
              className="rounded-full hover:bg-background/60"
            >
              <X className="size-3.5" aria-hidden />
            </button>
          </span>
        </div>
      )}
      {waiting > 0 && (
        <Button variant="outline" size="sm" onClick={resume} className="justify-self-start">
          {waiting} new {waiting === 1 ? "post" : "posts"} — show
        </Button>
      )}
      {error && <p className="text-sm text-destructive">{error}</p>}
      <div
        ref={scroller}
        onScroll={onScroll}
        className="max-h-[32rem] overflow-y-auto rounded-md border"
        aria-live={pausedAt ? "off" : "polite"}
        aria-busy={loading}
        data-testid="post-list"
      >
        {shown.length === 0 ? (
          <p className="px-4 py-10 text-center text-sm text-muted-foreground">
            {loading ? "Loading posts…" : "No posts here yet. New ones appear as they arrive."}
          </p>
        ) : (
          <ul className="divide-y">
            {shown.map((p) => (
              <li key={p.id} className="grid gap-1 px-4 py-3" data-testid="post">
                <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-muted-foreground">
                  <span
                    className={cn("rounded px-1.5 py-0.5 font-medium", LABEL_STYLE[p.label])}
                    data-testid="post-label"
                  >
                    {p.label}
                    {p.score !== null && p.score !== 0
                      ? ` ${p.score > 0 ? "+" : ""}${+p.score.toFixed(2)}`
                      : ""}
                  </span>
                  {p.author && (
                    <span className="truncate font-medium text-foreground">{p.author}</span>
                  )}
                  <span data-testid="post-source">{SOURCE_NAMES[p.source] ?? p.source}</span>
                  <span
                    data-testid="post-language"
                    title={p.lang ? `Tagged "${p.lang}" by the platform` : "No platform tag"}
                  >
                    {languageName(p.language)}
                  </span>
                  {p.confidence !== null && (
                    <span title="The model's confidence in this label">
                      {Math.round(p.confidence * 100)}% sure
                    </span>
                  )}
                  <LocalDateTime iso={new Date(p.postedAt).toISOString()} />
                  {p.url && /^https?:\/\//.test(p.url) && (
                    <a
                      href={p.url}
                      target="_blank"
                      rel="noopener noreferrer nofollow"
                      className="inline-flex items-center gap-0.5 hover:text-foreground"
                    >
                      <ExternalLink className="size-3" aria-hidden />
                      <span className="sr-only">Open the original post</span>
                    </a>
                  )}
                </div>
                <p className="whitespace-pre-wrap break-words text-sm">{p.text}</p>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
