import http, { type IncomingMessage, type Server } from "node:http";

// Next's server sets X-Forwarded-For to the socket's address only when the request has none
// (`req.headers['x-forwarded-for'] ??= socket.remoteAddress` in next/dist/server/base-server.js),
// so a client that sends the header itself chooses the address Stratus sees. This hook makes
// Next's server behave like a proxy that appends (nginx's $proxy_add_x_forwarded_for): the
// socket's address always ends the list, and client-ip.ts counts TRUSTED_PROXY_HOPS from there.
// Installed by instrumentation.ts before the first request; `server` is for tests.

const INSTALLED = Symbol.for("stratus.appendSocketAddress");

function appendPeer(req: IncomingMessage): void {
  const peer = req.socket?.remoteAddress?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
  if (!peer) return;
  const prior = req.headers["x-forwarded-for"];
  const list = Array.isArray(prior) ? prior.join(", ") : prior;
  req.headers["x-forwarded-for"] = list ? `${list}, ${peer}` : peer;
}

export function appendSocketAddress(server?: Server): void {
  const target = (server ?? http.Server.prototype) as Server & { [INSTALLED]?: true };
  if (target[INSTALLED]) return;
  target[INSTALLED] = true;
  const emit = target.emit;
  target.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") appendPeer(args[0] as IncomingMessage);
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
}
