import { renderThumbnail } from "@/lib/images/preview";
import { jsonError, previewResponse, withImageUser } from "@/lib/images/preview-http";
import { firstIssue, ThumbnailRequest } from "@/lib/images/preview-schemas";

export const dynamic = "force-dynamic";

// GET ?fileId=…&kind=… → one filter, with its default settings, on a 160 px copy of the user's
// image (WebP): the pictures in the editor's "add a filter" menu.
export async function GET(request: Request) {
  return withImageUser(async (userId) => {
    const params = new URL(request.url).searchParams;
    const parsed = ThumbnailRequest.safeParse({
      fileId: params.get("fileId") ?? undefined,
      kind: params.get("kind") ?? undefined,
    });
    if (!parsed.success) return jsonError(400, firstIssue(parsed.error));
    const outcome = await renderThumbnail(userId, parsed.data, { signal: request.signal });
    return previewResponse(outcome, request, 3600);
  });
}
