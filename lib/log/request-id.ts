// The id that ties one request's log lines together, from nginx (or the client) through the app
// server into the background jobs the request starts. No Node-only imports: proxy.ts uses it.

export const REQUEST_ID_HEADER = "x-request-id";

// Short and plain, so a client cannot inject log syntax or megabytes through it.
const SHAPE = /^[A-Za-z0-9._-]{8,64}$/;

export function isRequestId(value: unknown): value is string {
  return typeof value === "string" && SHAPE.test(value);
}

export function newRequestId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/** The id nginx or the client sent when it is well formed, else a new one. */
export function requestIdFrom(headers: Headers): string {
  const sent = headers.get(REQUEST_ID_HEADER);
  return isRequestId(sent) ? sent : newRequestId();
}
