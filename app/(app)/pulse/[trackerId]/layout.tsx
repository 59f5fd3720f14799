import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { ownsTracker } from "@/lib/pulse/trackers";

// Looked up above this segment's loading boundary (the dashboard's skeleton), so a missing or
// foreign tracker answers 404 rather than a 200 that later shows "not found".
export default async function TrackerLayout({
  children,
  params,
}: LayoutProps<"/pulse/[trackerId]">) {
  const { trackerId } = await params;
  const user = await requireUser(`/pulse/${encodeURIComponent(trackerId)}`);
  if (!(await ownsTracker(user.id, trackerId))) notFound();
  return children;
}
