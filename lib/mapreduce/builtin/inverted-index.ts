// Inverted index: input docid<TAB>text; output word<TAB>docid,docid,… (unique, byte order).
// Map output is one word<TAB>docid record per word and document (the textbook mapper's). With
// the combiner on, a map task keeps its postings in memory and spills them sorted by (word,
// document), a word's documents on one line (word<TAB>doc<TAB>doc…), so the reduce merges them
// (merge.ts) instead of sorting; each word's documents reach the reducer in order either way, and
// it streams them out.
import { addCounter, C, FRAMEWORK } from "../counters";
import type { ListReducer } from "../merge";
import { copyBytes, fnv1a } from "../partition";
import { longKey, lowerHash, PACKED_MAX, PackedWords } from "./packed-words";
import type {
  BuiltinMapContext,
  BuiltinMapper,
  BuiltinReduceContext,
  BuiltinReducer,
} from "./types";
import { fitInt32, LOWER, WordTable } from "./word-table";

export function invertedIndexMapper(ctx: BuiltinMapContext): BuiltinMapper {
  const { counters, combine } = ctx;
  // Words keep their id in the slot's value; ids index lastDoc and the postings.
  let words = new PackedWords();
  let wordCount = 0;
  let docs = new WordTable(1 << 12);
  let lastDoc = new Int32Array(1 << 15).fill(-1);
  // Postings in input order: (word, document) pairs, grouped by word only when spilling.
  let pWord = new Int32Array(1 << 16);
  let pDoc = new Int32Array(1 << 16);
  let postings = 0;
  /** Runs of postings of one document (one per input line with words, in practice). */
  let runs = 0;
  let mapOutput = 0;
  // Bytes of the word<TAB>docid<LF> records emitted, before the combiner (Hadoop's map output bytes).
  let outBytes = 0;
  let skipped = 0;
  let scratch = new Uint8Array(256);

  /** The word of `len` bytes ending before buf[end] (its last 8 bytes, lowercased, in k1:k0). */
  const word = (buf: Buffer, end: number, len: number, k0: number, k1: number, doc: number) => {
    const o =
      len > PACKED_MAX
        ? words.long(buf, end - len, len, longKey(buf, end - len, k0, k1))
        : words.short(k0, k1, len);
    let id: number;
    if (words.added) {
      id = wordCount++;
      words.slots[o + 3] = id;
      if (id >= lastDoc.length) lastDoc = fitInt32(lastDoc, id * 2, -1);
    } else id = words.slots[o + 3]!;
    // The textbook mapper emits each word once per document.
    if (lastDoc[id] === doc) return;
    lastDoc[id] = doc;
    mapOutput++;
    outBytes += len + docs.lens[doc]! + 2;
    if (combine) {
      if (postings === pDoc.length) {
        pWord = fitInt32(pWord, postings * 2);
        pDoc = fitInt32(pDoc, postings * 2);
      }
      if (postings === 0 || pDoc[postings - 1] !== doc) runs++;
      pWord[postings] = id;
      pDoc[postings++] = doc;
      return;
    }
    if (len > scratch.length) scratch = new Uint8Array(len * 2);
    for (let k = 0; k < len; k++) scratch[k] = LOWER[buf[end - len + k]!]!;
    const f = ctx.out.file(lowerHash(buf, end - len, len));
    f.writeBytes(scratch, 0, len);
    f.writeByte(9);
    f.writeBytes(docs.arena, docs.starts[doc]!, docs.starts[doc]! + docs.lens[doc]!);
    f.writeByte(10);
    f.records++;
  };

  const line = (buf: Buffer, start: number, end: number) => {
    const tab = buf.indexOf(9, start);
    if (tab < 0 || tab >= end) {
      skipped++;
      return;
    }
    const doc = docs.intern(buf, start, tab - start, fnv1a(buf, start, tab));
    let len = 0;
    let k0 = 0;
    let k1 = 0;
    for (let i = tab + 1; i < end; i++) {
      const l = LOWER[buf[i]!]!;
      if (l !== 0) {
        k1 = (k1 << 8) | (k0 >>> 24);
        k0 = (k0 << 8) | l;
        len++;
      } else if (len !== 0) {
        word(buf, i, len, k0, k1, doc);
        len = 0;
        k0 = 0;
        k1 = 0;
      }
    }
    if (len !== 0) word(buf, end, len, k0, k1, doc);
  };

  let written = 0;
  let lineBuf = new Uint8Array(64 * 1024);
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
    const tabbed = new Uint8Array(tStart[order.length]!);
    let maxTabbed = 0;
    for (let r = 0; r < order.length; r++) {
      const d = order[r]!;
      tabbed[tStart[r]!] = 9;
      copyBytes(
        docs.arena,
        docs.starts[d]!,
        docs.starts[d]! + docs.lens[d]!,
        tabbed,
        tStart[r]! + 1,
      );
      maxTabbed = Math.max(maxTabbed, docs.lens[d]! + 1);
    }
    // Postings by word, each word's by document rank: two stable counting sorts (rank, then
    // word), so no word's list needs sorting on its own. The first moves whole runs: postings
    // come a line (one document) at a time, so a run of one document's postings stays together
    // and is copied as a block instead of scattered posting by posting.
    const n = wordCount;
    const docsN = order.length;
    const runStart = new Int32Array(runs + 1);
    for (let p = 0, k = 0; p < postings; p++) {
      if (p === 0 || pDoc[p] !== pDoc[p - 1]) runStart[k++] = p;
    }
    runStart[runs] = postings;
    const byRank = new Int32Array(docsN + 1);
    for (let k = 0; k < runs; k++) byRank[rank[pDoc[runStart[k]!]!]! + 1]!++;
    for (let r = 0; r < docsN; r++) byRank[r + 1]! += byRank[r]!;
    const runOrder = new Int32Array(runs);
    for (let k = 0; k < runs; k++) runOrder[byRank[rank[pDoc[runStart[k]!]!]!]!++] = k;
    const tWord = new Int32Array(postings);
    const tRank = new Int32Array(postings);
    for (let j = 0, at = 0; j < runs; j++) {
      const k = runOrder[j]!;
      const a = runStart[k]!;
      const b = runStart[k + 1]!;
      const r = rank[pDoc[a]!]!;
      for (let p = a; p < b; p++) {
        tWord[at] = pWord[p]!;
        tRank[at++] = r;
      }
    }
    const start = new Int32Array(n + 1);
    for (let p = 0; p < postings; p++) start[tWord[p]! + 1]!++;
    for (let w = 0; w < n; w++) start[w + 1]! += start[w]!;
    const fill = start.slice(0, n);
    // pDoc is read only by the first sort: the second writes its result there (memory).
    const ranks = pDoc;
    for (let p = 0; p < postings; p++) ranks[fill[tWord[p]!]!++] = tRank[p]!;
    const byBytes = words.sorted();
    for (let k = 0; k < byBytes.n; k++) {
      const sw = byBytes.order[k]!;
      const w = byBytes.values[sw]!;
      const s = start[w]!;
      const e = start[w + 1]!;
      // One line per word, word<TAB>doc<TAB>doc…, its documents in byte order: one record per
      // (word, document) for the reduce's merge (merge.ts), which hands each word its documents
      // already sorted; the word is written once, not once per document.
      // The line is put together here and written a block at a time: a writeBytes call per
      // posting cost most of the spill.
      const f = ctx.out.file(byBytes.hashes[sw]!);
      let u = 0;
      for (let i = byBytes.starts[sw]!, we = byBytes.starts[sw + 1]!; i < we; i++) {
        if (u === lineBuf.length) {
          f.writeBytes(lineBuf, 0, u);
          u = 0;
        }
        lineBuf[u++] = byBytes.bytes[i]!;
      }
      let prev = -1;
      let records = 0;
      for (let i = s; i < e; i++) {
        const r = ranks[i]!;
        // A document id on several lines that are not adjacent: once per spill.
        if (r === prev) continue;
        prev = r;
        if (u + maxTabbed > lineBuf.length) {
          f.writeBytes(lineBuf, 0, u);
          u = 0;
          if (maxTabbed > lineBuf.length) lineBuf = new Uint8Array(maxTabbed * 2);
        }
        for (let t = tStart[r]!, te = tStart[r + 1]!; t < te; t++) lineBuf[u++] = tabbed[t]!;
        records++;
      }
      if (u === lineBuf.length) {
        f.writeBytes(lineBuf, 0, u);
        u = 0;
      }
      lineBuf[u++] = 10;
      f.writeBytes(lineBuf, 0, u);
      f.records += records;
      written += records;
    }
  };

  const reset = () => {
    words = new PackedWords();
    wordCount = 0;
    docs = new WordTable(1 << 12);
    lastDoc = new Int32Array(1 << 15).fill(-1);
    postings = 0;
    runs = 0;
  };

  return {
    line,
    sortedSpills: combine,
    // What the spill will hold at its peak: the tables, and the two postings-long arrays and the
    // per-document ranks writePostings sorts with, so the task stays within its share.
    memoryBytes: () =>
      words.memoryBytes() +
      docs.memoryBytes() +
      pWord.byteLength +
      pDoc.byteLength +
      lastDoc.byteLength +
      postings * 8 +
      docs.size * 48 +
      runs * 12,
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
        ctx.out.writeByte(9);
        ctx.out.writeLatin1(docid);
        first = false;
      } else if (docid !== last) {
        ctx.out.writeByte(44);
        ctx.out.writeLatin1(docid);
      }
      last = docid;
    },
    endGroup() {
      ctx.out.writeByte(10);
      ctx.out.records++;
    },
    end() {},
  };
}

/**
 * invertedIndexReducer for the in-process merge (mergeDistinctValues): a word and its distinct
 * documents in byte order, written as they come — the same output.
 */
export function invertedIndexListReducer(ctx: BuiltinReduceContext): ListReducer {
  const out = ctx.out;
  let first = true;
  return {
    key(buf, ks, ke) {
      out.writeBytes(buf, ks, ke);
      first = true;
    },
    value(buf, vs, ve) {
      out.writeByte(first ? 9 : 44);
      first = false;
      out.writeBytes(buf, vs, ve);
    },
    endKey() {
      out.writeByte(10);
      out.records++;
    },
    end() {},
  };
}
