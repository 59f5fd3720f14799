import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";

export const READY_TOKEN_HEADER = "x-ready-token";

// A token rather than "loopback only": the app cannot see the socket address behind a proxy, and
// a header-based loopback check is exactly what a forged X-Forwarded-For defeats. Without
// READY_DETAILS_TOKEN nobody gets details; probes need only the status code.
export function readyDetailsAllowed(headers: Headers): boolean {
  const expected = process.env.READY_DETAILS_TOKEN;
  const given = headers.get(READY_TOKEN_HEADER);
  if (!expected || !given) return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(expected), digest(given));
}
