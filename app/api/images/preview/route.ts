import { renderPreview } from "@/lib/images/preview";
import { jsonError, previewResponse, withImageUser } from "@/lib/images/preview-http";
import { firstIssue, PreviewRequest } from "@/lib/images/preview-schemas";

export const dynamic = "force-dynamic";

// POST { fileId, chain } → the chain rendered on a 1024 px copy of the user's image (WebP).
// A request the editor superseded is aborted by the browser; request.signal stops its work.
export async function POST(request: Request) {
  return withImageUser(async (userId) => {
    const body: unknown = await request.json().catch(() => undefined);
    const parsed = PreviewRequest.safeParse(body);
    if (!parsed.success) return jsonError(400, firstIssue(parsed.error));
    if (request.signal.aborted) return jsonError(499, "A newer preview replaced this one.");
    const outcome = await renderPreview(userId, parsed.data, { signal: request.signal });
    return previewResponse(outcome, request, 300);
  });
}
