import { hostname } from "node:os";
import { json, publicRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

const startedAt = Date.now();

// Liveness: this process is up and answers. It checks no dependency, so a database outage does
// not get every app server restarted (Docker's HEALTHCHECK, Kubernetes' livenessProbe); whether
// the server can do useful work is /api/ready's question. Public on purpose.
export const GET = publicRoute(() =>
  json({
    status: "ok",
    instance: process.env.STRATUS_INSTANCE || hostname(),
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
  }),
);
