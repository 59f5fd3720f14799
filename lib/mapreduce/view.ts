import "server-only";
import { ownedFile } from "@/lib/drive/access";
import { toJobView } from "@/lib/jobs/view";
import { getRange } from "@/lib/storage/objects";
import { C, FRAMEWORK, sumCounters } from "./counters";
import type { MapReduceDetail } from "./store";
import type { MapReduceView, PhaseView, TaskView, TimelinePoint } from "./view-types";

// The job page's data from the stored job: phases with their durations, the running totals of
// every task's counters, a timeline of finished tasks, and the output's first lines.

export const PREVIEW_LINES = 100;
const PREVIEW_BYTES = 64 * 1024;

const iso = (d: Date | null) => d?.toISOString() ?? null;

function phase(
  tasks: MapReduceDetail["tasks"],
  kind: "map" | "reduce",
  startedAt: Date | null,
  finishedAt: Date | null,
): PhaseView {
  const mine = tasks.filter((t) => t.kind === kind);
  const firstStart = mine
    .map((t) => t.startedAt?.getTime() ?? Infinity)
    .reduce((a, b) => Math.min(a, b), Infinity);
  const start = startedAt ?? (Number.isFinite(firstStart) ? new Date(firstStart) : null);
  return {
    done: mine.filter((t) => t.state === "succeeded").length,
    running: mine.filter((t) => t.state === "running").length,
    failed: mine.filter((t) => t.state === "failed").length,
    total: mine.length,
    startedAt: iso(start),
    finishedAt: iso(finishedAt),
    durationMs: start ? (finishedAt ?? new Date()).getTime() - start.getTime() : null,
  };
}

function taskView(t: MapReduceDetail["tasks"][number]): TaskView {
  const f = t.counters?.[FRAMEWORK] ?? {};
  const map = t.kind === "map";
  return {
    taskId: t.taskId,
    kind: map ? "map" : "reduce",
    state: t.state,
    attempts: t.attempts,
    inputName: t.inputName,
    inputBytes: t.inputBytes,
    recordsIn: (map ? f[C.mapInputRecords] : f[C.reduceInputRecords]) ?? 0,
    recordsOut: (map ? f[C.mapOutputRecords] : f[C.reduceOutputRecords]) ?? 0,
    status: t.status,
    error: t.error,
    startedAt: iso(t.startedAt),
    finishedAt: iso(t.finishedAt),
    durationMs: t.durationMs,
  };
}

function timeline(job: MapReduceDetail): TimelinePoint[] {
  const origin = (job.job.startedAt ?? job.job.createdAt).getTime();
  const finished = job.tasks
    .filter((t) => t.state === "succeeded" && t.finishedAt)
    .map((t) => ({ kind: t.kind, at: t.finishedAt!.getTime() }))
    .sort((a, b) => a.at - b.at);
  const points: TimelinePoint[] = [{ t: 0, map: 0, reduce: 0 }];
  let map = 0;
  let reduce = 0;
  for (const f of finished) {
    if (f.kind === "map") map++;
    else reduce++;
    points.push({ t: Math.max(0, (f.at - origin) / 1000), map, reduce });
  }
  const mapTotal = Math.max(1, job.mapTotal);
  const reduceTotal = Math.max(1, job.reduceTotal);
  // Percentages, so that 3 reduce tasks and 300 map tasks share one axis.
  return points.map((p) => ({
    t: Math.round(p.t * 10) / 10,
    map: Math.round((p.map / mapTotal) * 1000) / 10,
    reduce: job.reduceTotal === 0 ? 0 : Math.round((p.reduce / reduceTotal) * 1000) / 10,
  }));
}

/** The first PREVIEW_LINES lines of the output, part after part. */
async function preview(job: MapReduceDetail): Promise<MapReduceView["preview"]> {
  if (job.job.status !== "succeeded" || !job.outputs?.length) return null;
  const lines: string[] = [];
  let truncated = false;
  for (const output of job.outputs) {
    if (lines.length >= PREVIEW_LINES) {
      truncated ||= output.bytes > 0;
      continue;
    }
    const file = await ownedFile(job.ownerId, output.fileId);
    if (!file) continue;
    const bytes = await getRange(file.storageKey, PREVIEW_BYTES);
    if (!bytes) continue;
    const text = Buffer.from(bytes).toString("utf8");
    const partLines = text.split("\n");
    // A cut inside the last line (64 KiB read) or a missing final newline: drop the partial line.
    const complete = bytes.byteLength < output.bytes ? partLines.slice(0, -1) : partLines;
    if (bytes.byteLength < output.bytes) truncated = true;
    for (const line of complete) {
      if (line === "") continue;
      if (lines.length >= PREVIEW_LINES) {
        truncated = true;
        break;
      }
      lines.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
    }
  }
  return { lines, truncated };
}

export async function toMapReduceView(job: MapReduceDetail): Promise<MapReduceView> {
  const { recipe } = job;
  const partitions = job.partitions ?? [];
  const reduceStart = job.reduceStartedAt;
  const programs = (["mapper", "reducer", "combiner"] as const).flatMap((role) => {
    const p = recipe.programs[role];
    return p ? [{ role, fileId: p.fileId, name: p.name }] : [];
  });
  return {
    job: toJobView(job.job),
    name: recipe.name,
    spec: recipe.spec,
    options: recipe.options,
    target: recipe.target,
    inputs: recipe.inputs,
    programs,
    inputBytes: job.inputBytes,
    map: phase(job.tasks, "map", job.mapStartedAt, job.mapFinishedAt),
    shuffle: {
      bytes: partitions.reduce((n, p) => n + p.bytes, 0),
      records: partitions.reduce((n, p) => n + p.records, 0),
      partitions,
      durationMs:
        job.mapFinishedAt && reduceStart
          ? Math.max(0, reduceStart.getTime() - job.mapFinishedAt.getTime())
          : null,
    },
    reduce: phase(job.tasks, "reduce", job.reduceStartedAt, job.reduceFinishedAt),
    counters: job.counters ?? sumCounters(job.tasks.map((t) => t.counters ?? {})),
    tasks: job.tasks.map(taskView),
    timeline: timeline(job),
    outputs: job.outputs ?? [],
    hasZip: job.zipKey !== null,
    preview: await preview(job),
    generatedAt: new Date().toISOString(),
  };
}
