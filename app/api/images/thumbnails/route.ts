import { renderThumbnail } from "@/lib/images/preview";
import { PREVIEW_FAILED, previewResponse } from "@/lib/images/preview-response";
import { firstIssue, ThumbnailRequest } from "@/lib/images/preview-schemas";
import { readQuery, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// GET ?fileId=…&kind=… → one filter, with its default settings, on a 160 px copy of the user's
// image (WebP): the pictures in the editor's "add a filter" menu.
export const GET = withUser(
  async ({ request, user }) => {
    const input = readQuery(request, ThumbnailRequest, firstIssue);
    const outcome = await renderThumbnail(user.id, input, { signal: request.signal });
    return previewResponse(outcome, request, 3600);
  },
  { failure: PREVIEW_FAILED },
);
