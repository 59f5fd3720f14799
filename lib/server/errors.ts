// Relative imports: MapReduce task threads load this (through PlanError) without the "@/" alias.
import { contextRequestId } from "../log/context";
import { logger } from "../log/logger";

// One rule for which error messages a user may read: those of a UserFacingError (and of its
// subclasses, HttpError included). Everything else is a bug or an outage; its text stays in the
// logs, and the user reads a generic sentence with the request id to quote.

/**
 * A failure the user can act on (a corrupt image, a full Drive, a missing input…): its message is
 * written for them and shown as is, in a form, an HTTP answer or a job's error.
 *
 * Every subclass keeps the name "UserFacingError": a background function's onFailure receives the
 * error serialized (name and message, no prototype), so the name is what says it is one.
 */
export class UserFacingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = USER_FACING;
  }
}

const USER_FACING = "UserFacingError";

/** A UserFacingError that also says how to answer over HTTP; route handlers throw it. */
export class HttpError extends UserFacingError {
  readonly status: number;
  readonly errors?: Record<string, string[]>;
  readonly headers?: HeadersInit;

  constructor(
    status: number,
    message: string,
    options?: { errors?: Record<string, string[]>; headers?: HeadersInit; cause?: unknown },
  ) {
    super(message, options);
    this.status = status;
    this.errors = options?.errors;
    this.headers = options?.headers;
  }
}

/** True for a UserFacingError, or one that crossed a process boundary as { name, message }. */
export function isUserFacing(error: unknown): error is { name: string; message: string } {
  if (error instanceof UserFacingError) return true;
  if (typeof error !== "object" || error === null) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return name === USER_FACING && typeof message === "string";
}

export const GENERIC_FAILURE = "Something went wrong on our side. Try again in a moment.";

/** The generic sentence, with the id that finds the full story in the logs. */
export function withRequestId(message: string, requestId: string | undefined): string {
  return requestId ? `${message} (Request id: ${requestId}.)` : message;
}

/**
 * What the user may read about `error`: its own message when it is user-facing; otherwise
 * `generic` with the request id, and the error is logged in full under that id. Every job status
 * write and every onFailure handler goes through this.
 */
export function userMessage(
  error: unknown,
  generic: string = GENERIC_FAILURE,
  requestId: string | undefined = contextRequestId(),
): string {
  if (isUserFacing(error)) return error.message;
  logger.error("internal error hidden from the user", { requestId, error: asError(error) });
  return withRequestId(generic, requestId);
}

// onFailure hands over a plain { name, message, stack }; the logger serializes real Errors only.
function asError(error: unknown): unknown {
  if (error instanceof Error || typeof error !== "object" || error === null) return error;
  const { name, message, stack } = error as { name?: unknown; message?: unknown; stack?: unknown };
  const out = new Error(typeof message === "string" ? message : JSON.stringify(error));
  if (typeof name === "string") out.name = name;
  if (typeof stack === "string") out.stack = stack;
  return out;
}
