import { HttpError } from "@/lib/server/errors";
import { json, withUser } from "@/lib/server/route";
import { replayProgress, TRACKER_NOT_FOUND } from "@/lib/pulse/trackers";

export const dynamic = "force-dynamic";

// Where the tracker's replay is (row, finished, the listener's last error): the dashboard polls it.
export const GET = withUser<{ trackerId: string }>(async ({ user, params }) => {
  const progress = await replayProgress(user.id, params.trackerId);
  if (!progress) throw new HttpError(404, TRACKER_NOT_FOUND);
  return json(progress);
});
