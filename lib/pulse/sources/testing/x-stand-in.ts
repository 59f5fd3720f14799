import http from "node:http";
import type { AddressInfo } from "node:net";

// A loopback X API v2 filtered stream for tests: the rules endpoints (GET, POST add/delete, with
// tags), the stream as newline-delimited JSON with "\r\n" keep-alives, one connection at a time
// (a second gets 429 like X's TooManyConnections), `backfill_minutes`, and on demand: dropped
// connections, a stalled stream, an operational-disconnect message, and 429s with
// x-rate-limit-reset.

type Rule = { id: string; value: string; tag?: string };
type Sent = { at: number; line: string; matchedTags: string[] };

export type XStandIn = {
  url: string;
  token: string;
  rules: Rule[];
  addRule(rule: { value: string; tag?: string }): void;
  // A tweet: delivered with matching_rules for every rule it satisfies (a naive matcher over the
  // rule's words, phrases, #tags and lang: operators), or not at all.
  tweet(t: { text: string; lang?: string }): { id: string; tags: string[] };
  dropAll(): void;
  stall(): void; // stops keep-alives on the open stream
  operationalDisconnect(): void;
  rateLimitNext(resetInSeconds: number): void;
  streamRequests: string[];
  clients(): number;
  close(): Promise<void>;
};

function termsOf(value: string): { terms: string[]; langs: string[] } {
  const langs = [...value.matchAll(/lang:([a-z]+)/gi)].map((m) => m[1]!.toLowerCase());
  const body = value.replace(/-?is:\w+|lang:[a-z]+/gi, " ");
  const terms = [...body.matchAll(/"([^"]+)"|(#?[\p{L}\p{N}_]+)/gu)]
    .map((m) => (m[1] ?? m[2] ?? "").toLowerCase())
    .filter((t) => t && t !== "or" && t !== "and");
  return { terms, langs };
}

export async function startXStandIn(
  options: { token?: string; keepAliveMs?: number } = {},
): Promise<XStandIn> {
  const token = options.token ?? "x-test-bearer";
  const keepAliveMs = options.keepAliveMs ?? 100;
  const rules: Rule[] = [];
  const sent: Sent[] = [];
  const streams = new Set<http.ServerResponse>();
  const streamRequests: string[] = [];
  let ruleId = 1_800_000_000_000_000_000n;
  let tweetId = 1_860_000_000_000_000_000n;
  let stalled = false;
  let limitReset: number | null = null;

  const json = (res: http.ServerResponse, status: number, body: unknown, headers = {}) =>
    res
      .writeHead(status, { "content-type": "application/json", ...headers })
      .end(JSON.stringify(body));

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (req.headers.authorization !== `Bearer ${token}`)
      return json(res, 401, {
        title: "Unauthorized",
        type: "about:blank",
        status: 401,
        detail: "Unauthorized",
      });
    if (url.pathname === "/2/tweets/search/stream/rules") {
      if (req.method === "GET")
        return json(res, 200, {
          ...(rules.length ? { data: rules } : {}),
          meta: { sent: new Date().toISOString(), result_count: rules.length },
        });
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        const parsed = JSON.parse(body) as {
          add?: { value: string; tag?: string }[];
          delete?: { ids: string[] };
        };
        const created: Rule[] = [];
        for (const r of parsed.add ?? []) {
          const rule = { id: String(ruleId++), value: r.value, ...(r.tag ? { tag: r.tag } : {}) };
          rules.push(rule);
          created.push(rule);
        }
        let deleted = 0;
        for (const id of parsed.delete?.ids ?? []) {
          const i = rules.findIndex((r) => r.id === id);
          if (i >= 0) {
            rules.splice(i, 1);
            deleted++;
          }
        }
        json(res, 200, {
          ...(created.length ? { data: created } : {}),
          meta: {
            sent: new Date().toISOString(),
            summary: parsed.add
              ? { created: created.length, not_created: 0, valid: created.length, invalid: 0 }
              : { deleted, not_deleted: 0 },
          },
        });
      });
      return;
    }
    if (url.pathname === "/2/tweets/search/stream") {
      streamRequests.push(url.search);
      if (limitReset !== null) {
        const reset = limitReset;
        limitReset = null;
        return json(
          res,
          429,
          {
            title: "Too Many Requests",
            detail: "Too Many Requests",
            type: "about:blank",
            status: 429,
          },
          { "x-rate-limit-reset": String(reset), "x-rate-limit-remaining": "0" },
        );
      }
      if (streams.size > 0)
        return json(res, 429, {
          title: "ConnectionException",
          detail: "This stream is currently at the maximum allowed connection limit.",
          connection_issue: "TooManyConnections",
          type: "https://api.twitter.com/2/problems/streaming-connection",
        });
      res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
      res.flushHeaders();
      streams.add(res);
      stalled = false;
      const keepAlive = setInterval(() => {
        if (!stalled) res.write("\r\n");
      }, keepAliveMs);
      const minutes = Number(url.searchParams.get("backfill_minutes") ?? 0);
      if (minutes > 0)
        for (const s of sent)
          if (s.at >= Date.now() - minutes * 60_000 && s.matchedTags.length) res.write(s.line);
      res.on("close", () => {
        clearInterval(keepAlive);
        streams.delete(res);
      });
      return;
    }
    json(res, 404, { title: "Not Found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    rules,
    streamRequests,
    addRule(rule) {
      rules.push({ id: String(ruleId++), ...rule });
    },
    tweet({ text, lang = "en" }) {
      const id = String(tweetId);
      tweetId += 1_000_000n;
      const lower = text.toLowerCase();
      const matching = rules.filter((r) => {
        const { terms, langs } = termsOf(r.value);
        return (!langs.length || langs.includes(lang)) && terms.some((t) => lower.includes(t));
      });
      const line = `${JSON.stringify({
        data: {
          id,
          text,
          created_at: new Date().toISOString(),
          lang,
          author_id: "2244994945",
          edit_history_tweet_ids: [id],
        },
        matching_rules: matching.map((r) => ({ id: r.id, tag: r.tag ?? "" })),
      })}\r\n`;
      const matchedTags = matching.map((r) => r.tag ?? "");
      sent.push({ at: Date.now(), line, matchedTags });
      if (matching.length) for (const s of streams) s.write(line);
      return { id, tags: matchedTags };
    },
    dropAll() {
      for (const s of streams) s.destroy();
    },
    stall() {
      stalled = true;
    },
    operationalDisconnect() {
      for (const s of streams)
        s.end(
          `${JSON.stringify({
            errors: [
              {
                title: "operational-disconnect",
                disconnect_type: "UpstreamOperationalDisconnect",
                detail: "This stream has been disconnected upstream for operational reasons.",
                type: "https://api.twitter.com/2/problems/operational-disconnect",
              },
            ],
          })}\r\n`,
        );
    },
    rateLimitNext(resetInSeconds) {
      limitReset = Math.ceil(Date.now() / 1000) + resetInSeconds;
    },
    clients: () => streams.size,
    async close() {
      for (const s of streams) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
