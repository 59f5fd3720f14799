// What the job page reads (GET /api/mapreduce/[jobId]): plain JSON, dates as ISO strings.
import type { JobView } from "@/lib/jobs/view";
import type { Counters } from "./counters";
import type { PartitionTotals, StoredOutput, Target } from "./records";
import type { JobOptions, JobSpec } from "./schemas";

export type PhaseView = {
  done: number;
  running: number;
  failed: number;
  total: number;
  startedAt: string | null;
  finishedAt: string | null;
  /** Wall time of the phase so far (ms), or null before it starts. */
  durationMs: number | null;
};

export type TaskView = {
  taskId: string;
  kind: "map" | "reduce";
  state: "pending" | "running" | "succeeded" | "failed" | "cancelled";
  attempts: number;
  inputName: string | null;
  inputBytes: number;
  recordsIn: number;
  recordsOut: number;
  status: string | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
};

/** Tasks finished by each moment (seconds since the job started), for the progress chart. */
export type TimelinePoint = { t: number; map: number; reduce: number };

export type MapReduceView = {
  job: JobView;
  name: string;
  spec: JobSpec;
  options: JobOptions;
  target: Target;
  inputs: { fileId: string; name: string; size: number; side: "left" | "right" }[];
  programs: { role: "mapper" | "reducer" | "combiner"; fileId: string; name: string }[];
  inputBytes: number;
  map: PhaseView;
  shuffle: {
    bytes: number;
    records: number;
    partitions: PartitionTotals;
    durationMs: number | null;
  };
  reduce: PhaseView;
  counters: Counters;
  tasks: TaskView[];
  timeline: TimelinePoint[];
  outputs: StoredOutput[];
  hasZip: boolean;
  preview: { lines: string[]; truncated: boolean } | null;
  /** When the server built this view: "now" for a running job's elapsed time. */
  generatedAt: string;
};
