"use client";

import { ScrollText } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";
import { formatBytes, formatCount } from "@/lib/format/numbers";
import type { TaskView } from "@/lib/mapreduce/view-types";
import { cn } from "@/lib/utils";
import { formatMs } from "@/lib/format/time";
import { attemptsMade } from "@/lib/mapreduce/attempts";

// Every task with its state, attempts, records and time; a task's log (the stderr of uploaded
// programs) opens in a dialog.

const STATE_TONE: Record<TaskView["state"], string> = {
  pending: "text-muted-foreground",
  running: "text-primary",
  succeeded: "text-success",
  failed: "text-destructive",
  cancelled: "text-muted-foreground",
};

type AttemptView = {
  attempt: number;
  state: TaskView["state"];
  error: string | null;
};

/**
 * A task's logs, one tab per attempt (each attempt keeps its own stderr). Attempts are named by
 * their number alone; the attempts made and allowed are said once, above the tabs.
 */
function LogDialog({
  jobId,
  task,
  onClose,
}: {
  jobId: string;
  task: TaskView;
  onClose: () => void;
}) {
  const [attempts, setAttempts] = useState<AttemptView[] | null>(null);
  const [allowed, setAllowed] = useState<number | null>(null);
  const [chosen, setChosen] = useState<number | null>(null);
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const base = `/api/mapreduce/${encodeURIComponent(jobId)}/tasks/${encodeURIComponent(task.taskId)}`;
  const loadLog = async (attempt: number | null) => {
    setChosen(attempt);
    setText(null);
    setError(null);
    try {
      const res = await fetch(`${base}/log${attempt === null ? "" : `?attempt=${attempt}`}`, {
        cache: "no-store",
      });
      const body = await res.text();
      if (res.ok) setText(body);
      else setError(errorMessage(body) ?? `The log could not be read (${res.status}).`);
    } catch {
      setError("The log could not be read. Check your connection.");
    }
  };
  const load = async () => {
    try {
      const res = await fetch(`${base}/attempts`, { cache: "no-store" });
      const body = res.ok
        ? ((await res.json()) as { attempts: AttemptView[]; allowed: number })
        : { attempts: [], allowed: null };
      const list = body.attempts;
      setAttempts(list);
      setAllowed(body.allowed);
      await loadLog(list.at(-1)?.attempt ?? null);
    } catch {
      setError("The log could not be read. Check your connection.");
    }
  };
  const current = attempts?.find((a) => a.attempt === chosen);
  return (
    <Dialog
      open
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      <DialogContent className="max-w-3xl" onOpenAutoFocus={() => void load()}>
        <DialogTitle>Task {task.taskId}</DialogTitle>
        <DialogDescription data-testid="attempts-made">
          {attempts && attempts.length > 0 && allowed !== null
            ? attemptsMade(attempts.length, allowed)
            : (task.error ?? `${task.state}, attempt ${task.attempts}`)}
        </DialogDescription>
        {attempts && attempts.length > 1 && (
          <div role="tablist" aria-label="Attempts" className="flex flex-wrap gap-1">
            {attempts.map((a) => (
              <button
                key={a.attempt}
                type="button"
                role="tab"
                aria-selected={a.attempt === chosen}
                onClick={() => void loadLog(a.attempt)}
                className={cn(
                  "rounded-md border px-2 py-1 text-xs transition-colors hover:bg-muted/50",
                  a.attempt === chosen && "border-primary bg-primary/10 font-medium",
                )}
              >
                Attempt {a.attempt}
                <span className={cn("ml-1", STATE_TONE[a.state])}>· {a.state}</span>
              </button>
            ))}
          </div>
        )}
        {/* The chosen attempt's outcome, under its tab. */}
        {current && (
          <p
            className={cn("text-sm", current.state === "failed" && "text-destructive")}
            data-testid="attempt-summary"
          >
            {current.error ?? `Attempt ${current.attempt}: ${current.state}`}
          </p>
        )}
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        ) : text === null ? (
          <p className="text-sm text-muted-foreground">Loading…</p>
        ) : text === "" ? (
          <p className="text-sm text-muted-foreground">
            {chosen === null
              ? "This task wrote nothing to stderr. (Built-in jobs keep no log.)"
              : `Attempt ${chosen} wrote nothing to stderr. (Built-in jobs keep no log.)`}
          </p>
        ) : (
          <pre
            // Wrapped: a traceback's long lines stay readable on a phone.
            className="max-h-96 overflow-auto whitespace-pre-wrap rounded-md bg-muted p-3 text-xs [overflow-wrap:anywhere]"
            data-testid="task-log"
            role={attempts && attempts.length > 1 ? "tabpanel" : undefined}
          >
            {text}
          </pre>
        )}
      </DialogContent>
    </Dialog>
  );
}

export function TasksTable({ jobId, tasks }: { jobId: string; tasks: TaskView[] }) {
  const [open, setOpen] = useState<TaskView | null>(null);
  if (tasks.length === 0) {
    return <p className="text-sm text-muted-foreground">Tasks appear once the job is planned.</p>;
  }
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" aria-label="Tasks">
        <thead className="border-b text-left text-xs text-muted-foreground">
          <tr>
            <th className="px-2 py-1.5 font-medium">Task</th>
            <th className="px-2 py-1.5 font-medium">State</th>
            <th className="hidden px-2 py-1.5 font-medium md:table-cell">Input</th>
            <th className="px-2 py-1.5 text-right font-medium">Records in</th>
            <th className="px-2 py-1.5 text-right font-medium">Records out</th>
            <th className="hidden px-2 py-1.5 text-right font-medium sm:table-cell">Time</th>
            <th className="px-2 py-1.5">
              <span className="sr-only">Log</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr key={t.taskId} className="border-b last:border-0" data-testid={`task-${t.taskId}`}>
              <td className="whitespace-nowrap px-2 py-1.5 font-mono text-xs">{t.taskId}</td>
              <td className={cn("px-2 py-1.5", STATE_TONE[t.state])}>
                {t.state}
                {t.attempts > 1 && (
                  <span className="ml-1 text-xs text-muted-foreground">
                    ({t.attempts} attempts)
                  </span>
                )}
                {t.status && (
                  <div className="max-w-48 truncate text-xs text-muted-foreground">{t.status}</div>
                )}
              </td>
              <td className="hidden max-w-56 px-2 py-1.5 md:table-cell">
                {t.inputName ? (
                  <span className="block truncate" title={t.inputName}>
                    {t.inputName}{" "}
                    <span className="text-xs text-muted-foreground">
                      ({formatBytes(t.inputBytes)})
                    </span>
                  </span>
                ) : (
                  <span className="text-muted-foreground">
                    partition {Number(t.taskId.slice(2))}
                  </span>
                )}
              </td>
              <td className="px-2 py-1.5 text-right tabular-nums">{formatCount(t.recordsIn)}</td>
              <td className="px-2 py-1.5 text-right tabular-nums">{formatCount(t.recordsOut)}</td>
              <td className="hidden px-2 py-1.5 text-right tabular-nums sm:table-cell">
                {formatMs(t.durationMs)}
              </td>
              <td className="px-2 py-1.5 text-right">
                <Button
                  type="button"
                  variant="ghost"
                  size="sm"
                  onClick={() => setOpen(t)}
                  aria-label={`Log of task ${t.taskId}`}
                >
                  <ScrollText aria-hidden />
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && <LogDialog jobId={jobId} task={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

/** The `message` of the API's JSON error body, if that is what came back. */
function errorMessage(body: string): string | null {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === "string" ? message : null;
  } catch {
    return null;
  }
}
