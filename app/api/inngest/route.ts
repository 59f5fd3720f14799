import { serve } from "inngest/next";
import { inngest } from "@/lib/events/client";
import { functions } from "@/inngest";
import { publicRoute } from "@/lib/server/route";

// For Inngest Cloud (e.g. on Vercel). Runs in cloud mode, so every call must carry an
// INNGEST_SIGNING_KEY signature; INNGEST_DEV turns that off and is only for tests and a local
// Inngest dev server. With the local executor the worker serves these same functions instead.
// MapReduce is not here: it runs only in the worker (inngest/worker-functions.ts).
// Public to the front door (Inngest signs its calls instead of holding a session), and any body.
export const dynamic = "force-dynamic";

const handlers = serve({ client: inngest, functions });
const INNGEST = { body: "any" } as const;

export const GET = publicRoute(({ request }) => handlers.GET(request as never, undefined), INNGEST);
export const POST = publicRoute(
  ({ request }) => handlers.POST(request as never, undefined),
  INNGEST,
);
export const PUT = publicRoute(({ request }) => handlers.PUT(request as never, undefined), INNGEST);
