// How a task's attempts are counted and named, in one place for the engine's stored messages and
// the log dialog, so that no text mixes the attempts made with the attempts allowed (the dialog
// once headed "Attempt 1 of 3: …" above tabs reading "Attempt 1 of 2").

/** A task runs at most this often: the first attempt and two retries. */
export const MAX_TASK_ATTEMPTS = 3;

/** A failed attempt's message, numbered from 1: "Attempt 1 of up to 3: The mapper exited …". */
export function attemptFailure(
  attempt: number,
  allowed: number,
  reason: string,
  notRetried: string | null,
): string {
  return `Attempt ${attempt} of up to ${allowed}: ${reason}${notRetried ? ` (${notRetried})` : ""}`;
}

/** The attempts made so far against those allowed: "2 attempts made of the 3 allowed". */
export function attemptsMade(made: number, allowed: number): string {
  return `${made} attempt${made === 1 ? "" : "s"} made of the ${allowed} allowed`;
}
