// Inverted index: input docid<TAB>text; output word<TAB>docid,docid,… (unique, byte order).
// Map output is one word<TAB>docid record per word and document (the textbook mapper's). With
// the combiner on, a map task keeps its postings in memory and spills them sorted by (word,
// document), so the reduce merges instead of sorting; each word's documents reach the reducer in
// order either way, and it streams them out.
import { addCounter, C, FRAMEWORK } from "../counters";
import { FNV_OFFSET, FNV_PRIME, fnv1a } from "../partition";
import type {
  BuiltinMapContext,
  BuiltinMapper,
  BuiltinReduceContext,
  BuiltinReducer,
} from "./types";
import { fitInt32, LOWER, WordTable } from "./word-table";

export function invertedIndexMapper(ctx: BuiltinMapContext): BuiltinMapper {
  const { counters, combine } = ctx;
  let words = new WordTable();
  let docs = new WordTable(1 << 12);
  let lastDoc = new Int32Array(words.capacity).fill(-1);
  // Postings in input order: (word, document) pairs, grouped by word only when spilling.
  let pWord = new Int32Array(1 << 16);
  let pDoc = new Int32Array(1 << 16);
  let postings = 0;
  let mapOutput = 0;
  // Bytes of the word<TAB>docid<LF> records emitted, before the combiner (Hadoop's map output bytes).
  let outBytes = 0;
  let skipped = 0;
  let scratch = new Uint8Array(256);

  const line = (buf: Buffer, start: number, end: number) => {
    const tab = buf.indexOf(9, start);
    if (tab < 0 || tab >= end) {
      skipped++;
      return;
    }
    const doc = docs.intern(buf, start, tab - start, fnv1a(buf, start, tab));
    let len = 0;
    let h = FNV_OFFSET;
    for (let i = tab + 1; i <= end; i++) {
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
        const id = words.intern(scratch, 0, len, h);
        if (id >= lastDoc.length) lastDoc = fitInt32(lastDoc, words.capacity, -1);
        // The textbook mapper emits each word once per document.
        if (lastDoc[id] !== doc) {
          lastDoc[id] = doc;
          mapOutput++;
          outBytes += len + docs.lens[doc]! + 2;
          if (combine) {
            if (postings === pDoc.length) {
              pWord = fitInt32(pWord, postings * 2);
              pDoc = fitInt32(pDoc, postings * 2);
            }
            pWord[postings] = id;
            pDoc[postings++] = doc;
          } else {
            const f = ctx.out.file(h);
            f.writeBytes(scratch, 0, len);
            f.writeByte(9);
            f.writeBytes(docs.arena, docs.starts[doc]!, docs.starts[doc]! + docs.lens[doc]!);
            f.writeByte(10);
            f.records++;
          }
        }
        len = 0;
        h = FNV_OFFSET;
      }
    }
  };

  let written = 0;
  const writePostings = () => {
    // Rank documents by id in byte order once; each word's list then sorts as integers.
    const ids = docs.allLatin1();
    const order = ids.map((_, d) => d);
    order.sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
    const rank = new Int32Array(docs.size);
    for (let r = 0; r < order.length; r++) rank[order[r]!] = r;
    // "\tdocid" of each rank, contiguous, so a posting is one copy.
    const tStart = new Int32Array(order.length + 1);
    for (let r = 0; r < order.length; r++) tStart[r + 1] = tStart[r]! + docs.lens[order[r]!]! + 1;
    const tabbed = Buffer.allocUnsafe(tStart[order.length]!);
    for (let r = 0; r < order.length; r++) {
      const d = order[r]!;
      tabbed[tStart[r]!] = 9;
      tabbed.set(
        docs.arena.subarray(docs.starts[d]!, docs.starts[d]! + docs.lens[d]!),
        tStart[r]! + 1,
      );
    }
    // Counting sort of the postings by word, keeping input order within a word.
    const n = words.size;
    const start = new Int32Array(n + 1);
    for (let p = 0; p < postings; p++) start[pWord[p]! + 1]!++;
    for (let w = 0; w < n; w++) start[w + 1]! += start[w]!;
    const fill = start.slice(0, n);
    const ranks = new Int32Array(postings);
    for (let p = 0; p < postings; p++) ranks[fill[pWord[p]!]!++] = rank[pDoc[p]!]!;
    for (const w of words.sortedIds()) {
      const s = start[w]!;
      const e = start[w + 1]!;
      let sorted = true;
      for (let i = s + 1; i < e && sorted; i++) sorted = ranks[i - 1]! < ranks[i]!;
      if (!sorted) ranks.subarray(s, e).sort();
      // One record per (word, document), in (word, document) order: the reduce's merge (sort -m
      // on both fields) then hands each word its documents already sorted.
      const f = ctx.out.file(words.hashes[w]!);
      const ws = words.starts[w]!;
      const we = ws + words.lens[w]!;
      let prev = -1;
      for (let i = s; i < e; i++) {
        const r = ranks[i]!;
        if (r === prev) continue;
        prev = r;
        f.writeBytes(words.arena, ws, we);
        f.writeBytes(tabbed, tStart[r]!, tStart[r + 1]!);
        f.writeByte(10);
        f.records++;
        written++;
      }
    }
  };

  const reset = () => {
    words = new WordTable();
    docs = new WordTable(1 << 12);
    lastDoc = new Int32Array(words.capacity).fill(-1);
    postings = 0;
  };

  return {
    line,
    sortedSpills: combine,
    memoryBytes: () =>
      words.memoryBytes() +
      docs.memoryBytes() +
      pWord.byteLength +
      pDoc.byteLength +
      lastDoc.byteLength,
    spill() {
      addCounter(counters, FRAMEWORK, C.mapOutputRecords, mapOutput);
      addCounter(counters, FRAMEWORK, C.mapOutputBytes, outBytes);
      if (skipped) addCounter(counters, FRAMEWORK, C.skippedLines, skipped);
      if (combine) {
        written = 0;
        writePostings();
        addCounter(counters, FRAMEWORK, C.combineInputRecords, mapOutput);
        addCounter(counters, FRAMEWORK, C.combineOutputRecords, written);
        addCounter(counters, FRAMEWORK, C.spilledRecords, written);
      } else addCounter(counters, FRAMEWORK, C.spilledRecords, mapOutput);
      // Documents are only told apart within a spill: a fresh table keeps memory bounded.
      reset();
      mapOutput = 0;
      outBytes = 0;
      skipped = 0;
    },
  };
}

/**
 * Joins each word's documents. They arrive sorted (the sort orders records by word, then
 * document), so the reducer only drops repeats and streams: no list is ever held in memory.
 */
export function invertedIndexReducer(ctx: BuiltinReduceContext): BuiltinReducer {
  let last = "";
  let first = true;
  return {
    startGroup(k) {
      ctx.out.writeLatin1(k);
      first = true;
    },
    value(docid) {
      if (first) {
        ctx.out.writeLatin1(`\t${docid}`);
        first = false;
      } else if (docid !== last) ctx.out.writeLatin1(`,${docid}`);
      last = docid;
    },
    endGroup() {
      ctx.out.writeByte(10);
      ctx.out.records++;
    },
    end() {},
  };
}
