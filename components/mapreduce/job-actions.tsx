"use client";

import { Ban, Copy, LoaderCircle, RotateCcw, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { cancelJobAction } from "@/lib/jobs/actions";
import { deleteJobAction, rerunJobAction } from "@/lib/mapreduce/actions";

// Cancel while the job runs; Re-run, Clone and edit, and Delete once it has finished.

export function JobActions({
  jobId,
  live,
  onChanged,
}: {
  jobId: string;
  live: boolean;
  onChanged: () => void;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const run = (fn: () => Promise<void>) => start(fn);

  return (
    <div className="grid justify-items-end gap-1">
      <div className="flex flex-wrap justify-end gap-2">
        {live ? (
          <Button
            type="button"
            variant="outline"
            disabled={pending}
            onClick={() =>
              run(async () => {
                const r = await cancelJobAction(jobId);
                setMessage({ ok: !!r.ok, text: r.message ?? "" });
                onChanged();
              })
            }
          >
            {pending ? <LoaderCircle className="animate-spin" aria-hidden /> : <Ban aria-hidden />}
            Cancel job
          </Button>
        ) : (
          <>
            <Button
              type="button"
              variant="outline"
              disabled={pending}
              onClick={() =>
                run(async () => {
                  const r = await rerunJobAction(jobId);
                  if (r.ok && r.jobId) router.push(`/mapreduce/${r.jobId}`);
                  else setMessage({ ok: false, text: r.message ?? "The job could not start." });
                })
              }
            >
              <RotateCcw aria-hidden />
              Re-run
            </Button>
            <Button asChild variant="outline">
              <Link href={`/mapreduce/new?from=${encodeURIComponent(jobId)}`}>
                <Copy aria-hidden />
                Clone and edit
              </Link>
            </Button>
            <Button
              type="button"
              variant="ghost"
              disabled={pending}
              onClick={() => {
                if (!window.confirm("Delete this job? Its result files stay in your Drive."))
                  return;
                run(async () => {
                  const r = await deleteJobAction(jobId);
                  if (r.ok) router.push("/mapreduce");
                  else
                    setMessage({ ok: false, text: r.message ?? "The job could not be deleted." });
                });
              }}
            >
              <Trash2 aria-hidden />
              Delete
            </Button>
          </>
        )}
      </div>
      {message && (
        <p
          role="status"
          className={message.ok ? "text-sm text-muted-foreground" : "text-sm text-destructive"}
        >
          {message.text}
        </p>
      )}
    </div>
  );
}
