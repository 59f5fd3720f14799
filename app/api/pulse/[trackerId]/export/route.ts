import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import { aggregatesCsv, postsCsv } from "@/lib/pulse/export";
import { rangeStart } from "@/lib/pulse/live";
import { exportQuerySchema } from "@/lib/pulse/schemas";
import { getTracker } from "@/lib/pulse/trackers";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "private, no-store" };

// CSV downloads of a tracker's aggregates or posts for the dashboard's range; owner only.
export async function GET(request: Request, ctx: RouteContext<"/api/pulse/[trackerId]/export">) {
  const user = await currentUser();
  if (!user) return Response.json({ message: SESSION_ENDED }, { status: 401, headers: NO_STORE });
  const tracker = await getTracker(user.id, (await ctx.params).trackerId);
  if (!tracker)
    return Response.json(
      { message: "This tracker does not exist." },
      { status: 404, headers: NO_STORE },
    );
  const q = exportQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!q.success)
    return Response.json(
      { message: "Choose aggregates or posts." },
      { status: 400, headers: NO_STORE },
    );
  const from = rangeStart(q.data.range, Date.now());
  const rows =
    q.data.kind === "posts" ? postsCsv(tracker.id, from) : aggregatesCsv(tracker.id, from);
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
  const filename = `pulse-${slug}-${q.data.kind}-${q.data.range}.csv`;
  return new Response(body, {
    headers: {
      ...NO_STORE,
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename.replace(/[^\x20-\x7e]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    },
  });
}
