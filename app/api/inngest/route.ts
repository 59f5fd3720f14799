import { inngestRouteHandlers as handlers } from "@/inngest/web-endpoint";
import { publicRoute } from "@/lib/server/route";

// Inngest's serve endpoint on the web tier (inngest/web-endpoint.ts): 404 unless
// INNGEST_EXECUTOR=external, signed calls only, each at most once.
// Public to the front door (Inngest signs its calls instead of holding a session), and any body.
export const dynamic = "force-dynamic";

const INNGEST = { body: "any" } as const;

export const GET = publicRoute(
  ({ request }) => handlers.GET(request as never, undefined as never),
  INNGEST,
);
export const POST = publicRoute(
  ({ request }) => handlers.POST(request as never, undefined as never),
  INNGEST,
);
export const PUT = publicRoute(
  ({ request }) => handlers.PUT(request as never, undefined as never),
  INNGEST,
);
