import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import WebSocket from "ws";
import { addressAllowed, hostProblem, type AddressPolicy } from "./address-policy";

// The one way the server connects to a URL a user supplied (a Mastodon instance today). The
// host is checked before anything is sent, and the address actually dialled is checked again in
// the socket's own DNS lookup — so a name that resolves to a public address when validated and to
// 127.0.0.1 when connecting (DNS rebinding) is still refused. Redirects are not followed across
// hosts, every body and WebSocket message has a size limit, and every call a deadline.

export class UnsafeUrlError extends Error {
  override name = "UnsafeUrlError";
}

export type DialOptions = AddressPolicy & {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  // Response bodies larger than this are cut off with an error (default 2 MiB).
  maxBytes?: number;
  // Deadline for the whole request, body included (default 15 s).
  timeoutMs?: number;
  // Same-origin redirects followed (default 3); a redirect to another origin is an error.
  maxRedirects?: number;
  // The resolver behind the guard (tests stand in a name server; default dns.lookup).
  resolve?: typeof dns.lookup;
};

const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 15_000;

/** A DNS lookup that fails when any address the name resolves to is not allowed. */
export function guardedLookup(
  policy: AddressPolicy,
  resolve: typeof dns.lookup = dns.lookup,
): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = addresses as dns.LookupAddress[];
      const refused = list.find((a) => !addressAllowed(a.address, policy));
      if (refused || list.length === 0) {
        const err = new UnsafeUrlError(
          `${hostname} resolves to ${refused?.address ?? "nothing"}, which is not a public address`,
        );
        return callback(Object.assign(err, { code: "EUNSAFEADDRESS" }), "", 0);
      }
      if (options.all)
        return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      const first = list[0] as dns.LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/** Throws UnsafeUrlError when the URL may not be dialled at all (scheme, host literal). */
export function assertDialable(url: URL, protocols: string[], policy: AddressPolicy): void {
  if (!protocols.includes(url.protocol))
    throw new UnsafeUrlError(`${url.origin}: only ${protocols.join(" or ")} URLs are allowed`);
  if (url.username || url.password)
    throw new UnsafeUrlError(`${url.origin}: credentials in the URL are not allowed`);
  const problem = hostProblem(url, policy);
  if (problem) throw new UnsafeUrlError(`${url.origin}: ${problem}`);
}

export type SafeResponse = { status: number; headers: http.IncomingHttpHeaders; text: string };

function requestOnce(url: URL, options: DialOptions, deadline: AbortSignal): Promise<SafeResponse> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: "GET",
        headers: { accept: "application/json", ...options.headers },
        lookup: guardedLookup(options, options.resolve),
        signal: deadline,
        // No pooled sockets: each request's address is checked by its own lookup.
        agent: false,
      },
      (res) => {
        const declared = Number(res.headers["content-length"]);
        if (Number.isFinite(declared) && declared > maxBytes) {
          req.destroy();
          return reject(
            new UnsafeUrlError(`${url.origin}: response larger than ${maxBytes} bytes`),
          );
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy();
            reject(new UnsafeUrlError(`${url.origin}: response larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** GET a user-supplied URL (http/https), refusing non-public addresses at connect time. */
export async function safeGet(
  target: string | URL,
  options: DialOptions = {},
): Promise<SafeResponse> {
  let url = new URL(target);
  const origin = url.origin;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const deadline = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const protocols = options.allowLoopback ? ["https:", "http:"] : ["https:"];
  for (let hop = 0; ; hop++) {
    assertDialable(url, protocols, options);
    const res = await requestOnce(url, options, deadline);
    const location = res.headers.location;
    if (res.status < 300 || res.status >= 400 || !location) return res;
    const next = new URL(location, url);
    if (next.origin !== origin)
      throw new UnsafeUrlError(`${origin}: redirect to another host (${next.origin}) refused`);
    if (hop >= (options.maxRedirects ?? 3))
      throw new UnsafeUrlError(`${origin}: too many redirects`);
    url = next;
  }
}

export type SafeSocketOptions = AddressPolicy & {
  headers?: Record<string, string>;
  // Largest message accepted; a bigger one closes the connection (default 1 MiB).
  maxPayload?: number;
  handshakeTimeoutMs?: number;
  resolve?: typeof dns.lookup;
};

/** A WebSocket to a user-supplied wss: URL (ws: only with allowLoopback), checked like safeGet. */
export function safeWebSocket(target: string | URL, options: SafeSocketOptions = {}): WebSocket {
  const url = new URL(target);
  assertDialable(url, options.allowLoopback ? ["wss:", "ws:"] : ["wss:"], options);
  return new WebSocket(url, {
    headers: options.headers,
    perMessageDeflate: false,
    maxPayload: options.maxPayload ?? 1024 * 1024,
    handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
    followRedirects: false,
    lookup: guardedLookup(options, options.resolve),
  });
}
