import "server-only";
import { currentUser, SESSION_ENDED, type CurrentUser } from "@/lib/auth/session";
import { logger } from "@/lib/log/logger";
import { ForeignKeyError } from "@/lib/storage/keys";
import type { DriveApiError } from "./types";
import { UploadError } from "./uploads";

// The plumbing every /api/drive/uploads handler shares: session, JSON body, error bodies.

const NO_STORE = { "cache-control": "no-store" };

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: NO_STORE });
}

export function apiError(status: number, message: string, errors?: Record<string, string[]>) {
  const body: DriveApiError = errors ? { message, errors } : { message };
  return json(body, status);
}

/** The request's JSON body; an empty body reads as {} so optional-only bodies may be omitted. */
export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UploadError(400, "The request body is not valid JSON.");
  }
}

export async function withUser(run: (user: CurrentUser) => Promise<Response>): Promise<Response> {
  const user = await currentUser();
  if (!user) return apiError(401, SESSION_ENDED);
  try {
    return await run(user);
  } catch (err) {
    if (err instanceof UploadError) return apiError(err.status, err.message, err.errors);
    // Keys come from our own rows; this would be a bug, and must not hint at another user's data.
    if (err instanceof ForeignKeyError) return apiError(404, "This upload does not exist.");
    logger.error("drive upload request failed", { error: err });
    return apiError(
      503,
      "The storage server could not be reached or failed. Try again in a moment.",
    );
  }
}
