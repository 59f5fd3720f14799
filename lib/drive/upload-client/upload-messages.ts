import { ApiError } from "./upload-api";
import { StoreError } from "./transport";

// Errors as the person uploading should read them: what happened and what to do.

export function explainUploadError(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof StoreError) {
    if (err.status === 0) {
      return "The connection to the storage server was lost. Retry when you are back online.";
    }
    if (err.status === 403) {
      return "The storage server refused the upload link even after renewing it. Retry, or sign in again.";
    }
    if (err.status === 404)
      return "The storage server no longer knows this upload. Start it again.";
    if (err.status >= 500) {
      return `The storage server had a problem (error ${err.status}). Retry in a moment.`;
    }
    return `The storage server refused the upload (error ${err.status}).`;
  }
  return "Something went wrong while uploading. Retry in a moment.";
}

/** Worth trying again automatically: the connection, an expired link, a busy or failing store. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof StoreError) {
    return err.status === 0 || err.status === 403 || err.status === 408 || err.status === 429
      ? true
      : err.status >= 500;
  }
  if (err instanceof ApiError) return err.status === 0 || err.status === 429 || err.status >= 500;
  return false;
}

/**
 * The server has given up on this upload (refused, not found, not saved): resuming it is pointless,
 * a retry must start from scratch.
 */
export function isFinal(err: unknown): boolean {
  return err instanceof ApiError && [400, 404, 413, 422].includes(err.status);
}
