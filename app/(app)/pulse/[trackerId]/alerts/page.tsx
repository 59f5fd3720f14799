import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AlertsPanel } from "@/components/pulse/alerts-panel";
import { requireUser } from "@/lib/auth/session";
import { countAlertRules, listAlertEvents, listAlertRules } from "@/lib/pulse/alerts";
import { getTracker } from "@/lib/pulse/trackers";

export const metadata: Metadata = { title: "Alerts · Pulse" };

export default async function TrackerAlertsPage({
  params,
}: PageProps<"/pulse/[trackerId]/alerts">) {
  const { trackerId } = await params;
  const user = await requireUser(`/pulse/${trackerId}/alerts`);
  const tracker = await getTracker(user.id, trackerId);
  if (!tracker) notFound();
  const [rules, events, userRuleCount] = await Promise.all([
    listAlertRules(user.id, tracker.id),
    listAlertEvents(user.id, tracker.id),
    countAlertRules(user.id),
  ]);
  return (
    <div className="grid gap-5">
      <div className="grid gap-2">
        <Link
          href={`/pulse/${tracker.id}`}
          className="inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
        >
          <ArrowLeft className="size-4" aria-hidden /> {tracker.name}
        </Link>
        <h1 className="text-2xl font-semibold tracking-tight">Alerts for “{tracker.name}”</h1>
        <p className="max-w-prose text-sm text-muted-foreground">
          Get an e-mail at {user.email} when the volume of matching posts spikes or their sentiment
          drops.
        </p>
      </div>
      <AlertsPanel
        trackerId={tracker.id}
        rules={rules}
        events={events}
        userRuleCount={userRuleCount}
      />
    </div>
  );
}
