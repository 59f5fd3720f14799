import { serve } from "inngest/next";
import { inngest } from "@/lib/events/client";
import { functions } from "@/inngest";

// For Inngest Cloud (e.g. on Vercel). Runs in cloud mode, so every call must carry an
// INNGEST_SIGNING_KEY signature; INNGEST_DEV turns that off and is only for tests and a local
// Inngest dev server. With the local executor the worker serves these same functions instead.
// MapReduce is not here: it runs only in the worker (inngest/worker-functions.ts).
export const dynamic = "force-dynamic";

export const { GET, POST, PUT } = serve({ client: inngest, functions });
