import WebSocket from "ws";
import type { IncomingPost } from "../types";
import type { BackoffPolicy } from "./backoff";
import { isoTime } from "./ids";
import { createReconnectingSource, keepAlive, type Connection } from "./reconnect";
import type { Source, SourceOptions } from "./types";

// Bluesky Jetstream (https://github.com/bluesky-social/jetstream): one WebSocket carrying every
// new post on the network as JSON "commit" events. It has no keyword filter — the listener matches
// locally — but it can replay: `cursor` is a time_us (µs since the epoch) to start from.

export const DEFAULT_JETSTREAM_URL = "wss://jetstream2.us-east.bsky.network/subscribe";
const POST_COLLECTION = "app.bsky.feed.post";

export type JetstreamOptions = SourceOptions & {
  url: string;
  backoff?: BackoffPolicy;
  // A connection that answers no ping for this long is dead (half-open TCP): reconnect.
  pingMs?: number;
};

type CommitEvent = {
  did?: unknown;
  time_us?: unknown;
  kind?: unknown;
  commit?: {
    operation?: unknown;
    collection?: unknown;
    rkey?: unknown;
    record?: { text?: unknown; createdAt?: unknown; langs?: unknown };
  };
};

// A Jetstream message as a post, or null when it is not a new post (deletes, identity and account
// events, other collections, malformed records).
export function parseJetstreamPost(event: CommitEvent): IncomingPost | null {
  const c = event.commit;
  if (event.kind !== "commit" || !c || c.operation !== "create") return null;
  if (c.collection !== POST_COLLECTION) return null;
  if (typeof event.did !== "string" || typeof c.rkey !== "string") return null;
  const text = c.record?.text;
  if (typeof text !== "string") return null;
  const timeUs = typeof event.time_us === "number" ? event.time_us : Date.now() * 1000;
  const langs = c.record?.langs;
  // Every tag is a hint (["ja", "en"]): the language itself is read from the text.
  const tags = Array.isArray(langs)
    ? langs.filter((l): l is string => typeof l === "string").slice(0, 8)
    : [];
  const lang = tags[0];
  return {
    source: "jetstream",
    id: `at://${event.did}/${POST_COLLECTION}/${c.rkey}`,
    text: text.slice(0, 10_000),
    createdAt: isoTime(c.record?.createdAt, new Date(Math.floor(timeUs / 1000))),
    author: event.did,
    ...(lang ? { lang } : {}),
    ...(tags.length > 1 ? { langs: tags } : {}),
    url: `https://bsky.app/profile/${event.did}/post/${c.rkey}`,
  };
}

export function jetstreamUrl(base: string, cursor: number | undefined): string {
  const url = new URL(base);
  url.searchParams.set("wantedCollections", POST_COLLECTION);
  if (cursor !== undefined) url.searchParams.set("cursor", String(cursor));
  return url.toString();
}

// Jetstream messages are single commit events of a few KiB; anything near this is not one.
const MAX_MESSAGE_BYTES = 1024 * 1024;

export function createJetstreamSource(options: JetstreamOptions): Source {
  const policy = options.backoff ?? { baseMs: 500, maxMs: 30_000 };
  const pingMs = options.pingMs ?? 20_000;
  const log = options.log ?? (() => {});
  // The last time_us handed on: the resume point, and the line under which a replay after a
  // reconnect is a duplicate.
  let last = options.cursor && /^\d+$/.test(options.cursor) ? Number(options.cursor) : undefined;

  function connectOnce(connection: Connection): Promise<boolean> {
    return new Promise((resolve) => {
      let gotMessage = false;
      const ws = new WebSocket(jetstreamUrl(options.url, last), {
        perMessageDeflate: false,
        maxPayload: MAX_MESSAGE_BYTES,
      });
      connection.use(ws);
      keepAlive(ws, pingMs);
      ws.on("open", () => options.onStatus?.({ state: "open" }));
      ws.on("message", (data) => {
        gotMessage = true;
        let event: CommitEvent;
        try {
          event = JSON.parse(data.toString()) as CommitEvent;
        } catch {
          return log("jetstream: ignored a message that is not JSON");
        }
        const t = event.time_us;
        if (typeof t !== "number" || !Number.isSafeInteger(t)) return;
        if (last !== undefined && t <= last) return;
        last = t;
        const post = parseJetstreamPost(event);
        options.onEvent(post ? { post, cursor: String(t) } : { cursor: String(t) });
      });
      ws.on("error", (error) => log(`jetstream: ${error.message}`));
      ws.on("close", (code) => {
        if (!connection.stopped) log(`jetstream: connection closed (${code})`);
        resolve(gotMessage);
      });
    });
  }

  return createReconnectingSource("jetstream", options, policy, connectOnce);
}
