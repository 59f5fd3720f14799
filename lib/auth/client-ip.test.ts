import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { clientIp } from "./client-ip";
import { appendSocketAddress } from "./forwarded-for";

describe("clientIp", () => {
  it("takes the rightmost X-Forwarded-For entry (the socket's) when no proxy is trusted", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "1.1.1.1, 2.2.2.2" }), 0)).toBe("2.2.2.2");
  });
  it("skips the entries that trusted proxies appended", () => {
    expect(clientIp({ "x-forwarded-for": "9.9.9.9, 1.1.1.1, 10.0.0.2" }, 1)).toBe("1.1.1.1");
  });
  it("never walks past the first entry", () => {
    expect(clientIp({ "x-forwarded-for": "1.1.1.1" }, 3)).toBe("1.1.1.1");
  });
  it("falls back to X-Real-IP, then to unknown", () => {
    expect(clientIp({ "x-real-ip": "3.3.3.3" }, 0)).toBe("3.3.3.3");
    expect(clientIp({}, 0)).toBe("unknown");
  });
});

describe("attack: choosing one's own address with X-Forwarded-For (issue 14 item 2)", () => {
  // Next's server sets X-Forwarded-For to the socket's address only when the request has none
  // (`??=` in next/dist/server/base-server.js); this server does exactly that after the hook.
  async function seenAddress(forged: string | undefined, hops: number): Promise<string> {
    const server = createServer((req, res) => {
      req.headers["x-forwarded-for"] ??= req.socket.remoteAddress;
      res.end(clientIp(req.headers, hops));
    });
    appendSocketAddress(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, {
        headers: forged ? { "x-forwarded-for": forged } : {},
      });
      return await res.text();
    } finally {
      server.close();
    }
  }

  it("a direct client's forged header is ignored: the socket address counts", async () => {
    expect(await seenAddress("6.6.6.6", 0)).toBe("127.0.0.1");
    expect(await seenAddress(undefined, 0)).toBe("127.0.0.1");
  });

  it("behind one proxy, the address the proxy saw counts, not what the client added", async () => {
    // nginx overwrites the header with $remote_addr; a client's own entries never reach us then,
    // and even an appending proxy leaves the client's real address rightmost of its own.
    expect(await seenAddress("6.6.6.6, 203.0.113.5", 1)).toBe("203.0.113.5");
  });
});
