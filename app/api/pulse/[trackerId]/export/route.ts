import { aggregatesCsv, postsCsv } from "@/lib/pulse/export";
import { rangeStart } from "@/lib/pulse/live";
import { exportQuerySchema } from "@/lib/pulse/schemas";
import { getTracker, TRACKER_NOT_FOUND } from "@/lib/pulse/trackers";
import { HttpError } from "@/lib/server/errors";
import { NO_STORE, readQuery, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// CSV downloads of a tracker's aggregates or posts for the dashboard's range; owner only.
export const GET = withUser<{ trackerId: string }>(async ({ request, user, params }) => {
  const tracker = await getTracker(user.id, params.trackerId);
  if (!tracker) throw new HttpError(404, TRACKER_NOT_FOUND);
  const query = readQuery(request, exportQuerySchema, "Choose aggregates or posts.");
  const from = rangeStart(query.range, Date.now());
  const rows =
    query.kind === "posts" ? postsCsv(tracker.id, from) : aggregatesCsv(tracker.id, from);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await rows.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  const slug =
    tracker.name
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "tracker";
  const filename = `pulse-${slug}-${query.kind}-${query.range}.csv`;
  return new Response(body, {
    headers: {
      "cache-control": NO_STORE,
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename.replace(/[^\x20-\x7e]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    },
  });
});
