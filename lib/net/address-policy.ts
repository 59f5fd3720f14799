import { BlockList, isIP } from "node:net";
import { domainNameProblem } from "./host-name";

// Which addresses a server-side request to a user-supplied URL may reach: public unicast only.
// Everything a tenant could use to reach this machine, its private network or a cloud metadata
// service is refused — loopback, RFC 1918, carrier-grade NAT, link-local (169.254.169.254),
// unique-local and site-local IPv6, multicast, documentation and reserved ranges, and the IPv6
// forms that embed an IPv4 address (mapped, NAT64, 6to4, Teredo), whose inner address could be
// any of the above.
// One list per family: a BlockList checks IPv4 addresses against IPv6 rules too (as ::ffff:a.b.c.d),
// so the ::ffff:0:0/96 rule would otherwise refuse every IPv4 address.
const nonPublic4 = new BlockList();
const nonPublic6 = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  nonPublic4.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 127], // :: and ::1
  ["::ffff:0:0", 96],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const)
  nonPublic6.addSubnet(net, prefix, "ipv6");

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

export type AddressPolicy = {
  // Tests and local development reach loopback stand-ins; never set in production.
  allowLoopback?: boolean;
};

const strip = (host: string) => host.replace(/^\[|\]$/g, "");

/** Whether a connection to this IP address is allowed; false for anything not an IP address. */
export function addressAllowed(address: string, policy: AddressPolicy = {}): boolean {
  const ip = strip(address);
  const family = isIP(ip);
  if (family === 0) return false;
  const type = family === 4 ? "ipv4" : "ipv6";
  if (policy.allowLoopback && loopback.check(ip, type)) return true;
  return !(family === 4 ? nonPublic4 : nonPublic6).check(ip, type);
}

export function isIpLiteral(host: string): boolean {
  return isIP(strip(host)) !== 0;
}

/**
 * Why this URL's host is refused before any DNS lookup, or null when only the address it
 * resolves to can tell (checked again at connect time, lib/net/safe-dial.ts).
 */
export function hostProblem(url: URL, policy: AddressPolicy = {}): string | null {
  const host = strip(url.hostname).replace(/\.$/, "");
  if (isIpLiteral(host)) {
    return addressAllowed(host, policy) ? null : `${host} is not a public address`;
  }
  if (policy.allowLoopback && /^localhost$/i.test(host)) return null;
  return domainNameProblem(host);
}
