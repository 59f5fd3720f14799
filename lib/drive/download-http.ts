import "server-only";
import { currentUser, SESSION_ENDED, type CurrentUser } from "@/lib/auth/session";
import { logger } from "@/lib/log/logger";
import type { DriveApiError } from "./types";

// Shared by the download, text-preview and zip handlers: session check and error bodies.

export const NO_STORE = "private, no-store";

export function apiError(status: number, message: string, headers?: HeadersInit): Response {
  const body: DriveApiError = { message };
  const h = new Headers(headers);
  h.set("cache-control", NO_STORE);
  return Response.json(body, { status, headers: h });
}

/** A redirect to a presigned URL; never cached, since the URL expires within minutes. */
export function redirectTo(url: string, status: 302 | 303 = 302): Response {
  return new Response(null, {
    status,
    headers: { location: url, "cache-control": NO_STORE, "referrer-policy": "no-referrer" },
  });
}

export async function withUser(run: (user: CurrentUser) => Promise<Response>): Promise<Response> {
  const user = await currentUser();
  if (!user) return apiError(401, SESSION_ENDED);
  try {
    return await run(user);
  } catch (err) {
    logger.error("drive download request failed", { error: err });
    return apiError(503, "The storage server could not be reached. Try again in a moment.");
  }
}

export const FILE_NOT_FOUND = "This file does not exist or is in the trash.";
