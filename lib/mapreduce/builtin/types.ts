import type { Counters } from "../counters";
import type { BufferedFile, PartitionWriter } from "../partition";

export interface BuiltinMapContext {
  partitions: number;
  /** Whether the job's combiner is on (in-mapper combining for the built-ins). */
  combine: boolean;
  counters: Counters;
  side: "left" | "right";
  /** Where records go; the task switches it to a new run after every sorted spill. */
  out: PartitionWriter;
}

/** A built-in map task: fed one input line at a time, spilling its combined state on demand. */
export interface BuiltinMapper {
  /** One input line without its newline: buf[start, end). */
  line(buf: Buffer, start: number, end: number): void;
  /** Bytes held in memory (an estimate), checked after every input block. */
  memoryBytes(): number;
  /** Writes the combined records to the partition files and forgets them. */
  spill(): void;
  /**
   * Whether every spill writes its records in key order (byte order): the task then keeps one
   * sorted run per spill and merges them, and the reduce only merges (sort -m) — Hadoop's
   * map-side sort. False: the reduce sorts.
   */
  readonly sortedSpills: boolean;
}

/**
 * A built-in reduce task: sees the sorted map output one record at a time, as latin1 strings
 * (one code unit per byte, so comparisons are byte order and output bytes are unchanged).
 */
export interface BuiltinReducer {
  startGroup(key: string): void;
  value(value: string): void;
  endGroup(): void;
  end(): void;
}

export interface BuiltinReduceContext {
  counters: Counters;
  out: BufferedFile;
  /** Memory this reducer may hold before it spills to disk (the join's left rows). */
  memoryBytes: number;
  tmpDir: string;
}

/** Extra `sort` keys after the key field; default: key only, stable (values in map order). */
export interface BuiltinSortKeys {
  args: string[];
}
