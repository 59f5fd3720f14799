import type { ServeHandlerOptions } from "inngest";

export const SERVE_PATH = "/api/inngest";

// Options shared by every serve endpoint (the worker's and, with an external executor, the web
// tier's). The SDK otherwise builds the URL it registers from the request's Host header, so one
// unsigned PUT with a forged Host could point Inngest at an attacker's server: the origin is fixed
// here, and syncs must be signed (Inngest's in-band sync and the local executor's both are).
// INNGEST_SERVE_ORIGIN overrides the default origin (the SDK's own variable name).
export function serveOptions(
  defaultOrigin: string | undefined,
  env: Record<string, string | undefined> = process.env,
): Pick<ServeHandlerOptions, "servePath" | "serveOrigin" | "enableUnauthedSync"> {
  const origin = env.INNGEST_SERVE_ORIGIN || defaultOrigin;
  return {
    servePath: SERVE_PATH,
    serveOrigin: origin ? new URL(origin).origin : undefined,
    enableUnauthedSync: false,
  };
}
