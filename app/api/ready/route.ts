import { runHealthChecks } from "@/lib/health/checks";
import { isDraining } from "@/lib/health/shutdown";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };

// Readiness: can this server do useful work? 200 when the database, the object store and (with
// the local executor) a job worker answer; 503 naming the one that does not, or while the server
// is shutting down. Load balancers and Kubernetes' readinessProbe route by it.
export async function GET() {
  if (isDraining()) {
    return Response.json({ status: "draining", checks: {} }, { status: 503, headers: NO_STORE });
  }
  const report = await runHealthChecks();
  return Response.json(report, { status: report.status === "ok" ? 200 : 503, headers: NO_STORE });
}
