import http from "node:http";
import type { AddressInfo } from "node:net";

// A loopback Bluesky AppView for backfill tests: app.bsky.feed.searchPosts with `q` (whole
// words, any case, "quoted phrases"), `since`/`until`, `sort=latest`, `limit` and an opaque
// `cursor`, answering the public API's shape ({ posts, cursor }).

export type StandInPost = {
  uri: string;
  cid: string;
  author: { did: string; handle: string };
  record: { $type: "app.bsky.feed.post"; text: string; createdAt: string; langs?: string[] };
  indexedAt: string;
};

export type BlueskySearchStandIn = {
  url: string;
  add(p: {
    rkey: string;
    text: string;
    createdAt: Date;
    did?: string;
    langs?: string[];
  }): StandInPost;
  /** Every search request's query string, in order. */
  calls: string[];
  close(): Promise<void>;
};

/** On `port` (0: any free one; the e2e stand-in has a fixed one the worker is told of). */
export async function startBlueskySearchStandIn(port = 0): Promise<BlueskySearchStandIn> {
  const posts: StandInPost[] = [];
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== "/xrpc/app.bsky.feed.searchPosts") return res.writeHead(404).end();
    calls.push(url.search);
    const q = (url.searchParams.get("q") ?? "").replace(/"/g, "").toLowerCase().trim();
    if (!q) return res.writeHead(400).end('{"error":"InvalidRequest","message":"q is required"}');
    const since = Date.parse(url.searchParams.get("since") ?? "") || -Infinity;
    const until = Date.parse(url.searchParams.get("until") ?? "") || Infinity;
    const limit = Math.min(100, Number(url.searchParams.get("limit") ?? 25));
    const offset = Number(url.searchParams.get("cursor") ?? 0);
    const words = new RegExp(
      `(^|[^\\p{L}\\p{N}_])${q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\p{L}\\p{N}_])`,
      "iu",
    );
    const found = posts
      .filter((p) => words.test(p.record.text))
      .filter((p) => {
        const at = Date.parse(p.record.createdAt);
        return at >= since && at < until;
      })
      .sort((a, b) => Date.parse(b.record.createdAt) - Date.parse(a.record.createdAt));
    const page = found.slice(offset, offset + limit);
    const next = offset + limit < found.length ? String(offset + limit) : undefined;
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ posts: page, ...(next ? { cursor: next } : {}) }));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    calls,
    add({ rkey, text, createdAt, did = "did:plc:standin", langs = ["en"] }) {
      const post: StandInPost = {
        uri: `at://${did}/app.bsky.feed.post/${rkey}`,
        cid: `cid-${rkey}`,
        author: { did, handle: "ann.standin.test" },
        record: { $type: "app.bsky.feed.post", text, createdAt: createdAt.toISOString(), langs },
        indexedAt: createdAt.toISOString(),
      };
      posts.push(post);
      return post;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
