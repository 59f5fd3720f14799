import "server-only";
import { listLiveFiles } from "@/lib/drive/access";
import { listJobs } from "@/lib/jobs/jobs";
import { jobHref, jobLabel } from "@/lib/jobs/links";
import { isFinished, toJobView, type JobView } from "@/lib/jobs/view";
import { listMapReduceJobs } from "@/lib/mapreduce/store";
import { listTrackers } from "@/lib/pulse/trackers";

// The home page's "recent activity": what the user touched last in each app, read through each
// feature's own functions (no feature's tables are read here), scoped to the user.

export const RECENT = { files: 6, jobs: 6, trackers: 5 } as const;

export type ActivityFile = {
  id: string;
  name: string;
  size: number;
  contentType: string;
  folderId: string | null;
  updatedAt: string;
};
export type ActivityJob = JobView & { label: string; href: string };
export type ActivityTracker = {
  id: string;
  name: string;
  status: "active" | "paused";
  createdAt: string;
};
export type Activity = {
  files: ActivityFile[];
  jobs: ActivityJob[];
  runningJobs: number;
  trackers: ActivityTracker[];
};

export async function recentActivity(userId: string): Promise<Activity> {
  const [files, jobs, mapReduce, trackers] = await Promise.all([
    listLiveFiles(userId, {}, { order: "newest", take: RECENT.files }),
    listJobs(userId, 30),
    listMapReduceJobs(userId, 30),
    listTrackers(userId),
  ]);
  const names = new Map(mapReduce.map((j) => [j.id, j.name]));
  const views = jobs.map((j) => {
    const view = toJobView(j);
    const name = names.get(j.id);
    return { ...view, label: name ?? jobLabel(j.kind), href: jobHref(j) };
  });
  // Running and queued jobs first, then the latest finished ones.
  const running = views.filter((j) => !isFinished(j));
  const finished = views.filter((j) => isFinished(j));
  return {
    files: files.map((f) => ({
      id: f.id,
      name: f.name,
      size: f.size,
      contentType: f.contentType,
      folderId: f.folderId,
      updatedAt: f.updatedAt.toISOString(),
    })),
    jobs: [...running, ...finished].slice(0, RECENT.jobs),
    runningJobs: running.length,
    trackers: trackers.slice(0, RECENT.trackers).map((t) => ({
      id: t.id,
      name: t.name,
      status: t.status,
      createdAt: t.createdAt,
    })),
  };
}
