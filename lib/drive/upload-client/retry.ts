import { AbortError, isAbort, StoreError } from "./transport";
import { ApiError } from "./upload-api";
import { isRetryable } from "./upload-messages";

export type RetryOptions = {
  signal: AbortSignal;
  /** What is retried, for the note: "part 3", "the file", "the last step". */
  what: string;
  maxRetries: number;
  retryBaseMs: number;
  random: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** A note for the user while retrying; null once an attempt succeeded after a retry. */
  onNote: (note: string | null) => void;
};

/** Resolves after `ms`, or rejects with an AbortError as soon as the signal aborts. */
export const abortableSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new AbortError());
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError());
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });

/**
 * Runs `attemptOnce` until it succeeds, a failure is not worth retrying, or maxRetries further
 * attempts failed too; each attempt learns the previous error (a 403 means: renew the URL).
 */
export async function withRetries(
  options: RetryOptions,
  attemptOnce: (attempt: number, lastError: unknown) => Promise<void>,
): Promise<void> {
  const { signal, maxRetries } = options;
  let lastError: unknown = null;
  for (let attempt = 0; ; attempt++) {
    try {
      await attemptOnce(attempt, lastError);
      if (attempt > 0) options.onNote(null);
      return;
    } catch (err) {
      if (signal.aborted || isAbort(err)) throw new AbortError();
      if (!isRetryable(err) || attempt >= maxRetries) throw err;
      lastError = err;
      // Exponential backoff with jitter, so that parallel parts do not retry in lockstep.
      const delay = options.retryBaseMs * 2 ** attempt * (0.75 + options.random() * 0.5);
      const reason =
        err instanceof StoreError && err.status === 403
          ? "upload link expired, renewing it"
          : err instanceof ApiError && err.status >= 500
            ? "the server is busy"
            : "connection problem";
      options.onNote(
        `Retrying ${options.what} (${reason}, attempt ${attempt + 2} of ${maxRetries + 1})…`,
      );
      await options.sleep(delay, signal);
    }
  }
}
