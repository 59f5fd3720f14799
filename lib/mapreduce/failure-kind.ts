import { createHash } from "node:crypto";

// Fail fast: which failed attempts are not worth another one. Hadoop retries every failed
// attempt (mapreduce.map.maxattempts = 4); Stratus gives a task 3, but a program that cannot even
// start, or fails exactly as it did before, would only fail the same way again. The rule:
//  1. A first attempt that fails with a deterministic error is not retried: the program exited
//     (no signal, no limit hit) and its last words are an error Python or Node raise before or
//     while loading the code — SyntaxError, IndentationError, TabError, ModuleNotFoundError,
//     ImportError, Python 2 code under Python 3, Node's "Cannot find module" — or the sandbox
//     could not start it at all (a bad #! line, a missing interpreter, a file that is not
//     executable or not a program).
//  2. A later attempt that fails the same way as the one before it (same reason, with its exit
//     status or signal, and the same last stderr line) is not retried either.
// Everything else — killed by a signal, over a limit, a timeout, a crash that says something
// different each time — gets the usual attempts: a flaky program still gets its second chance.

/** Python's and Node's errors for code that cannot be loaded (not JSON.parse's SyntaxError). */
const LOAD_ERROR =
  /^(?:SyntaxError|IndentationError|TabError|ModuleNotFoundError|ImportError)\b(?!.*JSON)/;
const NODE_MODULE = /Error: Cannot find (?:module|package) |\b(?:ERR_)?MODULE_NOT_FOUND\b/;

/** What bwrap or the kernel say when the program itself cannot be executed. */
const EXEC_ERROR =
  /(?:bwrap: execvp [^\n]*: (?:No such file or directory|Exec format error|Permission denied)|bad interpreter|exec format error)/i;

// Python 3's own words for Python 2 code (the same as sandbox.ts's hint).
const PYTHON2 =
  /Missing parentheses in call to '(print|exec)'|multiple exception types must be parenthesized/;

/** Only a program that exited by itself can have failed deterministically. */
const EXITED = / exited with status \d+/;

/** Why retrying a first attempt that failed like this is pointless, or null when it may help. */
export function deterministicFailure(reason: string, stderrTail: string): string | null {
  if (!EXITED.test(reason)) return null;
  const tail = stderrTail.trim();
  if (EXEC_ERROR.test(tail)) return "the program could not be started";
  if (PYTHON2.test(tail)) return "Python 2 code cannot run under Python 3";
  const error = errorLine(tail);
  if (error && LOAD_ERROR.test(error)) {
    return `the program cannot be loaded (${error.slice(0, 120)})`;
  }
  if (NODE_MODULE.test(tail)) return "the program cannot be loaded (a module is missing)";
  return null;
}

/**
 * The error line of a traceback: the last line that names an error, which is the last line of
 * Python's and comes before the stack (and "Node.js v20…") in Node's.
 */
function errorLine(tail: string): string | null {
  const lines = tail.split("\n").map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^[A-Za-z_.]*(?:Error|Exception)\b.*:/.test(lines[i]!)) return lines[i]!;
  }
  return null;
}

/** The last line a program wrote on stderr that says something (not blank). */
function lastLine(tail: string): string {
  const lines = tail.split("\n").filter((l) => l.trim() !== "");
  return lines.at(-1)?.trim() ?? "";
}

/**
 * What two failed attempts must share to count as failing "the same way": the reason (it names
 * the exit status or signal, or the limit) and the last stderr line, with the attempt's own
 * numbers (Hadoop's attempt id, which is in the environment) taken out.
 */
export function failureSignature(reason: string, stderrTail: string): string {
  const last = lastLine(stderrTail).replace(/attempt_\S+/g, "attempt");
  return createHash("sha256").update(`${reason}\n${last}`).digest("hex");
}

export type RetryDecision = { retry: true } | { retry: false; why: string };

/**
 * Whether a failed attempt (0-based) should be followed by another, given the signature of the
 * attempt before it (null for the first) and how many attempts the task may have.
 */
export function retryDecision(opts: {
  attempt: number;
  maxAttempts: number;
  reason: string;
  stderrTail: string;
  previousSignature: string | null;
}): RetryDecision {
  if (opts.attempt + 1 >= opts.maxAttempts) return { retry: false, why: "no attempts left" };
  if (opts.attempt === 0) {
    const why = deterministicFailure(opts.reason, opts.stderrTail);
    return why ? { retry: false, why: `not retried: ${why}` } : { retry: true };
  }
  if (opts.previousSignature === failureSignature(opts.reason, opts.stderrTail)) {
    return { retry: false, why: "not retried: it failed the same way as the attempt before" };
  }
  return { retry: true };
}
