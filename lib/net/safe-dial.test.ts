import http from "node:http";
import type { AddressInfo } from "node:net";
import type dns from "node:dns";
import { afterAll, describe, expect, it } from "vitest";
import { addressAllowed, hostProblem } from "./address-policy";
import { safeGet, safeWebSocket, UnsafeUrlError } from "./safe-dial";

// SSRF (issue 14, item 5): a URL a user typed must not reach this machine, the private network or
// a metadata service. Every refusal here happens before a connection: the loopback server below
// counts the connections it gets, and no non-loopback address is ever dialled.
let connections = 0;
const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/big") {
    res.writeHead(200, { "content-type": "application/json" });
    // No content-length: the limit must hold while streaming too.
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < 64 && res.write(chunk)) sent++;
      if (sent >= 64) res.end();
      else res.once("drain", pump);
    };
    return pump();
  }
  if (url.pathname === "/elsewhere")
    return res.writeHead(302, { location: "http://127.0.0.2:1/steal" }).end();
  if (url.pathname === "/here") return res.writeHead(302, { location: "/ok" }).end();
  res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
});
server.on("connection", () => connections++);
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = (server.address() as AddressInfo).port;
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

// A name server that answers 127.0.0.1 for every name (a rebinding attacker's, at connect time).
const rebinding = ((_host: string, _opts: unknown, cb: (...a: unknown[]) => void) =>
  cb(null, [{ address: "127.0.0.1", family: 4 }])) as unknown as typeof dns.lookup;

describe("the address policy", () => {
  it("refuses loopback, private, link-local, metadata and embedded-IPv4 addresses", () => {
    for (const ip of [
      "127.0.0.1",
      "127.1.2.3",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "100.64.0.1",
      "169.254.169.254",
      "0.0.0.0",
      "224.0.0.1",
      "::1",
      "::",
      "::ffff:127.0.0.1",
      "::ffff:a9fe:a9fe",
      "64:ff9b::a9fe:a9fe",
      "2002:7f00:1::",
      "fc00::1",
      "fd00:ec2::254",
      "fe80::1",
    ])
      expect(addressAllowed(ip), ip).toBe(false);
    for (const ip of ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
      expect(addressAllowed(ip), ip).toBe(true);
    expect(addressAllowed("127.0.0.1", { allowLoopback: true })).toBe(true);
    expect(addressAllowed("::1", { allowLoopback: true })).toBe(true);
    expect(addressAllowed("10.0.0.1", { allowLoopback: true })).toBe(false);
    expect(addressAllowed("169.254.169.254", { allowLoopback: true })).toBe(false);
  });

  it("names the problem with a host before any lookup", () => {
    for (const u of [
      "https://127.0.0.1/",
      "https://127.1/",
      "https://0x7f000001/",
      "https://[::1]/",
      "https://[::ffff:127.0.0.1]/",
      "https://localhost/",
      "https://LOCALHOST./",
      "https://metadata.google.internal/",
      "https://printer.local/",
      "https://intranet/",
    ])
      expect(hostProblem(new URL(u)), u).not.toBeNull();
    expect(hostProblem(new URL("https://mastodon.social/"))).toBeNull();
  });
});

describe("safeGet", () => {
  it("refuses 127.0.0.1, 10.x, 169.254.169.254, ::1 and localhost without dialling", async () => {
    const before = connections;
    for (const url of [
      `https://127.0.0.1:${port}/`,
      `http://127.0.0.1:${port}/`,
      "https://10.0.0.1/",
      "https://169.254.169.254/latest/meta-data/iam/security-credentials/",
      `https://[::1]:${port}/`,
      `https://localhost:${port}/`,
      `https://[::ffff:7f00:1]:${port}/`,
    ])
      await expect(safeGet(url), url).rejects.toBeInstanceOf(UnsafeUrlError);
    expect(connections).toBe(before);
  });

  it("refuses a public-looking name that resolves to 127.0.0.1 when connecting", async () => {
    const before = connections;
    await expect(
      safeGet(`http://rebind.example.com:${port}/`, { allowLoopback: false, resolve: rebinding }),
    ).rejects.toThrow(/(only https: URLs|not a public address)/);
    await expect(
      safeGet(`https://rebind.example.com:${port}/`, { resolve: rebinding }),
    ).rejects.toThrow(
      /rebind\.example\.com resolves to 127\.0\.0\.1, which is not a public address/,
    );
    expect(connections).toBe(before);
  });

  it("reaches loopback only with the explicit test setting", async () => {
    const res = await safeGet(`http://127.0.0.1:${port}/`, { allowLoopback: true });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ ok: true });
    // Through a name too, checked in the socket's lookup.
    const named = await safeGet(`http://localhost:${port}/`, { allowLoopback: true });
    expect(named.status).toBe(200);
  });

  it("follows a redirect on the same origin, never to another host", async () => {
    expect((await safeGet(`http://127.0.0.1:${port}/here`, { allowLoopback: true })).status).toBe(
      200,
    );
    await expect(
      safeGet(`http://127.0.0.1:${port}/elsewhere`, { allowLoopback: true }),
    ).rejects.toThrow(/redirect to another host/);
  });

  it("cuts off a body larger than the limit", async () => {
    await expect(
      safeGet(`http://127.0.0.1:${port}/big`, { allowLoopback: true, maxBytes: 1024 * 1024 }),
    ).rejects.toThrow(/larger than 1048576 bytes/);
  });
});

describe("safeWebSocket", () => {
  it("refuses ws: and loopback targets without the test setting, before connecting", async () => {
    const before = connections;
    for (const url of [
      `ws://127.0.0.1:${port}/`,
      `wss://127.0.0.1:${port}/`,
      `wss://[::1]:${port}/`,
      "wss://169.254.169.254/",
      "wss://10.0.0.1/",
    ])
      expect(() => safeWebSocket(url), url).toThrow(UnsafeUrlError);
    const ws = safeWebSocket(`wss://rebind.example.com:${port}/`, { resolve: rebinding });
    const error = await new Promise<Error>((resolve) => ws.on("error", resolve));
    expect(error.message).toMatch(/not a public address/);
    expect(connections).toBe(before);
  });
});
