"use client";

import { LocalDateTime } from "@/components/shared/local-date-time";
import { downloadHref } from "@/lib/drive/hrefs";
import { Alert } from "@/components/ui/alert";
import { ProgressBar } from "@/components/ui/progress-bar";
import { formatBytes } from "@/lib/format/numbers";
import { BUILTIN_DOCS } from "@/lib/mapreduce/catalog";
import type { MapReduceView } from "@/lib/mapreduce/view-types";
import { CountersTable } from "./counters-table";
import { formatMs } from "@/lib/format/time";
import { JobActions } from "./job-actions";
import { OutputPanel } from "./output-panel";
import { PhaseCards } from "./phase-cards";
import { ProgressChart } from "./progress-chart";
import { StatusBadge } from "./status-badge";
import { TasksTable } from "./tasks-table";
import { usePolledJob } from "@/components/jobs/use-job";

// One job, live: phases, the progress chart, counters, tasks with their logs, and the output.

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="grid gap-3 rounded-lg border bg-card p-4" aria-label={title}>
      <h2 className="font-medium">{title}</h2>
      {children}
    </section>
  );
}

function describe(view: MapReduceView): string {
  const s = view.spec;
  switch (s.kind) {
    case "grep":
      return `Grep /${s.pattern}/${s.ignoreCase ? "i" : ""}`;
    case "top-n":
      return `Top ${s.n} words`;
    case "distinct":
      return `Distinct values of column ${s.column}`;
    case "join":
      return `Join on column ${s.leftColumn} (left) = column ${s.rightColumn} (right)`;
    case "user":
      return "Your own programs";
    default:
      return BUILTIN_DOCS[s.kind].title;
  }
}

export function JobDetail({ initial }: { initial: MapReduceView }) {
  const poll = usePolledJob<MapReduceView>({
    url: `/api/mapreduce/${encodeURIComponent(initial.job.id)}`,
    initial,
    read: (body) => body.view as MapReduceView | undefined,
    jobOf: (v) => v.job,
  });
  const { error, live, refresh } = poll;
  const view = poll.value ?? initial;
  const { job } = view;
  const origin = new Date(job.startedAt ?? job.createdAt).getTime();
  const end = new Date(job.finishedAt ?? view.generatedAt).getTime();
  const elapsed = Math.max(0, (end - origin) / 1000);
  const hasReduce = view.reduce.total > 0;

  return (
    <div className="grid gap-4">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="grid gap-1">
          <h1 className="text-2xl font-semibold tracking-tight">{view.name}</h1>
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-muted-foreground">
            <StatusBadge status={job.status} />
            <span>{describe(view)}</span>
            <span>{view.target === "emr" ? "Amazon EMR" : "Local engine"}</span>
            <span>
              Submitted <LocalDateTime iso={job.createdAt} />
            </span>
            {job.finishedAt && <span>took {formatMs(end - origin)}</span>}
          </div>
        </div>
        <JobActions jobId={job.id} live={live} onChanged={() => void refresh()} />
      </div>

      {error && <Alert>{error}</Alert>}
      {job.status === "failed" && job.error && (
        <Alert>
          <p className="font-medium">The job failed.</p>
          <pre
            className="mt-1 whitespace-pre-wrap break-words font-sans text-sm"
            data-testid="job-error"
          >
            {job.error}
          </pre>
        </Alert>
      )}
      {job.status === "cancelled" && (
        <p className="rounded-md border bg-muted/40 px-3 py-2 text-sm">
          You cancelled this job. Its running tasks were stopped and its temporary files deleted.
        </p>
      )}

      <div className="grid gap-1" aria-live="polite">
        <div className="flex justify-between text-sm">
          <span data-testid="job-phase">{job.phase ?? (live ? "Waiting for a worker" : "")}</span>
          <span className="tabular-nums text-muted-foreground">{job.progress}%</span>
        </div>
        <ProgressBar
          value={job.progress}
          max={100}
          label="Job progress"
          tone={
            job.status === "failed"
              ? "failed"
              : job.status === "succeeded"
                ? "done"
                : job.status === "cancelled"
                  ? "muted"
                  : "active"
          }
        />
      </div>

      {view.target === "emr" ? (
        <p className="text-sm text-muted-foreground">
          This job runs on Amazon EMR: Hadoop reports its progress there; Stratus shows the
          step&apos;s state and collects the output when it completes.
        </p>
      ) : (
        <>
          <PhaseCards view={view} live={live} />
          <Section title="Progress over time">
            <ProgressChart
              points={view.timeline}
              hasReduce={hasReduce}
              elapsedSeconds={Math.round(elapsed * 10) / 10}
            />
          </Section>
        </>
      )}

      {job.status === "succeeded" && (
        <Section title="Output">
          <OutputPanel view={view} />
        </Section>
      )}

      {view.target === "local" && (
        <>
          <Section title="Counters">
            <CountersTable counters={view.counters} />
          </Section>
          <Section title={`Tasks (${view.tasks.length})`}>
            <TasksTable jobId={job.id} tasks={view.tasks} />
          </Section>
        </>
      )}

      <Section title="Inputs and programs">
        <ul className="grid gap-1 text-sm">
          {view.inputs.map((i) => (
            <li key={`${i.side}-${i.fileId}`} className="flex gap-2">
              <a href={downloadHref(i.fileId)} className="truncate hover:underline">
                {i.name}
              </a>
              <span className="text-xs text-muted-foreground">
                {formatBytes(i.size)}
                {view.spec.kind === "join" ? ` · ${i.side}` : ""}
              </span>
            </li>
          ))}
          {view.programs.map((p) => (
            <li key={p.role} className="flex gap-2">
              <span className="w-20 text-muted-foreground">{p.role}</span>
              <a href={downloadHref(p.fileId)} className="font-mono text-xs hover:underline">
                {p.name}
              </a>
            </li>
          ))}
        </ul>
        <p className="text-xs text-muted-foreground">
          {view.options.reducers} reducer{view.options.reducers === 1 ? "" : "s"} · combiner:{" "}
          {view.options.combiner === "reducer" ? "same as reducer" : view.options.combiner} · task
          timeout {view.options.taskTimeoutSeconds} s
        </p>
      </Section>
    </div>
  );
}
