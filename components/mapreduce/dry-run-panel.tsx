"use client";

import { FlaskConical, LoaderCircle } from "lucide-react";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";
import { dryRunAction, loadProgramAction } from "@/lib/mapreduce/actions";
import type { DryRunResult, StageResult } from "@/lib/mapreduce/dry-run";
import type { PickableFile } from "@/lib/mapreduce/files";
import { formatCount } from "@/lib/format/numbers";
import { draftHasProgram, type ProgramDraft } from "./program-field";

// "Test on the first 100 lines": runs the mapper and reducer as they stand in the form (the
// editor's text, or the chosen Drive files) over the start of one input, in the tasks' sandbox,
// and shows the three stages side by side: map output, the sorted groups the reducer gets, and
// the reduce output — with each program's stderr and, when one failed, why.

type Program = { name: string; source: string };

async function sourceOf(d: ProgramDraft): Promise<Program | string | null> {
  if (!draftHasProgram(d)) return null;
  if (d.mode === "editor") return { name: d.name.trim(), source: d.source };
  const r = await loadProgramAction(d.fileId!);
  return r.ok ? { name: r.program.name, source: r.program.source } : r.message;
}

export function DryRunPanel({
  inputs,
  files,
  mapper,
  reducer,
}: {
  inputs: string[];
  files: PickableFile[];
  mapper: ProgramDraft;
  reducer: ProgramDraft;
}) {
  const [chosen, setChosen] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<DryRunResult | null>(null);
  const byId = new Map(files.map((f) => [f.id, f]));
  const inputId = chosen && inputs.includes(chosen) ? chosen : (inputs[0] ?? null);

  const run = async () => {
    setError(null);
    if (!inputId) {
      setError("Choose an input file above first: the test reads its first 100 lines.");
      return;
    }
    setRunning(true);
    try {
      const [m, r] = await Promise.all([sourceOf(mapper), sourceOf(reducer)]);
      if (m === null) {
        setError("Write or choose a mapper first.");
        return;
      }
      if (typeof m === "string" || typeof r === "string") {
        setError(typeof m === "string" ? m : (r as string));
        return;
      }
      const answer = await dryRunAction({ mapper: m, reducer: r, inputFileId: inputId });
      if (!answer.ok) setError(answer.message);
      else setResult(answer.result);
    } catch {
      setError("The test could not run. Check your connection and try again.");
    } finally {
      setRunning(false);
    }
  };

  return (
    <section
      className="grid gap-3 rounded-lg border bg-card p-4"
      aria-labelledby="dry-run-heading"
      data-testid="dry-run"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 id="dry-run-heading" className="font-medium">
            Test before running
          </h2>
          <p className="text-xs text-muted-foreground">
            Runs your programs on the first 100 lines of an input, in the same sandbox as the job,
            and shows what each stage makes. Nothing is saved.
          </p>
        </div>
        <div className="flex w-full flex-wrap items-center gap-2 sm:w-auto">
          {inputs.length > 1 && (
            <Select
              aria-label="Test input"
              value={inputId ?? ""}
              onChange={(e) => setChosen(e.target.value)}
              className="min-w-0 flex-1 sm:w-48"
            >
              {inputs.map((id) => (
                <option key={id} value={id}>
                  {byId.get(id)?.name ?? "A file no longer in your Drive"}
                </option>
              ))}
            </Select>
          )}
          <Button type="button" variant="outline" onClick={() => void run()} disabled={running}>
            {running ? (
              <LoaderCircle className="animate-spin" aria-hidden />
            ) : (
              <FlaskConical aria-hidden />
            )}
            {running ? "Testing…" : "Test on the first 100 lines"}
          </Button>
        </div>
      </div>
      {error && <Alert>{error}</Alert>}
      {result && !running && <DryRunView result={result} />}
    </section>
  );
}

function DryRunView({ result }: { result: DryRunResult }) {
  const { map, reduce } = result;
  return (
    <div className="grid gap-2" aria-live="polite">
      <p className="text-sm text-muted-foreground" data-testid="dry-run-summary">
        Read {formatCount(result.input.lines)} line{result.input.lines === 1 ? "" : "s"} of{" "}
        <span className="font-medium text-foreground">{result.input.name}</span>.
      </p>
      <div className="grid gap-3 lg:grid-cols-3">
        <Pane
          title="Map output"
          count={`${formatCount(map.records)} record${map.records === 1 ? "" : "s"}`}
          testId="dry-run-map"
          stage={map}
        />
        <section className="grid min-w-0 content-start gap-1.5" data-testid="dry-run-groups">
          <PaneHeading
            title="Sorted groups"
            count={`${formatCount(result.groupCount)} key${result.groupCount === 1 ? "" : "s"}`}
          />
          {map.error ? (
            <p className="text-xs text-muted-foreground">The mapper failed: nothing to sort.</p>
          ) : result.groups.length === 0 ? (
            <p className="text-xs text-muted-foreground">The mapper wrote no records.</p>
          ) : (
            <ol className="max-h-72 overflow-auto rounded-md border bg-muted/40 p-2 font-mono text-xs">
              {result.groups.map((g, i) => (
                <li key={i} className="border-b border-border/50 py-0.5 last:border-0">
                  <span className="font-semibold">{g.key || "(empty key)"}</span>
                  <span className="text-muted-foreground">
                    {" "}
                    ← {g.values.slice(0, 12).join(", ")}
                    {g.values.length > 12 ? ` … ${g.values.length - 12} more` : ""}
                  </span>
                </li>
              ))}
              {result.groupCount > result.groups.length && (
                <li className="pt-1 text-muted-foreground">
                  … and {formatCount(result.groupCount - result.groups.length)} more keys
                </li>
              )}
            </ol>
          )}
        </section>
        {reduce ? (
          <Pane
            title="Reduce output"
            count={`${formatCount(reduce.records)} record${reduce.records === 1 ? "" : "s"}`}
            testId="dry-run-reduce"
            stage={reduce}
          />
        ) : (
          <section className="grid content-start gap-1.5" data-testid="dry-run-reduce">
            <PaneHeading title="Reduce output" />
            <p className="text-xs text-muted-foreground">
              {map.error
                ? "Not run: the mapper failed."
                : "No reducer: the map output is the result (a map-only job)."}
            </p>
          </section>
        )}
      </div>
    </div>
  );
}

function PaneHeading({ title, count }: { title: string; count?: string }) {
  return (
    <h3 className="flex items-baseline justify-between gap-2 text-sm font-medium">
      {title}
      {count && <span className="text-xs font-normal text-muted-foreground">{count}</span>}
    </h3>
  );
}

function Pane({
  title,
  count,
  stage,
  testId,
}: {
  title: string;
  count: string;
  stage: StageResult;
  testId: string;
}) {
  return (
    <section className="grid min-w-0 content-start gap-1.5" data-testid={testId}>
      <PaneHeading title={title} count={count} />
      {stage.error && <Alert>{stage.error}</Alert>}
      {stage.output ? (
        <pre className="max-h-72 overflow-auto rounded-md border bg-muted/40 p-2 text-xs">
          {stage.output}
        </pre>
      ) : (
        !stage.error && <p className="text-xs text-muted-foreground">No output.</p>
      )}
      {stage.stderr && (
        <details open={stage.error !== null} className="text-xs">
          <summary className="cursor-pointer text-muted-foreground">stderr</summary>
          <pre className="mt-1 max-h-48 overflow-auto rounded-md border border-destructive/30 bg-destructive/5 p-2">
            {stage.stderr}
          </pre>
        </details>
      )}
    </section>
  );
}
