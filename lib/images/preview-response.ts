import "server-only";
import { HttpError } from "@/lib/server/errors";
import type { PreviewOutcome } from "./preview";
import { PREVIEW_HEADERS } from "./preview-schemas";

/** What the preview routes answer when rendering fails unexpectedly (the request id follows). */
export const PREVIEW_FAILED = "The preview could not be made right now. Try again in a moment.";

/**
 * The image, or the reason there is none. Previews and thumbnails depend only on the file's
 * stored version and the chain, so a browser may reuse them for a while (they are private: the
 * image is the user's own); the ETag lets it revalidate for free.
 */
export function previewResponse(
  outcome: PreviewOutcome,
  request: Request,
  maxAgeSeconds: number,
): Response {
  if (!outcome.ok) throw new HttpError(outcome.status, outcome.message);
  const headers = new Headers({
    "content-type": outcome.contentType,
    "cache-control": `private, max-age=${maxAgeSeconds}`,
    etag: outcome.etag,
    [PREVIEW_HEADERS.width]: String(outcome.width),
    [PREVIEW_HEADERS.height]: String(outcome.height),
    [PREVIEW_HEADERS.scale]: outcome.scale.toFixed(6),
    [PREVIEW_HEADERS.cache]: outcome.cached ? "hit" : "miss",
  });
  if (request.headers.get("if-none-match") === outcome.etag) {
    return new Response(null, { status: 304, headers });
  }
  headers.set("content-length", String(outcome.data.length));
  return new Response(new Uint8Array(outcome.data), { status: 200, headers });
}
