// Word count (and the counting half of top-N): words → counts, combined in memory per map task.
import { addCounter, C, FRAMEWORK } from "../counters";
import type {
  BuiltinMapContext,
  BuiltinMapper,
  BuiltinReduceContext,
  BuiltinReducer,
} from "./types";
import { LOWER } from "./word-table";
import type { ByteReducer } from "../merge";
import { copyBytes } from "../partition";
import { longKey, lowerHash, PACKED_MAX, PackedWords } from "./packed-words";

const TAB_ONE_NL = Buffer.from("\t1\n");

/**
 * Word count's map task. A class, not closures made per task: the prototype's line() is one
 * function, with one set of type feedback and optimized code, for every task of a thread. With
 * closures made afresh per task, the four map quarters of the bench corpus in one thread cost
 * 2.12–2.47 s of CPU against 1.89–2.34 s with one mapper reused; whole jobs, alternated with the
 * closures: −6 % and −9 % of CPU at the median of two sets of pairs (docs/mapreduce.md, fifth
 * pass).
 */
export class WordCountMapper implements BuiltinMapper {
  private table = new PackedWords();
  private scratch = new Uint8Array(256);
  private words = 0;
  // Bytes of the word<TAB>1<LF> records emitted, before the combiner (Hadoop's map output bytes).
  private outBytes = 0;
  // One loop for both modes keeps the hot path monomorphic; `combine` is constant per task.
  private readonly combine: boolean;
  readonly sortedSpills: boolean;

  constructor(private readonly ctx: BuiltinMapContext) {
    this.combine = ctx.combine;
    this.sortedSpills = ctx.combine;
  }

  /** The word of `len` bytes ending before buf[end]; k1:k0 hold its last 8 bytes, lowercased. */
  private word(buf: Buffer, end: number, len: number, k0: number, k1: number): void {
    this.words++;
    this.outBytes += len + 3;
    if (this.combine) {
      const table = this.table;
      const o =
        len <= PACKED_MAX
          ? table.short(k0, k1, len)
          : table.long(buf, end - len, len, longKey(buf, end - len, k0, k1));
      table.slots[o + 3]!++;
      return;
    }
    if (len > this.scratch.length) this.scratch = new Uint8Array(len * 2);
    const scratch = this.scratch;
    for (let k = 0; k < len; k++) scratch[k] = LOWER[buf[end - len + k]!]!;
    const f = this.ctx.out.file(lowerHash(buf, end - len, len));
    f.writeBytes(scratch, 0, len);
    f.writeBytes(TAB_ONE_NL, 0, 3);
    f.records++;
  }

  line(buf: Buffer, start: number, end: number): void {
    let len = 0;
    let k0 = 0;
    let k1 = 0;
    for (let i = start; i < end; i++) {
      const l = LOWER[buf[i]!]!;
      if (l !== 0) {
        // The word's last 8 bytes, shifted in: short words need nothing else.
        k1 = (k1 << 8) | (k0 >>> 24);
        k0 = (k0 << 8) | l;
        len++;
      } else if (len !== 0) {
        this.word(buf, i, len, k0, k1);
        len = 0;
        k0 = 0;
        k1 = 0;
      }
    }
    if (len !== 0) this.word(buf, end, len, k0, k1);
  }

  memoryBytes(): number {
    return this.table.memoryBytes();
  }

  spill(): void {
    const counters = this.ctx.counters;
    addCounter(counters, FRAMEWORK, C.mapOutputRecords, this.words);
    addCounter(counters, FRAMEWORK, C.mapOutputBytes, this.outBytes);
    if (this.combine) {
      addCounter(counters, FRAMEWORK, C.combineInputRecords, this.words);
      addCounter(counters, FRAMEWORK, C.combineOutputRecords, this.table.size);
      writeCounts(this.table, this.ctx);
      addCounter(counters, FRAMEWORK, C.spilledRecords, this.table.size);
      this.table = new PackedWords();
    } else {
      addCounter(counters, FRAMEWORK, C.spilledRecords, this.words);
    }
    this.words = 0;
    this.outBytes = 0;
  }
}

export function wordCountMapper(ctx: BuiltinMapContext): BuiltinMapper {
  return new WordCountMapper(ctx);
}

function writeCounts(table: PackedWords, ctx: BuiltinMapContext): void {
  const { n, order, bytes, starts, hashes, values } = table.sorted();
  for (let k = 0; k < n; k++) {
    const w = order[k]!;
    const f = ctx.out.file(hashes[w]!);
    f.writeBytes(bytes, starts[w]!, starts[w + 1]!);
    f.writeByte(9);
    f.writeUint(values[w]!);
    f.writeByte(10);
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

/** sumReducer on bytes (the in-process merge's path): the same output, no string per record. */
export function sumByteReducer(ctx: BuiltinReduceContext): ByteReducer {
  const out = ctx.out;
  let key = Buffer.allocUnsafe(256);
  let keyLen = -1;
  let sum = 0;
  const flush = () => {
    out.writeBytes(key, 0, keyLen);
    out.writeByte(9);
    if (Number.isInteger(sum) && sum >= 0 && sum < 1e15) out.writeUint(sum);
    else out.writeLatin1(String(sum));
    out.writeByte(10);
    out.records++;
  };
  return {
    record(buf, ks, ke, vs, ve, first) {
      if (first) {
        if (keyLen >= 0) flush();
        if (ke - ks > key.length) key = Buffer.allocUnsafe((ke - ks) * 2);
        copyBytes(buf, ks, ke, key, 0);
        keyLen = ke - ks;
        sum = 0;
      }
      // Counts are short decimals; anything else is parsed as sumReducer's Number(v) would.
      let v = 0;
      if (ve - vs > 15) v = Number(buf.toString("latin1", vs, ve));
      else {
        for (let i = vs; i < ve; i++) {
          const d = buf[i]! - 48;
          if (d < 0 || d > 9) {
            v = Number(buf.toString("latin1", vs, ve));
            break;
          }
          v = v * 10 + d;
        }
      }
      sum += v;
    },
    end() {
      if (keyLen >= 0) flush();
    },
  };
}
