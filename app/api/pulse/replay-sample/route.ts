import { z } from "zod";
import { REPLAY_SAMPLE_FORMATS, replaySample } from "@/lib/pulse/replay-sample";
import { readQuery, withUser } from "@/lib/server/route";

// The tracker form's "download a sample" links: a small replay file in either format.
export const GET = withUser(async ({ request }) => {
  const { format } = readQuery(
    request,
    z.object({ format: z.enum(REPLAY_SAMPLE_FORMATS).default("ndjson") }),
    "Choose ndjson or csv.",
  );
  return new Response(replaySample(format), {
    headers: {
      "cache-control": "private, max-age=3600",
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
      "content-disposition": `attachment; filename="pulse-replay-sample.${format}"`,
    },
  });
});
