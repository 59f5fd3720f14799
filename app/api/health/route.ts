import { hostname } from "node:os";

export const dynamic = "force-dynamic";

const startedAt = Date.now();

// Liveness: this process is up and answers. It checks no dependency, so a database outage does
// not get every app server restarted (Docker's HEALTHCHECK, Kubernetes' livenessProbe); whether
// the server can do useful work is /api/ready's question.
export function GET() {
  return Response.json(
    {
      status: "ok",
      instance: process.env.STRATUS_INSTANCE || hostname(),
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    },
    { headers: { "cache-control": "no-store" } },
  );
}
