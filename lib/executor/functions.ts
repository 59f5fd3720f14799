import { z } from "zod";
import { CronError, parseCron } from "./cron";
import { parseDurationMs } from "./duration";
import { compileExpression, ExpressionError, type Expression } from "./expression";

// What the serve endpoint says about each function at sync (the in-band PUT), checked against
// what this executor implements. Options it does not implement are refused by name: silently
// ignoring a rate limit or a debounce would run a function differently here than on Inngest.

const EventTrigger = z.object({ event: z.string().min(1), expression: z.string().optional() });
const CronTrigger = z.object({ cron: z.string().min(1), jitter: z.string().optional() });
const Limit = z.object({
  limit: z.number().int(),
  key: z.string().optional(),
  scope: z.string().optional(),
});

export const SyncedFunction = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    triggers: z.array(z.union([EventTrigger, CronTrigger])),
    steps: z.record(
      z.string(),
      z.object({
        id: z.string(),
        name: z.string(),
        runtime: z.object({ type: z.string(), url: z.string() }),
        retries: z.object({ attempts: z.number().int().min(0).optional() }).optional(),
      }),
    ),
    concurrency: z.union([z.number().int(), Limit, z.array(Limit)]).optional(),
    cancel: z
      .array(
        z.object({
          event: z.string().min(1),
          if: z.string().optional(),
          timeout: z.string().optional(),
        }),
      )
      .optional(),
  })
  .catchall(z.unknown());
export type SyncedFunction = z.infer<typeof SyncedFunction>;

export const SyncResponse = z.object({
  app_id: z.string().min(1),
  functions: z.array(z.unknown()),
});

// The definition the executor stores and runs from.
export const FunctionDef = z.object({
  id: z.string(),
  appId: z.string(),
  url: z.string(),
  maxAttempts: z.number().int().min(1),
  triggers: z.array(
    z.union([
      EventTrigger.pick({ event: true, expression: true }),
      CronTrigger.pick({ cron: true }),
    ]),
  ),
  cancel: z.array(
    z.object({ event: z.string(), if: z.string().optional(), timeoutMs: z.number().optional() }),
  ),
  concurrencyLimit: z.number().int().positive().nullable(),
});
export type FunctionDef = z.infer<typeof FunctionDef>;

const DEFAULT_RETRIES = 3;
const KNOWN = new Set(["id", "name", "triggers", "steps", "concurrency", "cancel"]);

export class SyncError extends Error {
  override name = "SyncError";
}

/** Converts one synced function, or returns why it cannot run here (each naming the option). */
export function toFunctionDef(
  raw: unknown,
  appId: string,
): { def?: FunctionDef; problems: string[] } {
  const label = (raw as { id?: unknown })?.id;
  const name = typeof label === "string" ? label : "(no id)";
  const parsed = SyncedFunction.safeParse(raw);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map(
        (i) => `function "${name}": option "${i.path.join(".")}" is invalid: ${i.message}`,
      ),
    };
  }
  const fn = parsed.data;
  const problems: string[] = [];
  const refuse = (option: string, why = "is not supported by the local executor") =>
    problems.push(`function "${fn.id}": option "${option}" ${why}`);

  for (const key of Object.keys(fn)) if (!KNOWN.has(key)) refuse(key);

  const step = fn.steps.step;
  if (!step || Object.keys(fn.steps).length !== 1)
    refuse("steps", 'must have exactly one entry, "step"');
  if (step && step.runtime.type !== "http")
    refuse("steps.step.runtime", `type "${step.runtime.type}" is not supported (only http)`);

  const triggers: FunctionDef["triggers"] = [];
  for (const trigger of fn.triggers) {
    if ("cron" in trigger) {
      if (trigger.jitter) refuse("triggers.cron.jitter");
      try {
        parseCron(trigger.cron);
      } catch (e) {
        if (!(e instanceof CronError)) throw e;
        refuse("triggers.cron", `"${trigger.cron}" cannot be used: ${e.message}`);
      }
      triggers.push({ cron: trigger.cron });
    } else {
      if (trigger.expression) checkExpression(trigger.expression, "triggers.if", refuse);
      triggers.push({ event: trigger.event, expression: trigger.expression });
    }
  }

  const cancel: FunctionDef["cancel"] = [];
  for (const entry of fn.cancel ?? []) {
    if (entry.if) checkExpression(entry.if, "cancelOn.if", refuse);
    let timeoutMs: number | undefined;
    if (entry.timeout) {
      const ms = parseDurationMs(entry.timeout);
      if (ms === null) refuse("cancelOn.timeout", `"${entry.timeout}" must be a duration`);
      else timeoutMs = ms;
    }
    cancel.push({ event: entry.event, if: entry.if, timeoutMs });
  }

  let concurrencyLimit: number | null = null;
  const c = fn.concurrency;
  if (typeof c === "number") concurrencyLimit = c > 0 ? c : null;
  else if (Array.isArray(c))
    refuse("concurrency", "with several limits is not supported (use one)");
  else if (c) {
    if (c.key !== undefined) refuse("concurrency.key");
    if (c.scope !== undefined && c.scope !== "fn")
      refuse("concurrency.scope", `"${c.scope}" is not supported (only "fn")`);
    concurrencyLimit = c.limit > 0 ? c.limit : null;
  }

  if (problems.length > 0 || !step) return { problems };
  const retries = step.retries?.attempts ?? DEFAULT_RETRIES;
  return {
    problems,
    def: {
      id: fn.id,
      appId,
      url: step.runtime.url,
      maxAttempts: retries + 1,
      triggers,
      cancel,
      concurrencyLimit,
    },
  };
}

function checkExpression(source: string, option: string, refuse: (o: string, why: string) => void) {
  try {
    compileExpression(source);
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    refuse(option, `expression "${source}" is not supported: ${e.message}`);
  }
}

const compiled = new Map<string, Expression>();

/** Compiled once per source text; sources were checked at sync. */
export function expression(source: string): Expression {
  let e = compiled.get(source);
  if (!e) {
    e = compileExpression(source);
    compiled.set(source, e);
  }
  return e;
}

export function eventMatches(pattern: string, name: string): boolean {
  if (pattern.endsWith("*")) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}
