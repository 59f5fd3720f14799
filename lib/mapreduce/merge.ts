// The in-process k-way merge of the built-ins' sorted runs: what `sort -m -t TAB <keys>` does for
// them, without a child process, a pipe, or a string per record. The map task merges its spill
// runs with it and the reduce task merges the map outputs straight into the reducer, on bytes.
// Same order as GNU sort in the C locale (the output is byte-identical, merge.test.ts checks it):
//   "key"        -k1,1 -s          the key (bytes before the first tab), ties in file order;
//   "key-value"  -k1,1 -k2,2       then the value (records: see below).
// The inverted index's map output holds a word's documents on one line (key<TAB>d1<TAB>d2…), each
// one record of the merge. Many files (more than MAX_MERGE_FILES) merge in passes (mergeMany).
import { closeSync, openSync, readSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BufferedFile, copyBytes } from "./partition";

export type MergeOrder = "key" | "key-value";

/** Inputs merged at once (one open file and one buffer each); more take passes (mergeMany). */
export const MAX_MERGE_FILES = 64;

const BLOCK_BYTES = 256 * 1024;

/**
 * One sorted file read a block at a time. Its current record: key buf[s, tab), value buf[vs, ve).
 * In "key-value" order a line key<TAB>v1<TAB>v2… holds one record per value (the inverted index's
 * map output lists a word's documents on one line); in "key" order the value is the rest of the
 * line.
 */
class RunReader {
  buf: Buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  private fd: number;
  private filled = 0;
  private pos = 0;
  private eof = false;
  /** The current line [s, e) (e at its newline), its key [s, tab) (tab === e: no tab). */
  s = 0;
  e = -1;
  tab = 0;
  vs = 0;
  ve = 0;
  /** Lines read so far: a change tells that next() left the line (and maybe the key). */
  lines = 0;

  constructor(
    path: string,
    readonly index: number,
    private readonly lists: boolean,
  ) {
    this.fd = openSync(path, "r");
  }

  private fill(): void {
    // Keep the unread tail, then read behind it.
    const keep = this.filled - this.s;
    if (keep === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, this.s, this.filled);
      this.buf = bigger;
    } else if (this.s > 0) this.buf.copyWithin(0, this.s, this.filled);
    this.filled = keep;
    this.s = 0;
    const n = readSync(this.fd, this.buf, keep, this.buf.length - keep, this.pos);
    if (n === 0) this.eof = true;
    this.pos += n;
    this.filled += n;
  }

  /** Moves to the next record; false at the end (the file is then closed). */
  next(): boolean {
    const buf = this.buf;
    if (this.lists && this.ve < this.e) {
      // The next value of the same line.
      let t = this.ve + 1;
      this.vs = t;
      const e = this.e;
      while (t < e && buf[t] !== 9) t++;
      this.ve = t;
      return true;
    }
    return this.nextLine();
  }

  private nextLine(): boolean {
    this.lines++;
    this.s = this.e < 0 ? 0 : this.e + 1;
    for (;;) {
      const nl = this.buf.indexOf(10, this.s);
      if (nl !== -1 && nl < this.filled) {
        this.e = nl;
        break;
      }
      if (this.eof) {
        if (this.s < this.filled) {
          // A last line without a newline.
          this.e = this.filled;
          break;
        }
        this.close();
        return false;
      }
      this.fill();
    }
    const buf = this.buf;
    const e = this.e;
    let t = this.s;
    while (t < e && buf[t] !== 9) t++;
    this.tab = t;
    if (t === e) {
      this.vs = e;
      this.ve = e;
    } else if (this.lists) {
      this.vs = ++t;
      while (t < e && buf[t] !== 9) t++;
      this.ve = t;
    } else {
      this.vs = t + 1;
      this.ve = e;
    }
    return true;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Byte order of a[as, ae) and b[bs, be): negative, zero or positive (memcmp, then length). */
function compareBytes(a: Buffer, as: number, ae: number, b: Buffer, bs: number, be: number) {
  const al = ae - as;
  const bl = be - bs;
  const n = al < bl ? al : bl;
  for (let i = 0; i < n; i++) {
    const d = a[as + i]! - b[bs + i]!;
    if (d !== 0) return d;
  }
  return al - bl;
}

function compareReaders(a: RunReader, b: RunReader, lists: boolean): number {
  let d = compareBytes(a.buf, a.s, a.tab, b.buf, b.s, b.tab);
  if (d !== 0) return d;
  if (lists) {
    // -k2,2: the value; records equal in both are the same bytes, so no last-resort compare.
    d = compareBytes(a.buf, a.vs, a.ve, b.buf, b.vs, b.ve);
    if (d !== 0) return d;
  }
  // Stable: the earlier file first.
  return a.index - b.index;
}

/**
 * Merges sorted files in `order`, calling onRecord(buf, ks, ke, vs, ve) for every record in
 * order: key buf[ks, ke), value buf[vs, ve). The bytes are valid only during the call.
 */
export function mergeSorted(
  files: string[],
  order: MergeOrder,
  onRecord: (buf: Buffer, ks: number, ke: number, vs: number, ve: number) => void,
): void {
  const lists = order === "key-value";
  const heap: RunReader[] = [];
  const readers: RunReader[] = [];
  try {
    for (let i = 0; i < files.length; i++) {
      const r = new RunReader(files[i]!, i, lists);
      readers.push(r);
      if (r.next()) heap.push(r);
    }
    const less = (i: number, j: number) => compareReaders(heap[i]!, heap[j]!, lists) < 0;
    const siftDown = (i: number) => {
      const n = heap.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) return;
        const c = l + 1 < n && less(l + 1, l) ? l + 1 : l;
        if (!less(c, i)) return;
        const t = heap[i]!;
        heap[i] = heap[c]!;
        heap[c] = t;
        i = c;
      }
    };
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
    while (heap.length > 0) {
      const top = heap[0]!;
      onRecord(top.buf, top.s, top.tab, top.vs, top.ve);
      if (!top.next()) {
        const last = heap.pop()!;
        if (heap.length === 0) break;
        heap[0] = last;
      }
      if (heap.length > 1) siftDown(0);
    }
  } finally {
    for (const r of readers) r.close();
  }
}

/**
 * Writes merged records to a file, sorted. In "key-value" order the records of one key share a
 * line (key<TAB>v1<TAB>v2…), as the inverted index's map writes them; else one line each.
 */
export class SortedWriter {
  private key: Buffer = Buffer.allocUnsafe(256);
  private keyLen = -1;

  constructor(
    private readonly out: BufferedFile,
    private readonly lists: boolean,
  ) {}

  readonly record = (buf: Buffer, ks: number, ke: number, vs: number, ve: number): void => {
    const out = this.out;
    out.records++;
    if (!this.lists) {
      out.writeBytes(buf, ks, ke);
      if (ke < vs) out.writeByte(9);
      out.writeBytes(buf, vs, ve);
      out.writeByte(10);
      return;
    }
    const n = ke - ks;
    let same = this.keyLen === n;
    if (same) {
      const key = this.key;
      for (let i = 0; i < n; i++) {
        if (key[i] !== buf[ks + i]) {
          same = false;
          break;
        }
      }
    }
    if (!same) {
      if (this.keyLen >= 0) out.writeByte(10);
      if (n > this.key.length) this.key = Buffer.allocUnsafe(n * 2);
      copyBytes(buf, ks, ke, this.key, 0);
      this.keyLen = n;
      out.writeBytes(buf, ks, ke);
    }
    out.writeByte(9);
    out.writeBytes(buf, vs, ve);
  };

  end(): void {
    if (this.lists && this.keyLen >= 0) this.out.writeByte(10);
  }
}

/** Merges sorted files into one (the map task's spill runs, or one pass of a wide merge). */
export function mergeSortedToFile(files: string[], order: MergeOrder, out: BufferedFile): void {
  const w = new SortedWriter(out, order === "key-value");
  mergeSorted(files, order, w.record);
  w.end();
}

/**
 * Merges files in passes until at most MAX_MERGE_FILES are left: groups of them are merged into
 * files under tmpDir (removed as they are used), as sort -m batches its inputs. Then `last` merges
 * what is left.
 */
function mergeInPasses(
  files: string[],
  order: MergeOrder,
  tmpDir: string,
  last: (inputs: string[]) => void,
): void {
  let inputs = files;
  let pass = 0;
  const made: string[] = [];
  try {
    while (inputs.length > MAX_MERGE_FILES) {
      const next: string[] = [];
      for (let i = 0; i < inputs.length; i += MAX_MERGE_FILES) {
        const group = inputs.slice(i, i + MAX_MERGE_FILES);
        if (group.length === 1) {
          next.push(group[0]!);
          continue;
        }
        const path = join(tmpDir, `merge-${pass}-${next.length}`);
        made.push(path);
        const out = new BufferedFile(path);
        out.touch();
        try {
          mergeSortedToFile(group, order, out);
        } finally {
          out.close();
        }
        next.push(path);
      }
      for (const f of inputs) if (made.includes(f)) rmSync(f, { force: true });
      inputs = next;
      pass++;
    }
    last(inputs);
  } finally {
    for (const f of made) rmSync(f, { force: true });
  }
}

/** mergeSorted over any number of files (mergeInPasses). */
export function mergeMany(
  files: string[],
  order: MergeOrder,
  tmpDir: string,
  onRecord: (buf: Buffer, ks: number, ke: number, vs: number, ve: number) => void,
): void {
  mergeInPasses(files, order, tmpDir, (inputs) => mergeSorted(inputs, order, onRecord));
}

/**
 * A reducer fed a key at a time with its distinct values in byte order (the inverted index's:
 * a word and its documents). The bytes are valid only during each call.
 */
export interface ListReducer {
  key(buf: Buffer, ks: number, ke: number): void;
  value(buf: Buffer, vs: number, ve: number): void;
  endKey(): void;
  end(): void;
}

/**
 * The "key-value" merge of mergeMany for a reducer that keeps each key's distinct values: what
 * mergeSorted, a ByteGrouper and a reducer dropping repeated values give, a key at a time. The
 * files holding the current key are found once per key, and its values merged among those files
 * by value alone (one file: streamed), instead of every value going through the heap of all files
 * and a comparison of its key at each step. Returns the number of keys.
 */
export function mergeDistinctValues(files: string[], tmpDir: string, reducer: ListReducer): number {
  let groups = 0;
  mergeInPasses(files, "key-value", tmpDir, (inputs) => {
    groups = mergeLists(inputs, reducer);
  });
  return groups;
}

function mergeLists(files: string[], reducer: ListReducer): number {
  const readers: RunReader[] = [];
  /** Readers not on the current key, by key (then file). */
  const byKey: RunReader[] = [];
  /** Readers on the current key, by value (then file). */
  const byValue: RunReader[] = [];
  const keyLess = (a: RunReader, b: RunReader) => {
    const d = compareBytes(a.buf, a.s, a.tab, b.buf, b.s, b.tab);
    return d !== 0 ? d < 0 : a.index < b.index;
  };
  const valueLess = (a: RunReader, b: RunReader) => {
    const d = compareBytes(a.buf, a.vs, a.ve, b.buf, b.vs, b.ve);
    return d !== 0 ? d < 0 : a.index < b.index;
  };
  let key: Buffer = Buffer.allocUnsafe(256);
  let keyLen = 0;
  // The value handed over last: lastFrom.buf[lastVs, lastVs + lastLen) while that reader stays
  // on its line, else its copy in `last` (lastFrom null). No copy per value.
  let last: Buffer = Buffer.allocUnsafe(256);
  let lastFrom: RunReader | null = null;
  let lastVs = 0;
  let lastLen = -1;
  let groups = 0;
  const onKey = (r: RunReader) => {
    if (r.tab - r.s !== keyLen) return false;
    const buf = r.buf;
    for (let i = 0, p = r.s; i < keyLen; i++, p++) if (buf[p] !== key[i]) return false;
    return true;
  };
  try {
    for (let i = 0; i < files.length; i++) {
      const r = new RunReader(files[i]!, i, true);
      readers.push(r);
      if (r.next()) heapPush(byKey, r, keyLess);
    }
    while (byKey.length > 0) {
      const top = byKey[0]!;
      keyLen = top.tab - top.s;
      if (keyLen > key.length) key = Buffer.allocUnsafe(keyLen * 2);
      copyBytes(top.buf, top.s, top.tab, key, 0);
      while (byKey.length > 0 && onKey(byKey[0]!))
        heapPush(byValue, heapPop(byKey, keyLess), valueLess);
      reducer.key(key, 0, keyLen);
      groups++;
      lastLen = -1;
      while (byValue.length > 0) {
        const r = byValue[0]!;
        const buf = r.buf;
        const vs = r.vs;
        const n = r.ve - vs;
        // Values arrive in byte order: a repeat follows its first. Compared from the end:
        // documents of one source share their start (gcide-1234…).
        let repeat = n === lastLen;
        if (repeat) {
          const lb = lastFrom === null ? last : lastFrom.buf;
          const ls = lastFrom === null ? 0 : lastVs;
          for (let i = n - 1; i >= 0; i--) {
            if (lb[ls + i] !== buf[vs + i]) {
              repeat = false;
              break;
            }
          }
        }
        if (!repeat) {
          reducer.value(buf, vs, r.ve);
          lastFrom = r;
          lastVs = vs;
          lastLen = n;
        }
        // Leaving its line, a reader may move its buffer's bytes: the last value is copied first.
        if (r === lastFrom && r.ve >= r.e) {
          if (lastLen > last.length) last = Buffer.allocUnsafe(lastLen * 2);
          copyBytes(buf, lastVs, lastVs + lastLen, last, 0);
          lastFrom = null;
        }
        const line = r.lines;
        if (!r.next()) heapPop(byValue, valueLess);
        else if (r.lines !== line && !onKey(r)) {
          heapPop(byValue, valueLess);
          heapPush(byKey, r, keyLess);
        } else if (byValue.length > 1) siftDown(byValue, 0, valueLess);
      }
      reducer.endKey();
    }
    reducer.end();
  } finally {
    for (const r of readers) r.close();
  }
  return groups;
}

type Less = (a: RunReader, b: RunReader) => boolean;

function siftDown(heap: RunReader[], i: number, less: Less): void {
  const n = heap.length;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) return;
    const c = l + 1 < n && less(heap[l + 1]!, heap[l]!) ? l + 1 : l;
    if (!less(heap[c]!, heap[i]!)) return;
    const t = heap[i]!;
    heap[i] = heap[c]!;
    heap[c] = t;
    i = c;
  }
}

function heapPush(heap: RunReader[], r: RunReader, less: Less): void {
  let i = heap.push(r) - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!less(heap[i]!, heap[p]!)) return;
    const t = heap[i]!;
    heap[i] = heap[p]!;
    heap[p] = t;
    i = p;
  }
}

/** Removes and returns the least element. */
function heapPop(heap: RunReader[], less: Less): RunReader {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    siftDown(heap, 0, less);
  }
  return top;
}

/**
 * A reducer fed on bytes: each record's key buf[ks, ke) and value buf[vs, ve) (valid only during
 * the call); `first` when the record starts a new group (a key unlike the one before).
 */
export interface ByteReducer {
  record(buf: Buffer, ks: number, ke: number, vs: number, ve: number, first: boolean): void;
  end(): void;
}

/** Feeds merged lines to a byte reducer, one group per run of equal keys; counts the groups. */
export class ByteGrouper {
  private key: Buffer = Buffer.allocUnsafe(256);
  private keyLen = -1;
  groups = 0;

  constructor(private readonly reducer: ByteReducer) {}

  readonly record = (buf: Buffer, s: number, tab: number, vs: number, ve: number): void => {
    const n = tab - s;
    let first = this.keyLen !== n;
    const key = this.key;
    if (!first) {
      for (let i = 0; i < n; i++) {
        if (key[i] !== buf[s + i]) {
          first = true;
          break;
        }
      }
    }
    if (first) {
      if (n > key.length) this.key = Buffer.allocUnsafe(n * 2);
      copyBytes(buf, s, tab, this.key, 0);
      this.keyLen = n;
      this.groups++;
    }
    this.reducer.record(buf, s, tab, vs, ve, first);
  };

  end(): void {
    this.reducer.end();
  }
}
