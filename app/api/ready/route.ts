import { readyDetailsAllowed } from "@/lib/health/ready-access";
import { runHealthChecks } from "@/lib/health/checks";
import { isDraining } from "@/lib/health/shutdown";
import { json, publicRoute } from "@/lib/server/route";
import { warmZipProcess } from "@/lib/drive/zip";
import { renderPool } from "@/lib/images/render-pool";

export const dynamic = "force-dynamic";

// Readiness: can this server do useful work? 200 when the database, the object store and (with
// the local executor) a job worker answer; 503 when one does not, or while the server is shutting
// down. Load balancers and Kubernetes' readinessProbe route by the status alone. Which dependency
// failed, its error and latencies are for operators: only with READY_DETAILS_TOKEN
// (lib/health/ready-access.ts), since error text names hosts, ports and versions. Public on
// purpose.
export const GET = publicRoute(async ({ request }) => {
  // A server is ready with its render and zip processes started, so that none is forked on a
  // user's request (the first readiness probe starts them; later ones find them running).
  renderPool();
  warmZipProcess();
  const details = readyDetailsAllowed(request.headers);
  if (isDraining())
    return json(details ? { status: "draining", checks: {} } : { status: "draining" }, 503);
  const report = await runHealthChecks();
  return json(details ? report : { status: report.status }, report.status === "ok" ? 200 : 503);
});
