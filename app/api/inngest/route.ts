import { inngestRouteHandlers } from "@/inngest/web-endpoint";

// Inngest's serve endpoint on the web tier (inngest/web-endpoint.ts): 404 unless
// INNGEST_EXECUTOR=external, signed calls only.
export const dynamic = "force-dynamic";

export const { GET, POST, PUT } = inngestRouteHandlers;
