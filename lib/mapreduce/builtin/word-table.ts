// Byte-level word handling for the built-in jobs: a word is a maximal run of ASCII letters and
// digits, lowercased (catalog.ts WORD_RULE). Words are interned in an open-addressing table keyed
// by their FNV-1a hash, which is also their partition hash, so the hot loop never builds strings.
import { copyBytes } from "../partition";

/** LOWER[b] is the lowercased byte for word bytes and 0 for separators. */
export const LOWER = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  if (b >= 0x30 && b <= 0x39) LOWER[b] = b;
  else if (b >= 0x61 && b <= 0x7a) LOWER[b] = b;
  else if (b >= 0x41 && b <= 0x5a) LOWER[b] = b + 32;
}

export class WordTable {
  size = 0;
  private mask: number;
  private slots: Int32Array;
  hashes: Int32Array;
  starts: Int32Array;
  lens: Int32Array;
  arena: Uint8Array;
  arenaUsed = 0;

  constructor(initialSlots = 1 << 16) {
    this.slots = new Int32Array(initialSlots);
    this.mask = initialSlots - 1;
    const cap = initialSlots >> 1;
    this.hashes = new Int32Array(cap);
    this.starts = new Int32Array(cap);
    this.lens = new Int32Array(cap);
    this.arena = new Uint8Array(cap * 8);
  }

  /** Per-id arrays that callers keep beside the table must be at least this long. */
  get capacity(): number {
    return this.hashes.length;
  }

  memoryBytes(): number {
    return this.slots.byteLength + this.hashes.byteLength * 3 + this.arena.byteLength;
  }

  /** The id of bytes src[start, start+len) with FNV-1a hash `hash`, adding it when new. */
  intern(src: Uint8Array, start: number, len: number, hash: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let i = hash & mask;
    for (;;) {
      const s = slots[i]!;
      if (s === 0) break;
      const id = s - 1;
      if (this.hashes[id] === hash && this.lens[id] === len) {
        const arena = this.arena;
        let p = this.starts[id]!;
        let k = start;
        const end = start + len;
        while (k < end && arena[p] === src[k]) {
          p++;
          k++;
        }
        if (k === end) return id;
      }
      i = (i + 1) & mask;
    }
    const id = this.size++;
    if (id >= this.hashes.length) this.growIds();
    if (this.arenaUsed + len > this.arena.length) {
      const next = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len));
      next.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = next;
    }
    copyBytes(src, start, start + len, this.arena, this.arenaUsed);
    this.starts[id] = this.arenaUsed;
    this.lens[id] = len;
    this.hashes[id] = hash;
    this.arenaUsed += len;
    slots[i] = id + 1;
    if (this.size * 2 > slots.length) this.rehash();
    return id;
  }

  /**
   * Word ids in byte order of their words: bucketed by their first two bytes (a counting sort),
   * then each bucket sorted by comparison — several times faster than one comparison sort.
   */
  sortedIds(): Int32Array {
    const n = this.size;
    const { arena, starts, lens } = this;
    // A missing second byte sorts before every byte: bucket b0 * 257 + (b1 + 1 | 0).
    const bucketOf = (id: number) => {
      const s = starts[id]!;
      const len = lens[id]!;
      return len === 0 ? 0 : arena[s]! * 257 + (len > 1 ? arena[s + 1]! + 1 : 0) + 1;
    };
    const BUCKETS = 256 * 257 + 2;
    const start = new Int32Array(BUCKETS + 1);
    const bucket = new Int32Array(n);
    for (let id = 0; id < n; id++) start[(bucket[id] = bucketOf(id)) + 1]!++;
    for (let b = 0; b < BUCKETS; b++) start[b + 1]! += start[b]!;
    const fill = start.slice(0, BUCKETS);
    const ids = new Int32Array(n);
    for (let id = 0; id < n; id++) ids[fill[bucket[id]!]!++] = id;
    let words: string[] | null = null;
    for (let b = 0; b < BUCKETS; b++) {
      const s = start[b]!;
      const e = start[b + 1]!;
      if (e - s < 2) continue;
      words ??= this.allLatin1();
      const w = words;
      const part = Array.from(ids.subarray(s, e)).sort((x, y) => (w[x]! < w[y]! ? -1 : 1));
      ids.set(part, s);
    }
    return ids;
  }

  /** Every word as a latin1 string, by id: one decode of the arena, then substrings. */
  allLatin1(): string[] {
    const all = Buffer.from(this.arena.buffer, this.arena.byteOffset, this.arenaUsed).toString(
      "latin1",
    );
    const words = new Array<string>(this.size);
    for (let id = 0; id < this.size; id++) {
      const s = this.starts[id]!;
      words[id] = all.slice(s, s + this.lens[id]!);
    }
    return words;
  }

  private growIds(): void {
    const cap = this.hashes.length * 2;
    const grow = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.hashes = grow(this.hashes);
    this.starts = grow(this.starts);
    this.lens = grow(this.lens);
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      let i = this.hashes[id]! & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** Grows a per-id Int32Array to the table's capacity. */
export function fitInt32(
  a: Int32Array<ArrayBuffer>,
  capacity: number,
  fill = 0,
): Int32Array<ArrayBuffer> {
  if (a.length >= capacity) return a;
  const b = new Int32Array(capacity);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}
