import { serve } from "inngest/next";
import { claimSignedRequest, REPLAYED_MESSAGE, servingKeys } from "@/lib/executor/replay-guard";
import type { NextRequest } from "next/server";
import { inngest } from "@/lib/events/client";
import { functions } from "./index";
import { serveOptions } from "./serve-options";

// The web tier's serve endpoint, for an external Inngest (Inngest Cloud on Vercel, a self-hosted
// Inngest server): cloud mode, so every call must carry an INNGEST_SIGNING_KEY signature.
// With the local executor (INNGEST_EXECUTOR unset or "local") the worker serves these same
// functions and the executor calls only the worker, so here the path does not exist: 404, and no
// function can be reached through the web tier at all. MapReduce is not here: it runs only in the
// worker (inngest/worker-functions.ts).
const handlers = serve({
  client: inngest,
  functions,
  ...serveOptions(process.env.NEXTAUTH_URL),
});

type Handler = (req: NextRequest, ctx: never) => Promise<Response>;

function servedHere(): boolean {
  return process.env.INNGEST_EXECUTOR === "external";
}

function gate(handler: Handler): Handler {
  return async (req, ctx) => {
    if (!servedHere()) return new Response(null, { status: 404 });
    // Each signed call once (lib/executor/replay-guard.ts); the SDK checks the rest.
    const verdict = await claimSignedRequest(
      req.headers.get("x-inngest-signature"),
      await req.clone().text(),
      servingKeys(),
      new URL(req.url),
    );
    if (verdict === "replayed")
      return Response.json({ message: REPLAYED_MESSAGE }, { status: 401 });
    return handler(req, ctx);
  };
}

export const inngestRouteHandlers = {
  GET: gate(handlers.GET as Handler),
  POST: gate(handlers.POST as Handler),
  PUT: gate(handlers.PUT as Handler),
};
