import { Cpu, Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { LocalDateTime } from "@/components/shared/local-date-time";
import { RefreshWhileActive } from "@/components/mapreduce/refresh-while-active";
import { StatusBadge } from "@/components/mapreduce/status-badge";
import { Button } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/session";
import { formatBytes } from "@/lib/format/numbers";
import { BUILTIN_DOCS } from "@/lib/mapreduce/catalog";
import { listMapReduceJobs } from "@/lib/mapreduce/store";

export const metadata: Metadata = { title: "MapReduce" };

const kindLabel = (kind: string) =>
  kind === "user"
    ? "Your programs"
    : (BUILTIN_DOCS[kind as keyof typeof BUILTIN_DOCS]?.title ?? kind);

export default async function MapReducePage() {
  const user = await requireUser("/mapreduce");
  const jobs = await listMapReduceJobs(user.id);
  const active = jobs.some((j) => j.status === "queued" || j.status === "running");

  return (
    <div className="grid gap-5">
      <RefreshWhileActive active={active} />
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">MapReduce jobs</h1>
          <p className="text-sm text-muted-foreground">
            Run a built-in job or your own mapper and reducer over files in your Drive.
          </p>
        </div>
        <Button asChild>
          <Link href="/mapreduce/new">
            <Plus aria-hidden />
            New job
          </Link>
        </Button>
      </div>

      {jobs.length === 0 ? (
        <div className="flex flex-col items-center gap-3 rounded-lg border bg-card px-6 py-16 text-center">
          <Cpu className="size-10 text-muted-foreground" aria-hidden />
          <h2 className="font-medium">No jobs yet</h2>
          <p className="max-w-md text-sm text-muted-foreground">
            Count the words of a text, build an inverted index, grep, join two tables — or upload a
            Hadoop-streaming mapper and reducer in Python or JavaScript.
          </p>
          <Button asChild>
            <Link href="/mapreduce/new">Create your first job</Link>
          </Button>
        </div>
      ) : (
        <div className="overflow-x-auto rounded-lg border bg-card">
          <table className="w-full text-sm" aria-label="Your jobs">
            <thead className="border-b text-left text-xs text-muted-foreground">
              <tr>
                <th className="px-3 py-2 font-medium">Job</th>
                <th className="px-3 py-2 font-medium">Status</th>
                <th className="hidden px-3 py-2 font-medium md:table-cell">Input</th>
                <th className="hidden px-3 py-2 font-medium sm:table-cell">Submitted</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.id} className="border-b last:border-0 hover:bg-muted/40">
                  <td className="px-3 py-2">
                    <Link href={`/mapreduce/${job.id}`} className="font-medium hover:underline">
                      {job.name}
                    </Link>
                    <div className="text-xs text-muted-foreground">
                      {kindLabel(job.jobKind)}
                      {job.target === "emr" ? " · Amazon EMR" : ""}
                    </div>
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={job.status} />
                    {job.phase && (
                      <div className="max-w-56 truncate text-xs text-muted-foreground">
                        {job.phase}
                      </div>
                    )}
                  </td>
                  <td className="hidden px-3 py-2 tabular-nums md:table-cell">
                    {formatBytes(job.inputBytes)}
                  </td>
                  <td className="hidden px-3 py-2 sm:table-cell">
                    <LocalDateTime iso={job.createdAt.toISOString()} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
