import "server-only";
import type { z } from "zod";
import { currentUser, SESSION_ENDED, type CurrentUser } from "@/lib/auth/session";
import { fieldErrors } from "@/lib/forms";
import { logger } from "@/lib/log/logger";
import { REQUEST_ID_HEADER, requestIdFrom } from "@/lib/log/request-id";
import { GENERIC_FAILURE, HttpError, isUserFacing, withRequestId } from "./errors";
import { ROUTE_GUARDS, type BodyPolicy } from "./request-guards";

// The one front door of every route handler under app/api: the request guards (same-origin
// writes, JSON bodies), the session, and one mapping from errors to JSON answers. A handler
// returns its Response or throws an HttpError; anything else it throws is logged with the
// request id and answered with a generic message. Answers are `no-store` unless the handler set
// its own Cache-Control.

export const NO_STORE = "private, no-store";

export type RouteOptions = {
  /** Write bodies accepted: "json" (default), "form" (also urlencoded/multipart), "any". */
  body?: BodyPolicy;
  /** What the user reads when the handler fails unexpectedly (the request id is appended). */
  failure?: string;
};

type Params = Record<string, string | string[] | undefined>;
type Context<P extends Params> = { params: Promise<P> };

export type PublicRouteArgs<P extends Params> = { request: Request; params: P; requestId: string };
export type UserRouteArgs<P extends Params> = PublicRouteArgs<P> & { user: CurrentUser };

type Handler<A> = (args: A) => Promise<Response> | Response;
type RouteHandler<P extends Params> = (request: Request, ctx?: Context<P>) => Promise<Response>;

/** A route for the signed-in user: 401 with SESSION_ENDED without a session. */
export function withUser<P extends Params = Params>(
  handler: Handler<UserRouteArgs<P>>,
  options: RouteOptions = {},
): RouteHandler<P> {
  return frontDoor(options, async (args) => {
    const user = await currentUser();
    if (!user) throw new HttpError(401, SESSION_ENDED);
    return handler({ ...args, user });
  });
}

/** A route that is public on purpose (share links, health, the auth and Inngest endpoints). */
export function publicRoute<P extends Params = Params>(
  handler: Handler<PublicRouteArgs<P>>,
  options: RouteOptions = {},
): RouteHandler<P> {
  return frontDoor(options, handler);
}

function frontDoor<P extends Params>(
  options: RouteOptions,
  handler: Handler<PublicRouteArgs<P>>,
): RouteHandler<P> {
  const guard = { body: options.body ?? "json" };
  return async (request, ctx) => {
    const requestId = requestIdFrom(request.headers);
    try {
      for (const check of ROUTE_GUARDS) check(request, guard);
      const params = ((await ctx?.params) ?? {}) as P;
      return noStoreByDefault(await handler({ request, params, requestId }));
    } catch (error) {
      return errorResponse(error, request, requestId, options.failure ?? GENERIC_FAILURE);
    }
  };
}

function noStoreByDefault(response: Response): Response {
  if (response.headers.has("cache-control")) return response;
  try {
    response.headers.set("cache-control", NO_STORE);
    return response;
  } catch {
    // Immutable headers (Response.redirect): copy them onto a new response.
    const headers = new Headers(response.headers);
    headers.set("cache-control", NO_STORE);
    return new Response(response.body, { status: response.status, headers });
  }
}

function errorResponse(error: unknown, request: Request, requestId: string, failure: string) {
  if (error instanceof HttpError) {
    return jsonError(error.status, error.message, { errors: error.errors, headers: error.headers });
  }
  if (isUserFacing(error)) return jsonError(422, error.message);
  const where = { requestId, method: request.method, path: new URL(request.url).pathname };
  // The browser went away (a preview superseded, a tab closed): whatever then failed is no fault
  // of the server's, and nobody reads the answer.
  if (request.signal.aborted) {
    logger.info("route abandoned by the client", where);
    return jsonError(499, "The request was cancelled.");
  }
  logger.error("route failed", { ...where, error });
  return jsonError(503, withRequestId(failure, requestId), {
    headers: { [REQUEST_ID_HEADER]: requestId },
  });
}

/**
 * Answers below this size say `no-transform`. Next gzips every body a route handler streams,
 * whatever its size (it drops a Content-Length the handler sets, so its compression's own 1 KiB
 * threshold never applies): for a refusal of a few dozen bytes that is a deflate stream made,
 * fed, flushed and closed on the server's thread and its thread pool (which argon2 sign-ins
 * share). Under attack one user's refused previews, zips and streams came at ~15 a second, and
 * their gzip was ~8 % of the busy thread (docs/isolation-bench.md). Nothing is saved by
 * compressing so little; `no-transform` makes Next's compression (and a proxy's) leave it alone.
 */
export const SMALL_ANSWER_BYTES = 1024;

/** `cache-control` for a JSON answer of `text`: no-store, and no-transform when it is small. */
export function jsonCacheControl(text: string, base = NO_STORE): string {
  return Buffer.byteLength(text) < SMALL_ANSWER_BYTES ? `${base}, no-transform` : base;
}

function jsonAnswer(body: unknown, status: number, headers: Headers): Response {
  const text = JSON.stringify(body);
  headers.set("cache-control", jsonCacheControl(text));
  headers.set("content-type", "application/json");
  return new Response(text, { status, headers });
}

/** A JSON error body `{ message, errors? }`, never cached. */
export function jsonError(
  status: number,
  message: string,
  options: { errors?: Record<string, string[]>; headers?: HeadersInit } = {},
): Response {
  const body = options.errors ? { message, errors: options.errors } : { message };
  return jsonAnswer(body, status, new Headers(options.headers));
}

/** A JSON answer, never cached. */
export function json(body: unknown, status = 200): Response {
  return jsonAnswer(body, status, new Headers());
}

/** A redirect (to a presigned URL, say); never cached, since such URLs expire within minutes. */
export function redirectTo(url: string, status: 302 | 303 = 302): Response {
  return new Response(null, {
    status,
    headers: { location: url, "cache-control": NO_STORE, "referrer-policy": "no-referrer" },
  });
}

/**
 * The JSON body parsed with `schema`; 400 with the field errors when it does not fit. An empty
 * body reads as {} so bodies whose fields are all optional may be left out.
 */
export async function readJson<S extends z.ZodType>(
  request: Request,
  schema: S,
  invalid: Invalid = INVALID,
): Promise<z.output<S>> {
  const text = await request.text();
  let body: unknown = {};
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      throw new HttpError(400, "The request body is not valid JSON.");
    }
  }
  return parseOr400(schema, body, invalid);
}

/** The query string parsed with `schema`; 400 with the field errors when it does not fit. */
export function readQuery<S extends z.ZodType>(
  request: Request,
  schema: S,
  invalid: Invalid = INVALID,
): z.output<S> {
  return parseOr400(schema, Object.fromEntries(new URL(request.url).searchParams), invalid);
}

/** The 400's message: a sentence, or one made from the zod error (e.g. its first issue). */
export type Invalid = string | ((error: z.ZodError) => string);
const INVALID = "The request is not valid.";

/** The first issue's own message: the schemas' messages are written for users. */
export const firstIssueMessage =
  (fallback: string) =>
  (error: z.ZodError): string =>
    error.issues[0]?.message ?? fallback;

function parseOr400<S extends z.ZodType>(schema: S, input: unknown, invalid: Invalid): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const message = typeof invalid === "string" ? invalid : invalid(parsed.error);
  throw new HttpError(400, message, { errors: fieldErrors(parsed.error) });
}
