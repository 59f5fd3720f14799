import { renderPreview } from "@/lib/images/preview";
import { userSlots } from "@/lib/limits/user-slots";
import { PREVIEW_FAILED, previewResponse } from "@/lib/images/preview-response";
import { firstIssue, PreviewRequest } from "@/lib/images/preview-schemas";
import { HttpError } from "@/lib/server/errors";
import { readJson, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// POST { fileId, chain } → the chain rendered on a 1024 px copy of the user's image (WebP).
// A request the editor superseded is aborted by the browser; request.signal stops its work.
export const POST = withUser(
  async ({ request, user }) => {
    const input = await readJson(request, PreviewRequest, firstIssue);
    if (request.signal.aborted) throw new HttpError(499, "A newer preview replaced this one.");
    // Rendering is CPU work of this server: one user may have only a few in flight.
    const slot = await userSlots("image-previews").acquireWithin(user.id, request.signal);
    if (!slot.ok) throw new HttpError(429, slot.message);
    try {
      const outcome = await renderPreview(user.id, input, { signal: request.signal });
      return previewResponse(outcome, request, 300);
    } finally {
      slot.release();
    }
  },
  { failure: PREVIEW_FAILED },
);
