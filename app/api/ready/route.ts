import { readyDetailsAllowed } from "@/lib/health/ready-access";
import { runHealthChecks } from "@/lib/health/checks";
import { isDraining } from "@/lib/health/shutdown";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };

// Readiness: can this server do useful work? 200 when the database, the object store and (with
// the local executor) a job worker answer; 503 when one does not, or while the server is shutting
// down. Load balancers and Kubernetes' readinessProbe route by the status alone. Which dependency
// failed, its error and latencies are for operators: only with READY_DETAILS_TOKEN
// (lib/health/ready-access.ts), since error text names hosts, ports and versions.
export async function GET(request: Request) {
  const details = readyDetailsAllowed(request.headers);
  if (isDraining()) {
    const body = details ? { status: "draining", checks: {} } : { status: "draining" };
    return Response.json(body, { status: 503, headers: NO_STORE });
  }
  const report = await runHealthChecks();
  return Response.json(details ? report : { status: report.status }, {
    status: report.status === "ok" ? 200 : 503,
    headers: NO_STORE,
  });
}
