import type WebSocket from "ws";
import type { SourceKind } from "../types";
import { backoffDelay, sleep, type BackoffPolicy } from "./backoff";
import type { Source, SourceOptions } from "./types";

// The reconnect loop the WebSocket sources share (Jetstream, Mastodon): connect, run until the
// socket closes, back off (starting over after a connection that delivered something), and on
// stop() close the socket — terminating it when the server never answers the close handshake.

export type Connection = {
  // Stop closes the socket registered here.
  use(ws: WebSocket): void;
  // True once stop() was called: a close is then expected, not worth a log line.
  readonly stopped: boolean;
  // Aborts on stop(): for the connection's HTTP requests.
  readonly signal: AbortSignal;
};

export function createReconnectingSource(
  kind: SourceKind,
  options: Pick<SourceOptions, "onStatus" | "log">,
  policy: BackoffPolicy,
  // One connection: resolves when it is over, true when it delivered anything.
  connectOnce: (connection: Connection) => Promise<boolean>,
): Source {
  const log = options.log ?? (() => {});
  const stopper = new AbortController();
  let socket: WebSocket | undefined;
  let loop: Promise<void> | undefined;
  const connection: Connection = {
    use(ws) {
      socket = ws;
      if (stopper.signal.aborted) ws.terminate();
    },
    get stopped() {
      return stopper.signal.aborted;
    },
    signal: stopper.signal,
  };

  async function run() {
    let attempt = 0;
    while (!stopper.signal.aborted) {
      options.onStatus?.({ state: "connecting", attempt });
      let progressed = false;
      try {
        progressed = await connectOnce(connection);
      } catch (error) {
        if (!stopper.signal.aborted) log(`${kind}: ${(error as Error).message}`);
      }
      if (stopper.signal.aborted) break;
      attempt = progressed ? 0 : attempt + 1;
      const ms = backoffDelay(attempt, policy);
      options.onStatus?.({ state: "waiting", ms, reason: "reconnect" });
      await sleep(ms, stopper.signal);
    }
    options.onStatus?.({ state: "stopped" });
  }

  return {
    kind,
    start() {
      loop ??= run();
    },
    async stop() {
      stopper.abort();
      socket?.close();
      const killer = setTimeout(() => socket?.terminate(), 2_000);
      await loop;
      clearTimeout(killer);
    },
  };
}

/**
 * Pings every `pingMs`; a socket that answered neither a ping nor sent a message since the last
 * one is dead (half-open TCP) and is terminated, so the loop reconnects.
 */
export function keepAlive(ws: WebSocket, pingMs: number): void {
  let alive = true;
  const ping = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, pingMs);
  const mark = () => (alive = true);
  ws.on("pong", mark);
  ws.on("message", mark);
  ws.on("close", () => clearInterval(ping));
}
