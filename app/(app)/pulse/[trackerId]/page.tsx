import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { BackfillControl } from "@/components/pulse/backfill-control";
import { Dashboard } from "@/components/pulse/dashboard";
import { ReplayStatus } from "@/components/pulse/replay-status";
import { StatusBadge } from "@/components/pulse/status-badge";
import { TrackerControls } from "@/components/pulse/tracker-controls";
import { requireUser } from "@/lib/auth/session";
import { canBackfill } from "@/lib/pulse/backfill";
import { backfillState } from "@/lib/pulse/backfill-requests";
import { snapshot } from "@/lib/pulse/live";
import { rangeSchema } from "@/lib/pulse/schemas";
import { getTracker, listTrackers, replayProgress } from "@/lib/pulse/trackers";
import { SOURCE_NAMES } from "@/lib/pulse/types";

export const metadata: Metadata = { title: "Tracker · Pulse" };

export default async function TrackerPage({
  params,
  searchParams,
}: PageProps<"/pulse/[trackerId]">) {
  const { trackerId } = await params;
  const user = await requireUser(`/pulse/${trackerId}`);
  const tracker = await getTracker(user.id, trackerId);
  if (!tracker) notFound();
  const rawRange = (await searchParams).range;
  const range = rangeSchema.catch("1h").parse(Array.isArray(rawRange) ? rawRange[0] : rawRange);
  const backfills = canBackfill(tracker.sources);
  const [snap, all, replay, backfill] = await Promise.all([
    snapshot(tracker.id, range),
    listTrackers(user.id),
    tracker.sources.includes("replay") ? replayProgress(user.id, tracker.id) : null,
    backfills ? backfillState(user.id, tracker.id) : null,
  ]);

  return (
    <div className="grid gap-5">
      <div className="grid gap-3">
        <Link
          href="/pulse"
          className="inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
        >
          <ArrowLeft className="size-4" aria-hidden /> All trackers
        </Link>
        <div className="flex flex-col gap-3 lg:flex-row lg:items-start lg:justify-between">
          <div className="min-w-0">
            <div className="flex flex-wrap items-center gap-2">
              <h1 className="truncate text-2xl font-semibold tracking-tight">{tracker.name}</h1>
              <StatusBadge
                status={tracker.status}
                replay={
                  replay && tracker.sources.length === 1
                    ? replay.state === "error"
                      ? "error"
                      : replay.cursor === "done"
                        ? "finished"
                        : null
                    : null
                }
              />
            </div>
            <p className="mt-1 text-sm text-muted-foreground">
              {[...tracker.keywords, ...tracker.hashtags.map((h) => `#${h}`)].join(", ")} ·{" "}
              {tracker.sources.map((s) => SOURCE_NAMES[s]).join(", ")}
              {tracker.languages.length > 0 && ` · ${tracker.languages.join(", ")}`}
            </p>
            {tracker.pausedReason && (
              <p
                className="mt-2 max-w-prose rounded-md border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-sm"
                data-testid="paused-reason"
                role="status"
              >
                {tracker.pausedReason}
              </p>
            )}
            {replay && (
              <ReplayStatus
                trackerId={tracker.id}
                fileName={tracker.replayFileName}
                speed={tracker.replaySpeed}
                initial={replay}
              />
            )}
          </div>
          <div className="grid gap-3 lg:justify-items-end">
            <TrackerControls trackerId={tracker.id} status={tracker.status} name={tracker.name} />
            {backfills && <BackfillControl trackerId={tracker.id} state={backfill} range={range} />}
          </div>
        </div>
      </div>
      <Dashboard
        key={range}
        trackerId={tracker.id}
        trackerName={tracker.name}
        range={range}
        snapshot={snap}
        others={all.filter((t) => t.id !== tracker.id).map((t) => ({ id: t.id, name: t.name }))}
      />
    </div>
  );
}
