"use client";

import { Download, FolderOpen, Play, RotateCcw } from "lucide-react";
import Link from "next/link";
import { useEffect, useState, useTransition } from "react";
import { driveHref } from "@/lib/drive/hrefs";
import { JobProgress } from "@/components/jobs/job-progress";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { formatBytes } from "@/lib/format/numbers";
import { applyChainAction, resultInfoAction, type ResultInfo } from "@/lib/images/actions";
import { Chain, type OutputOptions } from "@/lib/images/chain";
import type { JobView } from "@/lib/jobs/view";
import { CompareSlider } from "./compare-slider";
import { usePreview } from "./use-preview";

// Apply: the chain runs in the background at full resolution. The job's progress shows live; when
// it is done the result (a new file in the Drive's "Image Studio" folder) is shown against the
// original, ready to download. The job id goes into the address so a reload finds it again.

function setJobParam(jobId: string | null) {
  const url = new URL(window.location.href);
  if (jobId) url.searchParams.set("job", jobId);
  else url.searchParams.delete("job");
  window.history.replaceState(window.history.state, "", url);
}

export function ApplyPanel({
  fileId,
  chain,
  output,
  initialJob,
  onApplied,
}: {
  fileId: string;
  chain: Chain;
  output: OutputOptions;
  initialJob?: JobView;
  /** The chain went off to be applied (the editor's draft is then no longer "unsaved"). */
  onApplied?: () => void;
}) {
  const [job, setJob] = useState<{ id: string; initial?: JobView } | null>(
    initialJob ? { id: initialJob.id, initial: initialJob } : null,
  );
  const [finished, setFinished] = useState<JobView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const valid = Chain.safeParse(chain).success && chain.length > 0;

  const apply = () =>
    startTransition(async () => {
      setError(null);
      setFinished(null);
      const result = await applyChainAction({ fileId, chain, output });
      if (result.ok && result.jobId) {
        setJob({ id: result.jobId });
        setJobParam(result.jobId);
        onApplied?.();
      } else {
        setError(result.message ?? "Apply did not start.");
      }
    });

  const running = job !== null && finished === null;
  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap gap-2">
        <Button
          type="button"
          className="flex-1"
          onClick={apply}
          disabled={!valid || pending || running}
          data-testid="apply"
        >
          <Play aria-hidden />
          {pending ? "Starting…" : running ? "Applying…" : "Apply"}
        </Button>
        {finished && (
          <Button
            type="button"
            variant="ghost"
            onClick={() => {
              setJob(null);
              setFinished(null);
              setJobParam(null);
            }}
          >
            <RotateCcw aria-hidden />
            Clear
          </Button>
        )}
      </div>
      {!valid && chain.length > 0 && (
        <p className="text-xs text-destructive">Fix the highlighted settings to apply.</p>
      )}
      {chain.length === 0 && (
        <p className="text-xs text-muted-foreground">Add a filter to apply it to the full image.</p>
      )}
      {error && <Alert>{error}</Alert>}
      {job && (
        <JobProgress
          key={job.id}
          jobId={job.id}
          initial={job.initial}
          title="Applying filters"
          onFinished={setFinished}
        />
      )}
      {finished?.status === "succeeded" && finished.resultRef && (
        <ResultView fileId={fileId} resultId={finished.resultRef} />
      )}
    </div>
  );
}

function ResultView({ fileId, resultId }: { fileId: string; resultId: string }) {
  const original = usePreview(fileId, []);
  const [info, setInfo] = useState<ResultInfo | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void resultInfoAction(resultId).then((res) => {
      if (!live) return;
      if (res.ok) setInfo(res.file);
      else setMissing(res.message);
    });
    return () => {
      live = false;
    };
  }, [resultId]);

  if (missing) return <Alert>{missing}</Alert>;
  const inline = `/api/drive/files/${encodeURIComponent(resultId)}/download?inline=1`;
  return (
    <section
      aria-label="Result"
      className="grid gap-3 rounded-lg border bg-card p-3"
      data-testid="result"
    >
      <div className="grid gap-0.5">
        <h3 className="text-sm font-semibold">Result</h3>
        <p className="truncate text-xs text-muted-foreground" title={info?.name}>
          {info ? `${info.name} · ${formatBytes(info.size)} · in ${info.location}` : "Loading…"}
        </p>
      </div>
      {original.url ? (
        <CompareSlider
          before={original.url}
          after={inline}
          beforeLabel="Original"
          afterLabel="Result"
          className="aspect-[4/3] w-full"
          testId="result-compare"
        />
      ) : (
        <div className="aspect-[4/3] w-full animate-pulse rounded-md bg-muted" />
      )}
      <div className="flex flex-wrap gap-2">
        <Button asChild size="sm">
          <a href={`/api/drive/files/${encodeURIComponent(resultId)}/download`} download>
            <Download aria-hidden />
            Download
          </a>
        </Button>
        <Button asChild size="sm" variant="outline">
          <Link href={driveHref({ folder: info?.folderId ?? null })}>
            <FolderOpen aria-hidden />
            Show in Drive
          </Link>
        </Button>
      </div>
    </section>
  );
}
