import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TrackerForm } from "@/components/pulse/tracker-form";
import { requireUser } from "@/lib/auth/session";
import { updateTrackerAction } from "@/lib/pulse/actions";
import { getTracker, listReplayFiles } from "@/lib/pulse/trackers";

export const metadata: Metadata = { title: "Edit tracker · Pulse" };

export default async function EditTrackerPage({ params }: PageProps<"/pulse/[trackerId]/edit">) {
  const { trackerId } = await params;
  const user = await requireUser(`/pulse/${trackerId}/edit`);
  const tracker = await getTracker(user.id, trackerId);
  if (!tracker) notFound();
  const replayFiles = await listReplayFiles(user.id);
  return (
    <div className="grid max-w-3xl gap-5">
      <h1 className="text-2xl font-semibold tracking-tight">Edit “{tracker.name}”</h1>
      <TrackerForm
        action={updateTrackerAction.bind(null, tracker.id)}
        tracker={tracker}
        replayFiles={replayFiles}
        submitLabel="Save changes"
      />
    </div>
  );
}
