import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

// A loopback Mastodon for tests: the streaming API over WebSocket (`/api/v1/streaming`, bearer
// token, multiplexed `subscribe` messages, `update` events whose payload is the status as a JSON
// string), the hashtag and public timelines with `min_id` paging, `/api/v2/instance` naming the
// streaming URL, and disconnects on demand. For backfill: `max_id` paging back and /api/v2/search.

export type StandInStatus = {
  id: string;
  uri: string;
  url: string;
  created_at: string;
  content: string;
  spoiler_text: string;
  language: string | null;
  account: { acct: string };
  tags: { name: string }[];
  reblog: null | Record<string, unknown>;
};

export type MastodonStandIn = {
  url: string; // http://127.0.0.1:<port>
  token: string;
  publish(s: {
    html: string;
    tags?: string[];
    language?: string | null;
    reblog?: boolean;
    createdAt?: Date;
  }): StandInStatus;
  dropAll(): void;
  clients(): number;
  // Every streaming connection's subscriptions ("hashtag:x", "public").
  subscriptions: string[][];
  timelineCalls: string[];
  close(): Promise<void>;
};

export async function startMastodonStandIn(
  token = "mastodon-test-token",
): Promise<MastodonStandIn> {
  const statuses: StandInStatus[] = [];
  const subscribers = new Map<WebSocket, string[]>();
  const subscriptions: string[][] = [];
  const timelineCalls: string[] = [];
  // Snowflake-like ids: big, increasing, decimal strings.
  let nextId = 113_500_000_000_000_000n;
  let port = 0;

  const authorized = (req: http.IncomingMessage) =>
    req.headers.authorization === `Bearer ${token}` ||
    new URL(req.url ?? "/", "http://x").searchParams.get("access_token") === token;

  const byId = (a: StandInStatus, b: StandInStatus) =>
    a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  function timeline(res: http.ServerResponse, list: StandInStatus[], url: URL) {
    const min = url.searchParams.get("min_id");
    const max = url.searchParams.get("max_id");
    const limit = Math.min(40, Number(url.searchParams.get("limit") ?? 20));
    // Without min_id (backfill): the newest statuses, or those just older than max_id.
    if (!min) {
      const before = list
        .filter((s) => max === null || byId(s, { id: max } as StandInStatus) < 0)
        .sort(byId)
        .reverse()
        .slice(0, limit);
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(before));
    }
    const after = list
      .filter((s) => !min || byId(s, { id: min } as StandInStatus) > 0)
      .sort(byId)
      .slice(0, limit)
      .reverse();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(after));
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/api/v2/instance") {
      return res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          domain: "standin.test",
          configuration: { urls: { streaming: `ws://127.0.0.1:${port}` } },
        }),
      );
    }
    if (!authorized(req)) return res.writeHead(401).end('{"error":"The access token is invalid"}');
    const tag = /^\/api\/v1\/timelines\/tag\/([^/]+)$/.exec(url.pathname);
    if (tag) {
      timelineCalls.push(`${url.pathname}${url.search}`);
      const name = decodeURIComponent(tag[1]!).toLowerCase();
      return timeline(
        res,
        statuses.filter((s) => s.tags.some((t) => t.name === name)),
        url,
      );
    }
    if (url.pathname === "/api/v2/search") {
      // Full-text status search, as an instance with search enabled answers it (whole words).
      timelineCalls.push(`${url.pathname}${url.search}`);
      const q = (url.searchParams.get("q") ?? "").replace(/"/g, "").toLowerCase();
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const limit = Math.min(40, Number(url.searchParams.get("limit") ?? 20));
      const found = statuses
        .filter((s) => s.content.toLowerCase().includes(q))
        .sort(byId)
        .reverse()
        .slice(offset, offset + limit);
      return res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ accounts: [], hashtags: [], statuses: found }));
    }
    if (url.pathname === "/api/v1/timelines/public") {
      timelineCalls.push(`${url.pathname}${url.search}`);
      return timeline(res, statuses, url);
    }
    res.writeHead(404).end();
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== "/api/v1/streaming") return socket.destroy();
    if (!authorized(req)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const subs: string[] = [];
      subscriptions.push(subs);
      subscribers.set(ws, subs);
      ws.on("message", (data) => {
        try {
          const m = JSON.parse(data.toString()) as { type?: string; stream?: string; tag?: string };
          if (m.type !== "subscribe") return;
          subs.push(
            m.stream === "hashtag" ? `hashtag:${String(m.tag).toLowerCase()}` : String(m.stream),
          );
        } catch {
          ws.send(JSON.stringify({ error: "Could not parse JSON" }));
        }
      });
      ws.on("close", () => subscribers.delete(ws));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    subscriptions,
    timelineCalls,
    publish({ html, tags = [], language = "en", reblog = false, createdAt = new Date() }) {
      const id = String(nextId);
      nextId += 1_000n + BigInt(Math.floor(Math.random() * 1000));
      const status: StandInStatus = {
        id,
        uri: `https://standin.test/users/ann/statuses/${id}`,
        url: `https://standin.test/@ann/${id}`,
        created_at: createdAt.toISOString(),
        content: html,
        spoiler_text: "",
        language,
        account: { acct: "ann@standin.test" },
        tags: tags.map((name) => ({ name: name.toLowerCase() })),
        reblog: reblog ? { id: "1" } : null,
      };
      statuses.push(status);
      const payload = JSON.stringify(status);
      for (const [ws, subs] of subscribers) {
        for (const stream of [...status.tags.map((t) => `hashtag:${t.name}`), "public"]) {
          if (!subs.includes(stream)) continue;
          const [name, tag] = stream.split(":");
          ws.send(JSON.stringify({ stream: tag ? [name, tag] : [name], event: "update", payload }));
        }
      }
      return status;
    },
    dropAll() {
      for (const ws of subscribers.keys()) ws.terminate();
      subscribers.clear();
    },
    clients: () => subscribers.size,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
