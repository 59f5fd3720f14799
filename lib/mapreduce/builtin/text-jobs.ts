// The string-based built-ins: grep, distinct values of a column, and the two-input join.
import { closeSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { addCounter, C, FRAMEWORK } from "../counters";
import { FNV_OFFSET, FNV_PRIME } from "../partition";
import { compileUserRegex, userRegexMatches } from "../user-regex";
import type {
  BuiltinMapContext,
  BuiltinMapper,
  BuiltinReduceContext,
  BuiltinReducer,
} from "./types";

/** FNV-1a of a latin1 string's bytes: the same partition as the bytes themselves. */
function hashLatin1(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** The line as a latin1 string without a trailing carriage return (CRLF files). */
function latin1Line(buf: Buffer, start: number, end: number): string {
  if (end > start && buf[end - 1] === 13) end--;
  return buf.toString("latin1", start, end);
}

/** Keys counted in a Map and spilled as key<TAB>count; keys are latin1 strings. */
function countingMapper(
  ctx: BuiltinMapContext,
  keysOfLine: (buf: Buffer, start: number, end: number, emit: (key: string) => void) => void,
): BuiltinMapper {
  const { counters, combine } = ctx;
  let counts = new Map<string, number>();
  let keyBytes = 0;
  let mapOutput = 0;
  // Bytes of the key<TAB>1<LF> records emitted, before the combiner (Hadoop's map output bytes).
  let outBytes = 0;
  const emit = combine
    ? (key: string) => {
        mapOutput++;
        outBytes += key.length + 3;
        const n = counts.get(key);
        if (n === undefined) {
          counts.set(key, 1);
          keyBytes += key.length;
        } else counts.set(key, n + 1);
      }
    : (key: string) => {
        mapOutput++;
        outBytes += key.length + 3;
        const f = ctx.out.file(hashLatin1(key));
        f.writeLatin1(`${key}\t1\n`);
        f.records++;
      };
  return {
    line: (buf, start, end) => keysOfLine(buf, start, end, emit),
    sortedSpills: combine,
    // A Map entry costs about 80 bytes besides its key.
    memoryBytes: () => keyBytes * 2 + counts.size * 80,
    spill() {
      addCounter(counters, FRAMEWORK, C.mapOutputRecords, mapOutput);
      addCounter(counters, FRAMEWORK, C.mapOutputBytes, outBytes);
      if (combine) {
        addCounter(counters, FRAMEWORK, C.combineInputRecords, mapOutput);
        addCounter(counters, FRAMEWORK, C.combineOutputRecords, counts.size);
        addCounter(counters, FRAMEWORK, C.spilledRecords, counts.size);
        // Keys in byte order (latin1 strings compare by byte): a sorted run.
        const keys = [...counts.keys()].sort();
        for (const key of keys) {
          const n = counts.get(key)!;
          const f = ctx.out.file(hashLatin1(key));
          f.writeLatin1(`${key}\t${n}\n`);
          f.records++;
        }
        counts = new Map();
        keyBytes = 0;
      } else addCounter(counters, FRAMEWORK, C.spilledRecords, mapOutput);
      mapOutput = 0;
      outBytes = 0;
    },
  };
}

export function grepMapper(
  ctx: BuiltinMapContext,
  params: { pattern: string; ignoreCase: boolean },
): BuiltinMapper {
  // Linear time whatever the pattern (user-regex.ts).
  const re = compileUserRegex(params.pattern, params.ignoreCase);
  return countingMapper(ctx, (buf, start, end, emit) => {
    if (end > start && buf[end - 1] === 13) end--;
    const text = buf.toString("utf8", start, end);
    for (const match of userRegexMatches(re, text)) {
      // Keys are written as bytes: UTF-8 encode, then hold as latin1.
      emit(Buffer.from(match.replaceAll("\t", " "), "utf8").toString("latin1"));
    }
  });
}

/** The separator as the latin1 string of its UTF-8 bytes, to split latin1 lines. */
const latin1Separator = (sep: string) => Buffer.from(sep, "utf8").toString("latin1");

export function distinctMapper(
  ctx: BuiltinMapContext,
  params: { column: number; separator: string },
): BuiltinMapper {
  const sep = latin1Separator(params.separator);
  const column = params.column - 1;
  let skipped = 0;
  const mapper = countingMapper(ctx, (buf, start, end, emit) => {
    const fields = latin1Line(buf, start, end).split(sep);
    const value = fields[column];
    if (value === undefined || value.includes("\t")) skipped++;
    else emit(value);
  });
  return {
    ...mapper,
    spill() {
      if (skipped) addCounter(ctx.counters, FRAMEWORK, C.skippedLines, skipped);
      skipped = 0;
      mapper.spill();
    },
  };
}

/** The join tags its records key<TAB>L|R<TAB>rest and sorts on (key, tag): left rows come first. */
export const JOIN_SORT_KEYS = ["-k1,1", "-k2,2"];

export function joinMapper(
  ctx: BuiltinMapContext,
  params: { leftColumn: number; rightColumn: number; separator: string },
): BuiltinMapper {
  const sep = latin1Separator(params.separator);
  const column = (ctx.side === "left" ? params.leftColumn : params.rightColumn) - 1;
  const tag = ctx.side === "left" ? "L" : "R";
  let skipped = 0;
  let mapOutput = 0;
  let outBytes = 0;
  return {
    line(buf, start, end) {
      const fields = latin1Line(buf, start, end).split(sep);
      const key = fields[column];
      if (key === undefined || key.includes("\t")) {
        skipped++;
        return;
      }
      fields.splice(column, 1);
      const f = ctx.out.file(hashLatin1(key));
      const record = `${key}\t${tag}\t${fields.join(sep)}\n`;
      f.writeLatin1(record);
      outBytes += record.length;
      f.records++;
      mapOutput++;
    },
    memoryBytes: () => 0,
    sortedSpills: false,
    spill() {
      addCounter(ctx.counters, FRAMEWORK, C.mapOutputRecords, mapOutput);
      addCounter(ctx.counters, FRAMEWORK, C.mapOutputBytes, outBytes);
      addCounter(ctx.counters, FRAMEWORK, C.spilledRecords, mapOutput);
      if (skipped) addCounter(ctx.counters, FRAMEWORK, C.skippedLines, skipped);
      mapOutput = 0;
      outBytes = 0;
      skipped = 0;
    },
  };
}

/**
 * Pairs each right row of a key with every left row of that key. Left rows stay in memory up to
 * the reducer's budget; beyond it they go to a temporary file that is re-read per right row.
 */
export function joinReducer(ctx: BuiltinReduceContext): BuiltinReducer {
  const spillPath = join(ctx.tmpDir, "join-left.tmp");
  let key = "";
  let left: string[] = [];
  let leftBytes = 0;
  let spillFd = -1;
  let spilledRows = 0;

  const emit = (l: string, r: string) => {
    ctx.out.writeLatin1(`${key}\t${l}\t${r}\n`);
    ctx.out.records++;
  };
  const dropSpill = () => {
    if (spillFd >= 0) {
      closeSync(spillFd);
      rmSync(spillPath, { force: true });
    }
    spillFd = -1;
    spilledRows = 0;
  };
  const forEachSpilled = (fn: (row: string) => void) => {
    const block = Buffer.allocUnsafe(1 << 20);
    let pos = 0;
    let carry = "";
    for (;;) {
      const n = readSync(spillFd, block, 0, block.length, pos);
      if (n === 0) break;
      pos += n;
      const text = carry + block.toString("latin1", 0, n);
      const lines = text.split("\n");
      carry = lines.pop()!;
      for (const l of lines) fn(l);
    }
  };

  return {
    startGroup(k) {
      key = k;
      left = [];
      leftBytes = 0;
      dropSpill();
    },
    value(v) {
      const tab = v.indexOf("\t");
      const rest = v.slice(tab + 1);
      if (v.startsWith("L")) {
        if (leftBytes + rest.length > ctx.memoryBytes) {
          if (spillFd < 0) spillFd = openSync(spillPath, "w+", 0o600);
          const text = Buffer.from(left.map((l) => `${l}\n`).join("") + `${rest}\n`, "latin1");
          writeSync(spillFd, text, 0, text.length, null);
          spilledRows += left.length + 1;
          left = [];
          leftBytes = 0;
        } else {
          left.push(rest);
          leftBytes += rest.length + 40;
        }
        return;
      }
      if (spillFd >= 0) forEachSpilled((l) => emit(l, rest));
      for (const l of left) emit(l, rest);
    },
    endGroup() {
      if (spilledRows) addCounter(ctx.counters, FRAMEWORK, C.spilledRecords, spilledRows);
      dropSpill();
    },
    end() {
      dropSpill();
    },
  };
}
