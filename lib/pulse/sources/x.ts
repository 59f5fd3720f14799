import { normalizeHashtag } from "../match";
import { formatQuery, parseQuery, type QueryNode } from "../query";
import type { IncomingPost, TrackerQuery } from "../types";
import { backoffDelay, sleep } from "./backoff";
import { compareNumericIds, isNumericId, isoTime } from "./ids";
import type { Source, SourceOptions } from "./types";

// X API v2 filtered stream (https://docs.x.com/x-api/posts/filtered-stream/introduction): the
// tracker's keywords become stream rules tagged "stratus:<trackerId>" (synced on every connect),
// then one long-lived HTTP response carries matching posts as JSON lines, with an empty line
// ("\r\n") as keep-alive every ~20 s. Reconnects follow X's guidance: network errors back off
// linearly from 250 ms to 16 s, HTTP errors exponentially from 5 s to 320 s, 429 exponentially
// from a minute — or until x-rate-limit-reset when X says. A stream silent for longer than the
// stall timeout is dead and reopened. X has no cursor; `backfillMinutes` (Pro/Enterprise access)
// asks it to resend what a reconnect missed.

export const DEFAULT_X_API_URL = "https://api.x.com";
const MAX_RULE_LENGTH = 512;

export type XTiming = {
  networkBaseMs: number;
  networkMaxMs: number;
  httpBaseMs: number;
  httpMaxMs: number;
  rateLimitBaseMs: number;
  rateLimitMaxMs: number;
  stallMs: number;
};

export const X_TIMING: XTiming = {
  networkBaseMs: 250,
  networkMaxMs: 16_000,
  httpBaseMs: 5_000,
  httpMaxMs: 320_000,
  rateLimitBaseMs: 60_000,
  rateLimitMaxMs: 15 * 60_000,
  stallMs: 30_000,
};

export type XOptions = SourceOptions & {
  apiUrl?: string;
  token: string;
  trackerId: string;
  query: TrackerQuery;
  backfillMinutes?: number;
  timing?: Partial<XTiming>;
};

export type XRule = { value: string; tag: string };

export const ruleTag = (trackerId: string) => `stratus:${trackerId}`;

const X_SYNTAX = { and: " ", or: " OR ", not: (inner: string) => `-${inner}` };

function operand(keyword: string): string {
  const k = keyword.trim();
  // A boolean line (query.ts) in X's own syntax: space is AND, "-" is NOT.
  let node: QueryNode | null = null;
  try {
    node = parseQuery(k);
  } catch {
    node = null;
  }
  if (node && node.kind !== "phrase" && node.kind !== "hashtag")
    return `(${formatQuery(node, X_SYNTAX)})`;
  if (/^#[\p{L}\p{N}_]+$/u.test(k)) return k;
  if (/^[\p{L}\p{N}_]+$/u.test(k) && !/^(or|and)$/i.test(k)) return k;
  return `"${k.replace(/["\\]/g, " ").replace(/\s+/g, " ").trim()}"`;
}

// The tracker's query as rules of at most 512 characters: `(a OR "b c" OR #d) (lang:en) -is:retweet`.
export function buildXRules(trackerId: string, query: TrackerQuery): XRule[] {
  const terms = [
    ...query.keywords.filter((k) => k.trim()).map(operand),
    ...query.hashtags
      .map(normalizeHashtag)
      .filter(Boolean)
      .map((t) => operand(`#${t}`)),
  ];
  const unique = [...new Set(terms)];
  if (!unique.length) return [];
  const langs = [...new Set(query.languages.map((l) => l.trim().toLowerCase().split(/[-_]/)[0]))]
    .filter((l): l is string => !!l)
    .map((l) => `lang:${l}`);
  const suffix = `${langs.length ? ` (${langs.join(" OR ")})` : ""} -is:retweet`;
  const rules: XRule[] = [];
  let group: string[] = [];
  const value = (g: string[]) => `(${g.join(" OR ")})${suffix}`;
  for (const term of unique) {
    if (group.length && value([...group, term]).length > MAX_RULE_LENGTH) {
      rules.push({ value: value(group), tag: ruleTag(trackerId) });
      group = [];
    }
    group.push(term);
  }
  rules.push({ value: value(group), tag: ruleTag(trackerId) });
  return rules;
}

type Tweet = {
  data?: {
    id?: unknown;
    text?: unknown;
    created_at?: unknown;
    lang?: unknown;
    author_id?: unknown;
  };
  matching_rules?: { id?: unknown; tag?: unknown }[];
  errors?: { title?: unknown; detail?: unknown }[];
};

export function parseXLine(line: Tweet, tag: string): IncomingPost | null {
  const d = line.data;
  if (!d || !isNumericId(d.id as string) || typeof d.text !== "string") return null;
  if (line.matching_rules && !line.matching_rules.some((r) => r.tag === tag)) return null;
  const lang = typeof d.lang === "string" && d.lang !== "und" ? d.lang : undefined;
  const author = typeof d.author_id === "string" ? d.author_id : undefined;
  return {
    source: "x",
    id: d.id as string,
    text: d.text.slice(0, 10_000),
    createdAt: isoTime(d.created_at, new Date()),
    ...(author ? { author } : {}),
    ...(lang ? { lang } : {}),
    url: `https://x.com/i/web/status/${d.id as string}`,
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly resetAt: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

export function createXSource(options: XOptions): Source {
  const timing = { ...X_TIMING, ...options.timing };
  const api = (options.apiUrl ?? DEFAULT_X_API_URL).replace(/\/+$/, "");
  const tag = ruleTag(options.trackerId);
  const log = options.log ?? (() => {});
  const headers = {
    Authorization: `Bearer ${options.token}`,
    "Content-Type": "application/json",
    "User-Agent": "StratusPulse",
  };
  const stopper = new AbortController();
  let cursor = isNumericId(options.cursor) ? options.cursor : undefined;
  let loop: Promise<void> | undefined;
  let connections = 0;

  async function call(path: string, init: RequestInit = {}): Promise<unknown> {
    const res = await fetch(`${api}${path}`, { ...init, headers, signal: stopper.signal });
    if (!res.ok) throw httpError(res, path);
    return res.json();
  }

  function httpError(res: Response, what: string): HttpError {
    const reset = Number(res.headers.get("x-rate-limit-reset"));
    return new HttpError(
      res.status,
      Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined,
      `${what}: HTTP ${res.status}`,
    );
  }

  // Our rules exactly as the query says; others' rules (other tags) are left alone.
  async function syncRules() {
    const want = buildXRules(options.trackerId, options.query);
    const current = (await call("/2/tweets/search/stream/rules")) as {
      data?: { id: string; value: string; tag?: string }[];
    };
    const ours = (current.data ?? []).filter((r) => r.tag === tag);
    const stale = ours.filter((r) => !want.some((w) => w.value === r.value)).map((r) => r.id);
    const missing = want.filter((w) => !ours.some((r) => r.value === w.value));
    if (stale.length)
      await call("/2/tweets/search/stream/rules", {
        method: "POST",
        body: JSON.stringify({ delete: { ids: stale } }),
      });
    if (missing.length) {
      const out = (await call("/2/tweets/search/stream/rules", {
        method: "POST",
        body: JSON.stringify({ add: missing }),
      })) as { errors?: { title?: string; value?: string }[] };
      for (const e of out.errors ?? []) log(`x: rule refused: ${e.title ?? "?"} ${e.value ?? ""}`);
    }
  }

  function handleLine(text: string) {
    let line: Tweet;
    try {
      line = JSON.parse(text) as Tweet;
    } catch {
      return log("x: ignored a line that is not JSON");
    }
    if (line.errors && !line.data) {
      for (const e of line.errors) log(`x: stream says ${String(e.title)}: ${String(e.detail)}`);
      return;
    }
    const post = parseXLine(line, tag);
    if (!post) return;
    const advance = !cursor || compareNumericIds(post.id, cursor) > 0 ? post.id : undefined;
    if (advance) cursor = advance;
    options.onEvent({ post, ...(advance ? { cursor: advance } : {}) });
  }

  // Reads the stream until it ends, stalls or is stopped. True when it delivered anything.
  async function streamOnce(): Promise<boolean> {
    const params = new URLSearchParams({ "tweet.fields": "created_at,lang,author_id" });
    if (options.backfillMinutes && connections > 0)
      params.set("backfill_minutes", String(Math.min(5, options.backfillMinutes)));
    const abort = new AbortController();
    const onStop = () => abort.abort();
    stopper.signal.addEventListener("abort", onStop);
    let stall: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(stall);
      stall = setTimeout(() => {
        log("x: no data or keep-alive in time; reconnecting");
        abort.abort();
      }, timing.stallMs);
    };
    let progressed = false;
    try {
      arm();
      const res = await fetch(`${api}/2/tweets/search/stream?${params}`, {
        headers,
        signal: abort.signal,
      });
      if (!res.ok || !res.body) throw httpError(res, "stream");
      connections += 1;
      options.onStatus?.({ state: "open" });
      const decoder = new TextDecoder();
      let buffer = "";
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        arm();
        progressed = true;
        buffer += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, i).trim();
          buffer = buffer.slice(i + 1);
          if (line) handleLine(line); // empty lines are keep-alives
        }
      }
      log("x: the stream ended");
    } catch (error) {
      if (error instanceof HttpError) throw error;
      if (!abort.signal.aborted) log(`x: ${(error as Error).message}`);
    } finally {
      clearTimeout(stall);
      stopper.signal.removeEventListener("abort", onStop);
    }
    return progressed;
  }

  async function run() {
    // Separate counters: each kind of failure has its own schedule.
    let network = 0;
    let http = 0;
    let limited = 0;
    while (!stopper.signal.aborted) {
      options.onStatus?.({ state: "connecting", attempt: network + http + limited });
      let ms: number;
      let reason: string;
      try {
        await syncRules();
        const progressed = await streamOnce();
        http = limited = 0;
        if (progressed) network = 0;
        ms = backoffDelay(network++, {
          baseMs: timing.networkBaseMs,
          maxMs: timing.networkMaxMs,
          linear: true,
        });
        reason = "disconnected";
      } catch (error) {
        if (stopper.signal.aborted) break;
        if (error instanceof HttpError && error.status === 429) {
          const backoff = backoffDelay(limited++, {
            baseMs: timing.rateLimitBaseMs,
            maxMs: timing.rateLimitMaxMs,
          });
          ms = error.resetAt ? Math.max(0, error.resetAt - Date.now()) + 1_000 : backoff;
          reason = "rate limited";
        } else if (error instanceof HttpError) {
          ms = backoffDelay(http++, { baseMs: timing.httpBaseMs, maxMs: timing.httpMaxMs });
          reason = error.message;
        } else {
          ms = backoffDelay(network++, {
            baseMs: timing.networkBaseMs,
            maxMs: timing.networkMaxMs,
            linear: true,
          });
          reason = (error as Error).message;
        }
        log(`x: ${reason}; retrying in ${ms} ms`);
      }
      options.onStatus?.({ state: "waiting", ms, reason });
      await sleep(ms, stopper.signal);
    }
    options.onStatus?.({ state: "stopped" });
  }

  return {
    kind: "x",
    start() {
      loop ??= run();
    },
    async stop() {
      stopper.abort();
      await loop;
    },
  };
}
