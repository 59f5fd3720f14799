// Host rules that need no DNS and no Node built-ins, so a zod schema shared with the browser can
// use them: a URL a user supplies must name a public domain. Which address that name resolves to
// is checked again when connecting (lib/net/safe-dial.ts), where DNS can no longer change it.

// Names that never resolve to a public address (RFC 6761/6762 and common internal suffixes).
const INTERNAL_NAME = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa|localdomain)$/i;

/** True for an IP address as the WHATWG URL parser leaves it (dotted IPv4, bracketed IPv6). */
export function isIpHost(hostname: string): boolean {
  return hostname.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}

/** Why this host is not a public domain name, or null when it is one. */
export function domainNameProblem(hostname: string): string | null {
  const host = hostname.replace(/\.$/, "");
  if (!host) return "has no host";
  if (isIpHost(host)) return `${host} is an IP address, not a domain name`;
  if (!host.includes(".") || INTERNAL_NAME.test(host)) return `${host} is not a public host name`;
  return null;
}

export const PUBLIC_URL_MESSAGE =
  "Use the instance's public address, e.g. https://mastodon.social (IP addresses, localhost and internal names are not allowed)";
