import type { AddressPolicy } from "@/lib/net/address-policy";
import { assertDialable, safeGet, safeWebSocket } from "@/lib/net/safe-dial";
import { normalizeHashtag } from "../match";
import type { IncomingPost, TrackerQuery } from "../types";
import type { BackoffPolicy } from "./backoff";
import { compareNumericIds, isNumericId, isoTime } from "./ids";
import { createReconnectingSource, keepAlive, type Connection } from "./reconnect";
import type { Source, SourceOptions } from "./types";

// Mastodon streaming (https://docs.joinmastodon.org/methods/streaming/): one WebSocket per tracker
// on the instance's streaming server, multiplexed — a `hashtag` subscription per tag, plus the
// federated `public` stream when the tracker has keywords (Mastodon has no keyword stream; the
// listener matches locally). Needs a user token (public streams require one since 4.2).
// Streaming has no cursor, so after every (re)connect the adapter pages the REST timelines from
// the last status id it handed on (`min_id`) to fill the gap.
//
// The instance is a URL a user typed: every request and the WebSocket go through lib/net's guarded
// dial (public addresses only, checked at connect time; bounded bodies and messages; deadlines),
// and the streaming URL the instance names must be wss: on the instance's own host or a subdomain
// of it (mastodon.social streams from streaming.mastodon.social) — the bearer token goes nowhere
// else. PULSE_ALLOW_LOOPBACK_HOSTS=1 lets tests and local development reach loopback stand-ins
// (over plain http/ws); never set it in production.

export type MastodonOptions = SourceOptions & {
  instance: string; // https://host
  token: string;
  query: TrackerQuery;
  backoff?: BackoffPolicy;
  pingMs?: number;
  // Pages of 40 fetched per timeline after a reconnect.
  backfillPages?: number;
};

// A timeline page of 40 statuses is ~100 KiB; a streamed status a few KiB.
const MAX_BODY_BYTES = 2 * 1024 * 1024;
const MAX_MESSAGE_BYTES = 512 * 1024;
const REQUEST_TIMEOUT_MS = 15_000;

export function mastodonDialPolicy(env: NodeJS.ProcessEnv = process.env): AddressPolicy {
  return { allowLoopback: env.PULSE_ALLOW_LOOPBACK_HOSTS === "1" };
}

/** Where the token may be sent for streaming: the URL the instance named, or null if it may not. */
export function acceptedStreamingUrl(instance: URL, named: string): URL | null {
  let url: URL;
  try {
    url = new URL(named);
  } catch {
    return null;
  }
  const wanted = instance.protocol === "https:" ? "wss:" : "ws:";
  const host = instance.hostname.toLowerCase();
  const sameSite = url.hostname === host || url.hostname.endsWith(`.${host}`);
  if (url.protocol !== wanted || !sameSite || url.username || url.password) return null;
  return url;
}

type Status = {
  id?: unknown;
  uri?: unknown;
  url?: unknown;
  created_at?: unknown;
  content?: unknown;
  spoiler_text?: unknown;
  language?: unknown;
  account?: { acct?: unknown };
  reblog?: unknown;
};

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

// Status HTML → plain text: paragraphs and line breaks become newlines, tags go, entities decode.
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/p>\s*<p[^>]*>/gi, "\n\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === "#") {
        const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1));
        return Number.isFinite(code) && code > 0 && code < 0x110000
          ? String.fromCodePoint(code)
          : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .trim();
}

export function parseMastodonStatus(status: Status): IncomingPost | null {
  if (!status || status.reblog) return null; // a boost is someone else's post again
  if (!isNumericId(status.id as string) || typeof status.content !== "string") return null;
  const uri = typeof status.uri === "string" ? status.uri : undefined;
  const cw =
    typeof status.spoiler_text === "string" && status.spoiler_text ? status.spoiler_text : "";
  const text = [cw, htmlToText(status.content)].filter(Boolean).join("\n\n");
  const lang = typeof status.language === "string" ? status.language : undefined;
  const acct = typeof status.account?.acct === "string" ? status.account.acct : undefined;
  const url = typeof status.url === "string" ? status.url : uri;
  return {
    source: "mastodon",
    id: uri ?? String(status.id),
    text: text.slice(0, 10_000),
    createdAt: isoTime(status.created_at, new Date()),
    ...(acct ? { author: acct } : {}),
    ...(lang ? { lang } : {}),
    ...(url ? { url } : {}),
  };
}

export function createMastodonSource(options: MastodonOptions): Source {
  const policy = options.backoff ?? { baseMs: 1_000, maxMs: 60_000 };
  const pingMs = options.pingMs ?? 30_000;
  const pages = options.backfillPages ?? 10;
  const log = options.log ?? (() => {});
  const dial = mastodonDialPolicy();
  const instanceUrl = new URL(options.instance);
  // Refused here, the listener reports the tracker as refused instead of retrying forever.
  assertDialable(instanceUrl, dial.allowLoopback ? ["https:", "http:"] : ["https:"], dial);
  const instance = instanceUrl.origin;
  const tags = [...new Set(options.query.hashtags.map(normalizeHashtag).filter(Boolean))];
  for (const k of options.query.keywords)
    if (/^#\S+$/.test(k.trim())) tags.push(normalizeHashtag(k));
  const wantsPublic = options.query.keywords.some((k) => k.trim() && !/^#\S+$/.test(k.trim()));
  const headers = { Authorization: `Bearer ${options.token}` };
  let cursor = isNumericId(options.cursor) ? options.cursor : undefined;
  // Ids handed on lately: the stream and the catch-up overlap.
  const seen = new Set<unknown>();
  let catchingUp = false;
  let newest: string | undefined; // the newest id handed on while catching up

  function deliver(status: Status) {
    const id = status.id;
    if (typeof id !== "string" || !isNumericId(id) || seen.has(id)) return;
    seen.add(id);
    if (seen.size > 5_000) seen.delete(seen.values().next().value as string);
    const post = parseMastodonStatus(status);
    // While catching up, a newer streamed status must not move the cursor past the gap.
    let advance: string | undefined;
    if (!cursor || compareNumericIds(id, cursor) > 0) {
      if (catchingUp) newest = !newest || compareNumericIds(id, newest) > 0 ? id : newest;
      else advance = cursor = id;
    }
    if (post || advance)
      options.onEvent({ ...(post ? { post } : {}), ...(advance ? { cursor: advance } : {}) });
  }

  function caughtUp() {
    catchingUp = false;
    if (newest && (!cursor || compareNumericIds(newest, cursor) > 0)) {
      cursor = newest;
      options.onEvent({ cursor });
    }
    newest = undefined;
  }

  async function api(path: string, signal: AbortSignal): Promise<unknown> {
    const res = await safeGet(`${instance}${path}`, {
      ...dial,
      headers,
      signal,
      maxBytes: MAX_BODY_BYTES,
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    if (res.status < 200 || res.status >= 300) throw new Error(`${path}: HTTP ${res.status}`);
    return JSON.parse(res.text);
  }

  async function streamingBase(signal: AbortSignal): Promise<string> {
    const fallback = instance.replace(/^http/, "ws");
    try {
      const info = (await api("/api/v2/instance", signal)) as {
        configuration?: { urls?: { streaming?: unknown } };
      };
      const named = info.configuration?.urls?.streaming;
      if (typeof named !== "string") return fallback;
      const accepted = acceptedStreamingUrl(instanceUrl, named);
      if (accepted) return accepted.href.replace(/\/+$/, "");
      log(
        `mastodon: ignored the streaming URL ${named.slice(0, 200)}: not wss: on the instance's host`,
      );
    } catch (error) {
      if (signal.aborted) throw error;
    }
    return fallback;
  }

  // Pages each timeline forward from the cursor; ascending within and across pages.
  async function catchUp(signal: AbortSignal) {
    if (!cursor) return;
    const start = cursor;
    const found: Status[] = [];
    const timelines = [
      ...tags.map((t) => `/api/v1/timelines/tag/${encodeURIComponent(t)}`),
      ...(wantsPublic ? ["/api/v1/timelines/public"] : []),
    ];
    for (const path of timelines) {
      let min = start;
      for (let page = 0; page < pages; page++) {
        const list = (await api(`${path}?min_id=${min}&limit=40`, signal)) as Status[];
        if (!Array.isArray(list) || list.length === 0) break;
        found.push(...list);
        const ids = list
          .map((s) => String(s.id))
          .filter(isNumericId)
          .sort(compareNumericIds);
        const top = ids.at(-1);
        if (!top || compareNumericIds(top, min) <= 0) break;
        min = top;
        if (list.length < 40) break;
      }
    }
    found.sort((a, b) => compareNumericIds(String(a.id), String(b.id)));
    for (const s of found) deliver(s);
  }

  async function connectOnce(connection: Connection): Promise<boolean> {
    const base = await streamingBase(connection.signal);
    return new Promise((resolve) => {
      let progressed = false;
      const ws = safeWebSocket(`${base}/api/v1/streaming`, {
        ...dial,
        headers,
        maxPayload: MAX_MESSAGE_BYTES,
      });
      connection.use(ws);
      keepAlive(ws, pingMs);
      const streamed: Status[] = [];
      ws.on("open", () => {
        for (const tag of tags)
          ws.send(JSON.stringify({ type: "subscribe", stream: "hashtag", tag }));
        if (wantsPublic) ws.send(JSON.stringify({ type: "subscribe", stream: "public" }));
        options.onStatus?.({ state: "open" });
        catchingUp = true;
        catchUp(connection.signal)
          .then(() => {
            caughtUp();
            // What streamed in meanwhile, now that the gap is filled.
            for (const s of streamed.splice(0)) deliver(s);
            progressed = true;
          })
          .catch((error: Error) => {
            log(`mastodon: catching up failed: ${error.message}`);
            ws.terminate();
          });
      });
      ws.on("message", (data) => {
        let message: { event?: unknown; payload?: unknown };
        try {
          message = JSON.parse(data.toString()) as typeof message;
        } catch {
          return;
        }
        if (message.event !== "update" || typeof message.payload !== "string") return;
        let status: Status;
        try {
          status = JSON.parse(message.payload) as Status;
        } catch {
          return;
        }
        progressed = true;
        if (catchingUp) streamed.push(status);
        else deliver(status);
      });
      ws.on("unexpected-response", (_req, res) => {
        log(`mastodon: streaming refused: HTTP ${res.statusCode}`);
        ws.terminate();
      });
      ws.on("error", (error) => log(`mastodon: ${error.message}`));
      ws.on("close", () => {
        // An unfinished catch-up moves no cursor: the next one starts from the same place.
        catchingUp = false;
        newest = undefined;
        // Statuses streamed during an unfinished catch-up are fetched again next time.
        streamed.length = 0;
        resolve(progressed);
      });
    });
  }

  return createReconnectingSource("mastodon", options, policy, connectOnce);
}
