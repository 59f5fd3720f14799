// Word count (and the counting half of top-N): words → counts, combined in memory per map task.
import { addCounter, C, FRAMEWORK } from "../counters";
import type { BufferedFile } from "../partition";
import type {
  BuiltinMapContext,
  BuiltinMapper,
  BuiltinReduceContext,
  BuiltinReducer,
} from "./types";
import { fitInt32, LOWER, WordTable } from "./word-table";
import { FNV_OFFSET, FNV_PRIME } from "../partition";

const TAB_ONE_NL = Buffer.from("\t1\n");

export function wordCountMapper(ctx: BuiltinMapContext): BuiltinMapper {
  const { counters } = ctx;
  let table = new WordTable();
  let counts = new Int32Array(table.capacity);
  let scratch = new Uint8Array(256);
  let words = 0;
  // Bytes of the word<TAB>1<LF> records emitted, before the combiner (Hadoop's map output bytes).
  let outBytes = 0;

  // One loop for both modes keeps the hot path monomorphic; `combine` is constant per task.
  const combine = ctx.combine;
  const line = (buf: Buffer, start: number, end: number) => {
    let len = 0;
    let h = FNV_OFFSET;
    for (let i = start; i <= end; i++) {
      const l = i < end ? LOWER[buf[i]!]! : 0;
      if (l !== 0) {
        if (len === scratch.length) {
          const bigger = new Uint8Array(len * 2);
          bigger.set(scratch);
          scratch = bigger;
        }
        scratch[len++] = l;
        h = Math.imul(h ^ l, FNV_PRIME);
      } else if (len !== 0) {
        words++;
        outBytes += len + 3;
        if (combine) {
          const id = table.intern(scratch, 0, len, h);
          if (id >= counts.length) counts = fitInt32(counts, table.capacity);
          counts[id]!++;
        } else {
          const f = ctx.out.file(h);
          f.writeBytes(scratch, 0, len);
          f.writeBytes(TAB_ONE_NL, 0, 3);
          f.records++;
        }
        len = 0;
        h = FNV_OFFSET;
      }
    }
  };

  return {
    line,
    sortedSpills: combine,
    memoryBytes: () => table.memoryBytes() + counts.byteLength,
    spill() {
      addCounter(counters, FRAMEWORK, C.mapOutputRecords, words);
      addCounter(counters, FRAMEWORK, C.mapOutputBytes, outBytes);
      if (combine) {
        addCounter(counters, FRAMEWORK, C.combineInputRecords, words);
        addCounter(counters, FRAMEWORK, C.combineOutputRecords, table.size);
        writeCounts(table, counts, (h) => ctx.out.file(h));
        addCounter(counters, FRAMEWORK, C.spilledRecords, table.size);
        table = new WordTable();
        counts = new Int32Array(table.capacity);
      } else {
        addCounter(counters, FRAMEWORK, C.spilledRecords, words);
      }
      words = 0;
      outBytes = 0;
    },
  };
}

function writeCounts(
  table: WordTable,
  counts: Int32Array,
  fileOf: (hash: number) => BufferedFile,
): void {
  const { arena, starts, lens, hashes } = table;
  for (const id of table.sortedIds()) {
    const f = fileOf(hashes[id]!);
    const s = starts[id]!;
    f.writeBytes(arena, s, s + lens[id]!);
    f.writeLatin1(`\t${counts[id]}\n`);
    f.records++;
  }
}

/** Sums the counts of each key: word count, grep and distinct share it. */
export function sumReducer(ctx: BuiltinReduceContext): BuiltinReducer {
  let key = "";
  let sum = 0;
  return {
    startGroup(k) {
      key = k;
      sum = 0;
    },
    value(v) {
      sum += Number(v);
    },
    endGroup() {
      ctx.out.writeLatin1(`${key}\t${sum}\n`);
      ctx.out.records++;
    },
    end() {},
  };
}
