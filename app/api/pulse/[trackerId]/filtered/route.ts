import { filteredView } from "@/lib/pulse/filtered";
import { postQuerySchema, rangeSchema } from "@/lib/pulse/schemas";
import { assertOwnsTracker } from "@/lib/pulse/trackers";
import { firstIssueMessage, json, readQuery, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// The dashboard's widgets for one hashtag, term or language (lib/pulse/filtered.ts); owner only.
const querySchema = postQuerySchema
  .pick({ hashtag: true, term: true, language: true })
  .extend({ range: rangeSchema })
  .refine((q) => [q.hashtag, q.term, q.language].filter(Boolean).length === 1, {
    message: "Filter by one hashtag, term or language.",
  });

export const GET = withUser<{ trackerId: string }>(async ({ request, user, params }) => {
  await assertOwnsTracker(user.id, params.trackerId);
  const { range, ...filter } = readQuery(request, querySchema, firstIssueMessage("Bad filter."));
  return json(await filteredView(params.trackerId, range, filter));
});
