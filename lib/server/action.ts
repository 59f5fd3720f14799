import "server-only";
import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { currentUser, SESSION_ENDED, type CurrentUser } from "@/lib/auth/session";
import { fieldErrors, formDataObject, type FormState } from "@/lib/forms";
import { logger } from "@/lib/log/logger";
import { requestIdFrom } from "@/lib/log/request-id";
import { GENERIC_FAILURE, HttpError, isUserFacing, withRequestId } from "./errors";

// The one front door of every server action: the session, the input parsed with zod, and one
// mapping from errors to the `{ ok, message, errors }` that useActionState shows. An action is a
// public endpoint (anyone can post to it), so nothing reaches `run` unchecked.
//
// Origin: Next refuses a Server Action whose Origin header names another host than the one it was
// sent to (x-forwarded-host, else host) before any of this runs; see the report of issue 13/14.
// A further cross-cutting check (a session version, a rate limit) is one more ACTION_GUARDS entry.

/** What an action answers when it did not run: a FormState with ok: false and a message. */
export type ActionFailure = FormState & { ok: false; message: string };

// R's own fields read as absent on a failure, so callers may test them on the union.
type KeysOf<R> = R extends unknown ? keyof R : never;
type Answer<R> =
  R | (ActionFailure & { [K in Exclude<KeysOf<R>, keyof ActionFailure>]?: undefined });

type Invalid = string | ((error: z.ZodError) => ActionFailure);

type ActionConfig<A extends unknown[], S extends z.ZodType> = {
  /** The input's shape; `run` only ever sees parsed data. */
  schema: S;
  /** The raw input from the action's arguments; by default its first argument. */
  input?: (...args: A) => unknown;
  /** The answer when the input does not fit: a message (with the field errors), or a function. */
  invalid?: Invalid;
  /** What the user reads when `run` fails unexpectedly (the request id is appended). */
  failure?: string;
};

/** Checks every action passes before the session is read; throw a UserFacingError to refuse. */
const ACTION_GUARDS: readonly (() => Promise<void> | void)[] = [];

/** An action for the signed-in user: SESSION_ENDED without a session. */
export function userAction<S extends z.ZodType, R, A extends unknown[] = [input?: unknown]>(
  config: ActionConfig<A, S>,
  run: (input: z.output<S>, user: CurrentUser) => Promise<R>,
): (...args: A) => Promise<Answer<R>> {
  return frontDoor(config, async (input): Promise<R | ActionFailure> => {
    const user = await currentUser();
    if (!user) return { ok: false, message: SESSION_ENDED };
    return run(input, user);
  });
}

/** An action that is public on purpose (sign-up, a share link's password). */
export function publicAction<S extends z.ZodType, R, A extends unknown[] = [input?: unknown]>(
  config: ActionConfig<A, S>,
  run: (input: z.output<S>) => Promise<R>,
): (...args: A) => Promise<Answer<R>> {
  return frontDoor(config, run);
}

/** Invalid input answered with the first issue's own message (the schemas speak to users). */
export const firstIssue =
  (fallback: string) =>
  (error: z.ZodError): ActionFailure => ({
    ok: false,
    errors: fieldErrors(error),
    message: error.issues[0]?.message ?? fallback,
  });

/** For useActionState forms: the FormData's text fields as one object. */
export const formFields = (_prev: unknown, formData: FormData) => formDataObject(formData);

function frontDoor<S extends z.ZodType, R, A extends unknown[]>(
  config: ActionConfig<A, S>,
  run: (input: z.output<S>) => Promise<R | ActionFailure>,
): (...args: A) => Promise<Answer<R>> {
  // A failure carries none of R's own fields, which is what Answer<R> says.
  return (...args: A) => answer(config, run, args) as Promise<Answer<R>>;
}

async function answer<S extends z.ZodType, R, A extends unknown[]>(
  config: ActionConfig<A, S>,
  run: (input: z.output<S>) => Promise<R | ActionFailure>,
  args: A,
): Promise<R | ActionFailure> {
  try {
    for (const check of ACTION_GUARDS) await check();
    const raw = config.input ? config.input(...args) : args[0];
    const parsed = config.schema.safeParse(raw);
    if (!parsed.success) return invalidAnswer(config.invalid, parsed.error);
    return await run(parsed.data);
  } catch (error) {
    // redirect() and notFound() end an action by throwing; they are not failures.
    unstable_rethrow(error);
    if (error instanceof HttpError) {
      return { ok: false, message: error.message, ...(error.errors && { errors: error.errors }) };
    }
    if (isUserFacing(error)) return { ok: false, message: error.message };
    const requestId = await actionRequestId();
    logger.error("action failed", { requestId, error });
    return { ok: false, message: withRequestId(config.failure ?? GENERIC_FAILURE, requestId) };
  }
}

const PLEASE_CORRECT = "Please correct the fields below.";

function invalidAnswer(invalid: Invalid | undefined, error: z.ZodError): ActionFailure {
  if (typeof invalid === "function") return invalid(error);
  return { ok: false, message: invalid ?? PLEASE_CORRECT, errors: fieldErrors(error) };
}

async function actionRequestId(): Promise<string> {
  try {
    return requestIdFrom(await headers());
  } catch {
    return requestIdFrom(new Headers()); // called outside a request (a test, a script)
  }
}
