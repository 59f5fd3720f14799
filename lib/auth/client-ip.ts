// X-Forwarded-For is a list that each proxy appends to; only entries added by proxies we run
// can be trusted. Stratus's own server appends the socket's address last (forwarded-for.ts:
// Next by itself does not when the client sent the header). With TRUSTED_PROXY_HOPS=n the client
// is the n-th entry left of that: n=0, no proxy, the socket; n=1, one proxy on loopback (nginx,
// which overwrites the header with $remote_addr), the address nginx saw. README, "Client addresses".
export function clientIp(
  headers: Headers | Record<string, string | string[] | undefined>,
  trustedHops: number,
): string {
  const get = (name: string) => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const v = headers[name];
    return Array.isArray(v) ? v.join(",") : v;
  };
  const hops = (get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const ip = hops[Math.max(0, hops.length - 1 - trustedHops)] ?? get("x-real-ip") ?? "unknown";
  return ip.slice(0, 45);
}
