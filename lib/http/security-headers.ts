// The security headers of every response (proxy.ts). No Node-only imports: the proxy may run on
// the edge runtime too.

export const NONCE_HEADER = "x-nonce";

export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

type Env = Record<string, string | undefined>;

/**
 * Where browsers fetch objects from directly: presigned uploads (PUT), and previews and downloads
 * that the app redirects to. The public endpoint if set, else the server's; with virtual-hosted
 * addressing the bucket is a subdomain; unset means AWS S3 itself.
 */
export function storageOrigins(env: Env = process.env): string[] {
  const endpoint = env.S3_PUBLIC_ENDPOINT || env.S3_ENDPOINT;
  const bucket = env.S3_BUCKET;
  const pathStyle = env.S3_FORCE_PATH_STYLE === "true" || env.S3_EMBEDDED === "true";
  if (endpoint) {
    try {
      const url = new URL(endpoint);
      const origins = [url.origin];
      if (!pathStyle && bucket) origins.push(`${url.protocol}//${bucket}.${url.host}`);
      return origins;
    } catch {
      return [];
    }
  }
  const region = env.S3_REGION || "us-east-1";
  return bucket
    ? [`https://${bucket}.s3.${region}.amazonaws.com`, `https://s3.${region}.amazonaws.com`]
    : [];
}

/**
 * Script runs only from this origin with the page's nonce ('strict-dynamic' lets the chunks
 * Next's nonce'd scripts load run too). Styles allow 'unsafe-inline': React, Radix and recharts
 * set style attributes, which nonces cannot cover, and a style cannot run script. Frames of
 * Stratus are refused everywhere (clickjacking). object-src names the storage so the PDF preview
 * (an <object> following a redirect to a presigned URL) works; plugins are otherwise gone.
 * form-action names it too: the share page's Download form is answered with a redirect there.
 */
export function contentSecurityPolicy(opts: {
  nonce: string;
  https: boolean;
  dev?: boolean;
  storage?: string[];
}): string {
  const storage = (opts.storage ?? storageOrigins()).join(" ");
  const s = storage ? ` ${storage}` : "";
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${opts.nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' blob: data:${s}`,
    `media-src 'self' blob:${s}`,
    `object-src 'self'${s}`,
    // blob: and data: are the page's own object URLs (image previews read back, exports).
    `connect-src 'self' blob: data:${s}`,
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    "frame-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    // A share page's Download posts to the app, which redirects to a presigned URL: Chrome
    // applies form-action to the redirect's target too.
    `form-action 'self'${s}`,
    ...(opts.https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

export function securityHeaders(opts: { nonce: string; https: boolean; dev?: boolean }) {
  const headers: Record<string, string> = {
    "content-security-policy": contentSecurityPolicy(opts),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    // Share tokens live in URLs: other sites get the origin only.
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy":
      "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
    "cross-origin-opener-policy": "same-origin",
  };
  // Only over https: a browser ignores it over http, and a local http install must stay usable.
  if (opts.https) headers["strict-transport-security"] = "max-age=63072000; includeSubDomains";
  return headers;
}
