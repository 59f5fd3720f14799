import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

// A loopback Jetstream for tests and the bench: the documented message format (commit events with
// did, time_us, kind, commit{rev, operation, collection, rkey, record, cid}; identity and account
// events), `wantedCollections` filtering, `cursor` playback from a time_us, and disconnects on
// demand. Everything it ever sent is kept, so a reconnect with a cursor replays what was missed.

export type StandInPost = { text: string; langs?: string[]; createdAt?: string; did?: string };

type Stored = { timeUs: number; collection: string; json: string };

export type JetstreamStandIn = {
  url: string; // ws://127.0.0.1:<port>/subscribe
  // Appends a post (a create commit on app.bsky.feed.post) and sends it to every subscriber.
  post(post: StandInPost): { uri: string; timeUs: number };
  // Other traffic a real stream carries.
  like(): void;
  identity(): void;
  deletePost(uri: string): void;
  // Closes every connection abruptly (no close frame), like a dropped network path.
  dropAll(): void;
  // The cursors subscribers connected with, in order (undefined = live).
  connections: (number | undefined)[];
  clients(): number;
  close(): Promise<void>;
};

export async function startJetstreamStandIn(): Promise<JetstreamStandIn> {
  const log: Stored[] = [];
  const subscribers = new Map<WebSocket, Set<string> | null>();
  const connections: (number | undefined)[] = [];
  let lastTimeUs = 0;
  let seq = 0;

  // time_us is strictly increasing, as Jetstream assigns it on arrival.
  const nextTime = () => (lastTimeUs = Math.max(lastTimeUs + 1, Date.now() * 1000));

  function publish(collection: string, event: Record<string, unknown>) {
    const json = JSON.stringify(event);
    log.push({ timeUs: event.time_us as number, collection, json });
    for (const [ws, wanted] of subscribers)
      if (!wanted || !collection || wanted.has(collection)) ws.send(json);
  }

  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== "/subscribe") return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      const wanted = url.searchParams.getAll("wantedCollections");
      const filter = wanted.length ? new Set(wanted) : null;
      const raw = url.searchParams.get("cursor");
      const cursor = raw ? Number(raw) : undefined;
      connections.push(cursor);
      // Playback first, then live: nothing arrives between the two since this is synchronous.
      if (cursor !== undefined)
        for (const e of log)
          if (e.timeUs >= cursor && (!filter || !e.collection || filter.has(e.collection)))
            ws.send(e.json);
      subscribers.set(ws, filter);
      ws.on("close", () => subscribers.delete(ws));
      ws.on("error", () => subscribers.delete(ws));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const did = (n: number) => `did:plc:standin${String(n % 97).padStart(4, "0")}`;
  const rkey = () => `3l${(++seq).toString(36).padStart(11, "0")}`;

  return {
    url: `ws://127.0.0.1:${port}/subscribe`,
    connections,
    post(p) {
      const timeUs = nextTime();
      const key = rkey();
      const author = p.did ?? did(seq);
      publish("app.bsky.feed.post", {
        did: author,
        time_us: timeUs,
        kind: "commit",
        commit: {
          rev: key,
          operation: "create",
          collection: "app.bsky.feed.post",
          rkey: key,
          record: {
            $type: "app.bsky.feed.post",
            createdAt: p.createdAt ?? new Date(Math.floor(timeUs / 1000)).toISOString(),
            ...(p.langs ? { langs: p.langs } : {}),
            text: p.text,
          },
          cid: `bafyrei${key}`,
        },
      });
      return { uri: `at://${author}/app.bsky.feed.post/${key}`, timeUs };
    },
    like() {
      const key = rkey();
      publish("app.bsky.feed.like", {
        did: did(seq),
        time_us: nextTime(),
        kind: "commit",
        commit: {
          rev: key,
          operation: "create",
          collection: "app.bsky.feed.like",
          rkey: key,
          record: { $type: "app.bsky.feed.like", createdAt: new Date().toISOString() },
          cid: `bafyrei${key}`,
        },
      });
    },
    identity() {
      const d = did(++seq);
      publish("", {
        did: d,
        time_us: nextTime(),
        kind: "identity",
        identity: { did: d, handle: `u${seq}.bsky.social`, seq, time: new Date().toISOString() },
      });
    },
    deletePost(uri) {
      const [, , author, , key] = uri.split("/");
      publish("app.bsky.feed.post", {
        did: author,
        time_us: nextTime(),
        kind: "commit",
        commit: { rev: rkey(), operation: "delete", collection: "app.bsky.feed.post", rkey: key },
      });
    },
    dropAll() {
      for (const ws of subscribers.keys()) ws.terminate();
      subscribers.clear();
    },
    clients: () => subscribers.size,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
