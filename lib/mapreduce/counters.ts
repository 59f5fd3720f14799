// Hadoop-style counters: group → name → value. The framework's own counters live in the
// FRAMEWORK group; user programs add theirs with `reporter:counter:GROUP,NAME,N` on stderr.

export type Counters = Record<string, Record<string, number>>;

export const FRAMEWORK = "Map-Reduce Framework";

/**
 * The framework counters, named as Hadoop names them and counted where Hadoop counts them: the
 * map output (records and bytes) as the mapper emits it, before any combiner; the combiner's
 * records in and out on their own; "materialized" the bytes a map task leaves for the shuffle,
 * after the combiner.
 */
export const C = {
  mapInputRecords: "Map input records",
  mapInputBytes: "Map input bytes",
  mapOutputRecords: "Map output records",
  mapOutputBytes: "Map output bytes",
  mapOutputMaterializedBytes: "Map output materialized bytes",
  combineInputRecords: "Combine input records",
  combineOutputRecords: "Combine output records",
  spilledRecords: "Spilled Records",
  reduceInputGroups: "Reduce input groups",
  reduceInputRecords: "Reduce input records",
  reduceOutputRecords: "Reduce output records",
  reduceOutputBytes: "Reduce output bytes",
  skippedLines: "Skipped input lines",
} as const;

export function addCounter(counters: Counters, group: string, name: string, n: number): void {
  const g = (counters[group] ??= {});
  g[name] = (g[name] ?? 0) + n;
}

export function mergeCounters(into: Counters, from: Counters): Counters {
  for (const [group, names] of Object.entries(from)) {
    for (const [name, n] of Object.entries(names)) addCounter(into, group, name, n);
  }
  return into;
}

export function sumCounters(list: Counters[]): Counters {
  const out: Counters = {};
  for (const c of list) mergeCounters(out, c);
  return out;
}

export type ReporterLine =
  | { kind: "counter"; group: string; name: string; amount: number }
  | { kind: "status"; message: string };

const COUNTER = /^reporter:counter:([^,]*),([^,]*),(-?\d+)\s*$/;
const STATUS = /^reporter:status:(.*)$/;

/** Parses one stderr line of a streaming program; null when it is an ordinary log line. */
export function parseReporterLine(line: string): ReporterLine | null {
  if (!line.startsWith("reporter:")) return null;
  const counter = COUNTER.exec(line);
  if (counter) {
    return {
      kind: "counter",
      group: counter[1]!,
      name: counter[2]!,
      amount: Number(counter[3]),
    };
  }
  const status = STATUS.exec(line);
  if (status) return { kind: "status", message: status[1]!.trim() };
  return null;
}
