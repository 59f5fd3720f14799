import type { z } from "zod";

// How every feature's config module reads its variables (lib/<feature>/config.ts): one schema,
// and on failure one error whose "  NAME: message" lines lib/health/environment.ts gathers at
// start into a single message naming every wrong setting.

/** Unset and empty mean the same: scripts export variables that may hold "". */
export const blank = (v: unknown) => (v === "" ? undefined : v);

type ErrorClass = new (message: string) => Error;

/** `env` parsed by a feature's schema; throws "Invalid <what> environment:" and a line per issue. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
  what: string,
  ErrorType: ErrorClass = Error,
): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ErrorType(`Invalid ${what} environment:\n${issueLines(parsed.error.issues)}`);
}

/** Zod issues as the indented "  NAME: message" lines of an environment error. */
export function issueLines(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
}
