import "server-only";
import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import { logger } from "@/lib/log/logger";
import type { PreviewOutcome } from "./preview";
import { PREVIEW_HEADERS } from "./preview-schemas";

// Shared by the preview and thumbnail route handlers: the session check and the answers.

export function jsonError(status: number, message: string): Response {
  return Response.json({ message }, { status, headers: { "cache-control": "private, no-store" } });
}

/** Runs `handle` for the signed-in user; 401 without a session, 503 when a service is down. */
export async function withImageUser(
  handle: (userId: string) => Promise<Response>,
): Promise<Response> {
  const user = await currentUser();
  if (!user) return jsonError(401, SESSION_ENDED);
  try {
    return await handle(user.id);
  } catch (err) {
    logger.error("image preview request failed", { error: err });
    return jsonError(503, "The preview could not be made right now. Try again in a moment.");
  }
}

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
  if (!outcome.ok) return jsonError(outcome.status, outcome.message);
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
