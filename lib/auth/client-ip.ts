// X-Forwarded-For is a list that each proxy appends to; only entries added by proxies we run
// can be trusted. With TRUSTED_PROXY_HOPS=n the client is the n-th entry from the right (n=0:
// the rightmost, which is what a direct connection gets from Next's server).
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
