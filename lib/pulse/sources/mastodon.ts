import WebSocket from "ws";
import { normalizeHashtag } from "../match";
import type { IncomingPost, TrackerQuery } from "../types";
import { backoffDelay, sleep, type BackoffPolicy } from "./backoff";
import { compareNumericIds, isNumericId, isoTime } from "./ids";
import type { Source, SourceOptions } from "./types";

// Mastodon streaming (https://docs.joinmastodon.org/methods/streaming/): one WebSocket per tracker
// on the instance's streaming server, multiplexed — a `hashtag` subscription per tag, plus the
// federated `public` stream when the tracker has keywords (Mastodon has no keyword stream; the
// listener matches locally). Needs a user token (public streams require one since 4.2).
// Streaming has no cursor, so after every (re)connect the adapter pages the REST timelines from
// the last status id it handed on (`min_id`) to fill the gap.

export type MastodonOptions = SourceOptions & {
  instance: string; // https://host
  token: string;
  query: TrackerQuery;
  backoff?: BackoffPolicy;
  pingMs?: number;
  // Pages of 40 fetched per timeline after a reconnect.
  backfillPages?: number;
};

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
  const instance = options.instance.replace(/\/+$/, "");
  const tags = [...new Set(options.query.hashtags.map(normalizeHashtag).filter(Boolean))];
  for (const k of options.query.keywords)
    if (/^#\S+$/.test(k.trim())) tags.push(normalizeHashtag(k));
  const wantsPublic = options.query.keywords.some((k) => k.trim() && !/^#\S+$/.test(k.trim()));
  const stopper = new AbortController();
  const headers = { Authorization: `Bearer ${options.token}` };
  let cursor = isNumericId(options.cursor) ? options.cursor : undefined;
  // Ids handed on lately: the stream and the catch-up overlap.
  const seen = new Set<unknown>();
  let socket: WebSocket | undefined;
  let loop: Promise<void> | undefined;
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

  async function api(path: string): Promise<unknown> {
    const res = await fetch(`${instance}${path}`, { headers, signal: stopper.signal });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.json();
  }

  async function streamingBase(): Promise<string> {
    try {
      const info = (await api("/api/v2/instance")) as {
        configuration?: { urls?: { streaming?: unknown } };
      };
      const s = info.configuration?.urls?.streaming;
      if (typeof s === "string" && /^wss?:\/\//.test(s)) return s.replace(/\/+$/, "");
    } catch (error) {
      if (stopper.signal.aborted) throw error;
    }
    return instance.replace(/^http/, "ws");
  }

  // Pages each timeline forward from the cursor; ascending within and across pages.
  async function catchUp() {
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
        const list = (await api(`${path}?min_id=${min}&limit=40`)) as Status[];
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

  function connectOnce(base: string): Promise<boolean> {
    return new Promise((resolve) => {
      let progressed = false;
      let alive = true;
      const ws = new WebSocket(`${base}/api/v1/streaming`, { headers, perMessageDeflate: false });
      socket = ws;
      const ping = setInterval(() => {
        if (!alive) return ws.terminate();
        alive = false;
        ws.ping();
      }, pingMs);
      const streamed: Status[] = [];
      ws.on("open", () => {
        for (const tag of tags)
          ws.send(JSON.stringify({ type: "subscribe", stream: "hashtag", tag }));
        if (wantsPublic) ws.send(JSON.stringify({ type: "subscribe", stream: "public" }));
        options.onStatus?.({ state: "open" });
        catchingUp = true;
        catchUp()
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
      ws.on("pong", () => (alive = true));
      ws.on("message", (data) => {
        alive = true;
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
        clearInterval(ping);
        // An unfinished catch-up moves no cursor: the next one starts from the same place.
        catchingUp = false;
        newest = undefined;
        // Statuses streamed during an unfinished catch-up are fetched again next time.
        streamed.length = 0;
        resolve(progressed);
      });
    });
  }

  async function run() {
    let attempt = 0;
    while (!stopper.signal.aborted) {
      options.onStatus?.({ state: "connecting", attempt });
      let progressed = false;
      try {
        progressed = await connectOnce(await streamingBase());
      } catch (error) {
        if (!stopper.signal.aborted) log(`mastodon: ${(error as Error).message}`);
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
    kind: "mastodon",
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
