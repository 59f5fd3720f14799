import { BarChart3, Cpu, HardDrive, type LucideIcon } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { FileIcon } from "@/components/drive/file-icon";
import { StatusBadge } from "@/components/shared/job-status-badge";
import { LocalDateTime } from "@/components/shared/local-date-time";
import { ProgressBar } from "@/components/ui/progress-bar";
import { formatBytes } from "@/lib/format/numbers";
import { driveHref } from "@/lib/drive/hrefs";
import type { Activity } from "@/lib/home/activity";
import { isFinished } from "@/lib/jobs/view";

// Recent activity on the home page: three cards, each with its own empty state and a way on.

function ActivityCard({
  title,
  icon: Icon,
  more,
  testId,
  children,
}: {
  title: string;
  icon: LucideIcon;
  more: { href: string; label: string };
  testId: string;
  children: ReactNode;
}) {
  return (
    <section
      aria-label={title}
      data-testid={testId}
      className="flex min-w-0 flex-col rounded-lg border bg-card"
    >
      <div className="flex items-center gap-2 border-b px-4 py-3">
        <Icon className="size-4 text-primary" aria-hidden />
        <h2 className="font-medium">{title}</h2>
        <Link
          href={more.href}
          className="ml-auto text-sm text-primary underline-offset-4 hover:underline"
        >
          {more.label}
        </Link>
      </div>
      <div className="flex-1 p-2">{children}</div>
    </section>
  );
}

function Empty({ children, action }: { children: ReactNode; action: ReactNode }) {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-2 px-4 py-6 text-center text-sm text-muted-foreground">
      <p>{children}</p>
      {action}
    </div>
  );
}

const rowClass =
  "flex min-w-0 items-center gap-3 rounded-md px-2 py-2 hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";

export function RecentActivity({ activity }: { activity: Activity }) {
  const { files, jobs, runningJobs, trackers } = activity;
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <ActivityCard
        title="Recent files"
        icon={HardDrive}
        more={{ href: "/drive", label: "Open Drive" }}
        testId="recent-files"
      >
        {files.length === 0 ? (
          <Empty action={<CtaLink href="/drive">Upload your first file</CtaLink>}>
            No files yet. What you upload shows up here.
          </Empty>
        ) : (
          <ul>
            {files.map((f) => (
              <li key={f.id}>
                <Link href={driveHref({ folder: f.folderId })} className={rowClass}>
                  <FileIcon contentType={f.contentType} name={f.name} />
                  <span className="grid min-w-0 flex-1">
                    <span className="truncate text-sm font-medium" title={f.name}>
                      {f.name}
                    </span>
                    <span className="truncate text-xs text-muted-foreground">
                      {formatBytes(f.size)} · <LocalDateTime iso={f.updatedAt} />
                    </span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </ActivityCard>

      <ActivityCard
        title={runningJobs > 0 ? `Jobs · ${runningJobs} running` : "Jobs"}
        icon={Cpu}
        more={{ href: "/mapreduce", label: "MapReduce" }}
        testId="recent-jobs"
      >
        {jobs.length === 0 ? (
          <Empty action={<CtaLink href="/mapreduce/new">Start a MapReduce job</CtaLink>}>
            No jobs yet. MapReduce runs and Image Studio applies show up here with their progress.
          </Empty>
        ) : (
          <ul>
            {runningJobs === 0 && (
              <li className="px-2 pt-1 pb-2 text-xs text-muted-foreground">
                Nothing running now. The latest:
              </li>
            )}
            {jobs.map((j) => (
              <li key={j.id}>
                <Link href={j.href} className={rowClass}>
                  <span className="grid min-w-0 flex-1 gap-1">
                    <span className="flex min-w-0 items-center gap-2">
                      <span className="truncate text-sm font-medium" title={j.label}>
                        {j.label}
                      </span>
                      <StatusBadge status={j.status} className="ml-auto shrink-0 text-xs" />
                    </span>
                    {isFinished(j) ? (
                      <span className="truncate text-xs text-muted-foreground">
                        <LocalDateTime iso={j.finishedAt ?? j.createdAt} />
                      </span>
                    ) : (
                      <>
                        <ProgressBar value={j.progress} max={100} label={`${j.label} progress`} />
                        {j.phase && (
                          <span className="truncate text-xs text-muted-foreground">{j.phase}</span>
                        )}
                      </>
                    )}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </ActivityCard>

      <ActivityCard
        title="Trackers"
        icon={BarChart3}
        more={{ href: "/pulse", label: "Open Pulse" }}
        testId="recent-trackers"
      >
        {trackers.length === 0 ? (
          <Empty action={<CtaLink href="/pulse/new">Create a tracker</CtaLink>}>
            No trackers yet. Track keywords on social feeds and watch their sentiment live.
          </Empty>
        ) : (
          <ul>
            {trackers.map((t) => (
              <li key={t.id}>
                <Link href={`/pulse/${encodeURIComponent(t.id)}`} className={rowClass}>
                  <span
                    className={
                      t.status === "active"
                        ? "size-2 shrink-0 rounded-full bg-success"
                        : "size-2 shrink-0 rounded-full bg-muted-foreground/50"
                    }
                    aria-hidden
                  />
                  <span className="min-w-0 flex-1 truncate text-sm font-medium" title={t.name}>
                    {t.name}
                  </span>
                  <span className="shrink-0 text-xs text-muted-foreground">
                    {t.status === "active" ? "Collecting" : "Paused"}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </ActivityCard>
    </div>
  );
}

function CtaLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href} className="font-medium text-primary underline-offset-4 hover:underline">
      {children}
    </Link>
  );
}
