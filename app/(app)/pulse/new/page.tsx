import type { Metadata } from "next";
import { TrackerForm } from "@/components/pulse/tracker-form";
import { requireUser } from "@/lib/auth/session";
import { createTrackerAction } from "@/lib/pulse/actions";
import { listReplayFiles } from "@/lib/pulse/trackers";

export const metadata: Metadata = { title: "New tracker · Pulse" };

export default async function NewTrackerPage() {
  const user = await requireUser("/pulse/new");
  const replayFiles = await listReplayFiles(user.id);
  return (
    <div className="grid max-w-3xl gap-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">New tracker</h1>
        <p className="text-sm text-muted-foreground">
          It starts collecting as soon as you save; posts appear on its dashboard within seconds.
        </p>
      </div>
      <TrackerForm
        action={createTrackerAction}
        replayFiles={replayFiles}
        submitLabel="Create tracker"
      />
    </div>
  );
}
