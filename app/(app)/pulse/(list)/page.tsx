import { Activity, Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { StatusBadge } from "@/components/pulse/status-badge";
import { TrackerControls } from "@/components/pulse/tracker-controls";
import { Button } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/session";
import { lastDayCounts } from "@/lib/pulse/aggregates";
import { listTrackers } from "@/lib/pulse/trackers";
import { SOURCE_NAMES } from "@/lib/pulse/types";

export const metadata: Metadata = { title: "Pulse" };

export default async function PulsePage() {
  const user = await requireUser("/pulse");
  const trackers = await listTrackers(user.id);
  const counts = await lastDayCounts(trackers.map((t) => t.id));

  return (
    <div className="grid gap-5">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Pulse</h1>
          <p className="text-sm text-muted-foreground">
            Track keywords and hashtags on live social feeds and watch their sentiment as posts
            arrive.
          </p>
        </div>
        <Button asChild>
          <Link href="/pulse/new">
            <Plus aria-hidden /> New tracker
          </Link>
        </Button>
      </div>

      {trackers.length === 0 ? (
        <div className="flex flex-col items-center gap-3 rounded-lg border bg-card px-6 py-16 text-center">
          <Activity className="size-10 text-muted-foreground" aria-hidden />
          <h2 className="text-lg font-semibold">No trackers yet</h2>
          <p className="max-w-md text-sm text-muted-foreground">
            A tracker follows keywords and hashtags on Bluesky, Mastodon or X — or replays a file of
            posts from your Drive — and charts how people feel about them, live.
          </p>
          <Button asChild>
            <Link href="/pulse/new">Create your first tracker</Link>
          </Button>
        </div>
      ) : (
        <ul className="grid gap-3" aria-label="Trackers">
          {trackers.map((t) => (
            <li
              key={t.id}
              className="flex flex-col gap-3 rounded-lg border bg-card p-4 sm:flex-row sm:items-center"
            >
              <div className="min-w-0 flex-1">
                <div className="flex flex-wrap items-center gap-2">
                  <Link href={`/pulse/${t.id}`} className="truncate font-medium hover:underline">
                    {t.name}
                  </Link>
                  <StatusBadge status={t.status} />
                </div>
                <p className="mt-1 truncate text-sm text-muted-foreground">
                  {[...t.keywords, ...t.hashtags.map((h) => `#${h}`)].join(", ")}
                </p>
                <p className="mt-0.5 text-xs text-muted-foreground">
                  {t.sources.map((s) => SOURCE_NAMES[s]).join(" · ")} ·{" "}
                  {(counts.get(t.id) ?? 0).toLocaleString()} posts in the last 24 h
                </p>
              </div>
              <TrackerControls trackerId={t.id} status={t.status} name={t.name} compact />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
