import { HttpError } from "./errors";

// The checks every route request passes before its handler runs (lib/server/route.ts runs them
// in order). A new cross-cutting check (a rate limit, say) is one more entry in ROUTE_GUARDS.

/** What a route accepts as a request body on writes: JSON only (the default), or also forms. */
export type BodyPolicy = "json" | "form" | "any";

export type GuardOptions = { body: BodyPolicy };

/** Throws an HttpError to refuse the request; returns to let it through. */
export type RequestGuard = (request: Request, options: GuardOptions) => void;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const CROSS_SITE =
  "This request came from another site, so it was refused. Use Stratus's own pages.";

/**
 * Writes come from our own pages only. Browsers say where a request comes from: Sec-Fetch-Site
 * (every current browser) or, failing that, Origin, compared with the host the request was sent
 * to. "same-site" is refused too: a sibling origin (another port of the same host, like the local
 * S3 store, or another subdomain) is not us. A request with neither header is not from a browser
 * (a script, curl), so it carries no ambient cookies to abuse. Reads (GET/HEAD) change nothing.
 */
export const sameOriginWrites: RequestGuard = (request) => {
  if (SAFE_METHODS.has(request.method)) return;
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) {
    if (site === "same-origin" || site === "none") return;
    throw new HttpError(403, CROSS_SITE);
  }
  const origin = request.headers.get("origin");
  if (origin === null) return;
  if (originHost(origin) === requestHost(request)) return;
  throw new HttpError(403, CROSS_SITE);
};

function originHost(origin: string): string | null {
  if (origin === "null") return null; // sandboxed frames, file: pages, privacy redirects
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

// As Next's own Server Action check does: the host the proxy was asked for, else the Host header.
function requestHost(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("host") || new URL(request.url).host;
}

export const NOT_JSON = "Send this request's body as JSON (Content-Type: application/json).";

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;
const FORM_TYPE = /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

/**
 * Writes with a body say it is JSON. A cross-site form can only send text/plain, urlencoded or
 * multipart bodies without a CORS preflight, so this alone shuts out form-post attacks, and a
 * body mislabelled by a buggy client is refused rather than guessed at.
 */
export const jsonWrites: RequestGuard = (request, { body }) => {
  if (SAFE_METHODS.has(request.method) || body === "any" || !hasBody(request)) return;
  const type = request.headers.get("content-type") ?? "";
  if (JSON_TYPE.test(type)) return;
  if (body === "form" && FORM_TYPE.test(type)) return;
  throw new HttpError(415, NOT_JSON);
};

// Declared by its headers: a bodyless POST or DELETE (our clients send some) has neither.
function hasBody(request: Request): boolean {
  const length = request.headers.get("content-length");
  return (
    (length !== null && length.trim() !== "0") ||
    request.headers.has("transfer-encoding") ||
    request.headers.has("content-type")
  );
}

export const ROUTE_GUARDS: readonly RequestGuard[] = [sameOriginWrites, jsonWrites];
