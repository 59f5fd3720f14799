import { renderPreview } from "@/lib/images/preview";
import { userSlots } from "@/lib/limits/user-slots";
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
    // Rendering is CPU work of this server: one user may have only a few in flight.
    const slot = userSlots("image-previews").acquire(userId);
    if (!slot.ok) return jsonError(429, slot.message);
    try {
      const outcome = await renderPreview(userId, parsed.data, { signal: request.signal });
      return previewResponse(outcome, request, 300);
    } finally {
      slot.release();
    }
  });
}
