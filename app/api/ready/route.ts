import { runHealthChecks } from "@/lib/health/checks";
import { isDraining } from "@/lib/health/shutdown";
import { json, publicRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// Readiness: can this server do useful work? 200 when the database, the object store and (with
// the local executor) a job worker answer; 503 naming the one that does not, or while the server
// is shutting down. Load balancers and Kubernetes' readinessProbe route by it. Public on purpose.
export const GET = publicRoute(async () => {
  if (isDraining()) return json({ status: "draining", checks: {} }, 503);
  const report = await runHealthChecks();
  return json(report, report.status === "ok" ? 200 : 503);
});
