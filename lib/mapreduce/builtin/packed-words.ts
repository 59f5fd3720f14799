// The built-ins' word table for the hot loop: one open-addressing array of 4-int slots
// [k0, k1, len, value]. A word of up to 8 bytes is held in the slot itself (its lowercased bytes
// packed into k0/k1 as the scanner shifts them in), so finding it reads one cache line and no
// other array; a longer word keeps a key (longKey) in k0 and its bytes in an arena (k1 = offset).
// `value` belongs to the caller (word count: the count; inverted index: the word's id). Profiled
// on the bench corpus, the previous table (slots, then hash/length/start arrays, then the arena,
// then a counts array: six cache lines for a rare word) spent most of the map task's time in
// cache misses; this one spends one, or two for a long word.
import { FNV_OFFSET, FNV_PRIME } from "../partition";
import { LOWER } from "./word-table";

/** Longest word held inside its slot. */
export const PACKED_MAX = 8;

const EMPTY = 0;

/** Slot index of a word: a multiplicative mix of its packed bytes (or hash) and length. */
const mix = (k0: number, k1: number, len: number) =>
  Math.imul(k0 ^ Math.imul(k1 ^ len, 0x9e3779b1), 0x85ebca6b) >>> 7;

/** The words of a table in byte order, with everything a spill writes. */
export interface SortedWords {
  n: number;
  /** Word numbers in byte order of the words. */
  order: Int32Array;
  /** Word w is bytes[starts[w], starts[w + 1]), its slot offset slot[w]. */
  bytes: Uint8Array;
  starts: Int32Array;
  slot: Int32Array;
  /** FNV-1a of each word (its partition hash). */
  hashes: Int32Array;
  /**
   * Each word's value (slots[slot[w] + 3]), gathered while the slots are read in order: a spill
   * walking the words in byte order then reads small arrays, not the whole table at random.
   */
  values: Int32Array;
}

export class PackedWords {
  size = 0;
  /** Set by short()/long(): whether the last call added the word (its value is then 0). */
  added = false;
  slots: Int32Array;
  private mask: number;
  private arena = new Uint8Array(1 << 12);
  private arenaUsed = 0;

  constructor(initialSlots = 1 << 16) {
    this.slots = new Int32Array(initialSlots * 4);
    this.mask = initialSlots - 1;
  }

  memoryBytes(): number {
    return this.slots.byteLength + this.arena.byteLength;
  }

  /**
   * The slot offset of a word of len ≤ 8 bytes whose lowercased bytes were shifted into k1:k0
   * (k0 = (k0 << 8) | byte; k1 takes what falls out). The value is at slots[offset + 3].
   */
  short(k0: number, k1: number, len: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let i = mix(k0, k1, len) & mask;
    for (;;) {
      const o = i << 2;
      const l = slots[o + 2]!;
      if (l === EMPTY) break;
      if (l === len && slots[o]! === k0 && slots[o + 1]! === k1) {
        this.added = false;
        return o;
      }
      i = (i + 1) & mask;
    }
    if ((this.size + 1) * 2 > mask + 1) {
      this.grow();
      return this.short(k0, k1, len);
    }
    const o = i << 2;
    slots[o] = k0;
    slots[o + 1] = k1;
    slots[o + 2] = len;
    slots[o + 3] = 0;
    this.size++;
    this.added = true;
    return o;
  }

  /**
   * The slot offset of src[start, start + len) lowercased (len > 8). `hash` is any 32-bit
   * function of the lowercased bytes, the same for every call with that word (longKey()).
   */
  long(src: Uint8Array, start: number, len: number, hash: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let i = mix(hash, 0, len) & mask;
    for (;;) {
      const o = i << 2;
      const l = slots[o + 2]!;
      if (l === EMPTY) break;
      if (l === len && slots[o]! === hash) {
        const arena = this.arena;
        let p = slots[o + 1]!;
        let k = start;
        const end = start + len;
        while (k < end && arena[p] === LOWER[src[k]!]) {
          p++;
          k++;
        }
        if (k === end) {
          this.added = false;
          return o;
        }
      }
      i = (i + 1) & mask;
    }
    if ((this.size + 1) * 2 > mask + 1) {
      this.grow();
      return this.long(src, start, len, hash);
    }
    if (this.arenaUsed + len > this.arena.length) {
      const next = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len));
      next.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = next;
    }
    const arena = this.arena;
    let p = this.arenaUsed;
    for (let k = start; k < start + len; k++) arena[p++] = LOWER[src[k]!]!;
    const o = i << 2;
    slots[o] = hash;
    slots[o + 1] = this.arenaUsed;
    slots[o + 2] = len;
    slots[o + 3] = 0;
    this.arenaUsed = p;
    this.size++;
    this.added = true;
    return o;
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = (slots.length >> 2) - 1;
    for (let o = 0; o < old.length; o += 4) {
      const len = old[o + 2]!;
      if (len === EMPTY) continue;
      let i = (len <= PACKED_MAX ? mix(old[o]!, old[o + 1]!, len) : mix(old[o]!, 0, len)) & mask;
      while (slots[(i << 2) + 2] !== EMPTY) i = (i + 1) & mask;
      // Four stores, not set(subarray): a subarray per word cost most of the rehash.
      const n = i << 2;
      slots[n] = old[o]!;
      slots[n + 1] = old[o + 1]!;
      slots[n + 2] = len;
      slots[n + 3] = old[o + 3]!;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /**
   * Every word in byte order. One native sort of 64-bit keys — the first 5 bytes (zero-padded:
   * no word holds a zero byte, so a prefix sorts first) above the word's number — then a
   * comparison sort of each run of words that share those 5 bytes. Cheaper than a comparison
   * sort of strings, and than a radix sort's scattered writes on a busy machine's caches.
   */
  sorted(): SortedWords {
    const n = this.size;
    const slots = this.slots;
    const slot = new Int32Array(n);
    const values = new Int32Array(n);
    const starts = new Int32Array(n + 1);
    let total = 0;
    for (let o = 0, w = 0; o < slots.length; o += 4) {
      const len = slots[o + 2]!;
      if (len === EMPTY) continue;
      values[w] = slots[o + 3]!;
      slot[w++] = o;
      total += len;
      starts[w] = total;
    }
    const bytes = new Uint8Array(total);
    const hashes = new Int32Array(n);
    const wide = n < 1 << 24;
    const keys = new BigUint64Array(wide ? n : 0);
    const halves = new Uint32Array(keys.buffer);
    const arena = this.arena;
    for (let w = 0; w < n; w++) {
      const o = slot[w]!;
      const len = slots[o + 2]!;
      const b = starts[w]!;
      if (len <= PACKED_MAX) {
        const k0 = slots[o]!;
        const k1 = slots[o + 1]!;
        // Byte j from the end sits at bits 8j of k0 (j < 4), else of k1.
        for (let j = len - 1, s = b; j >= 0; j--) {
          bytes[s++] = (j < 4 ? k0 >>> (8 * j) : k1 >>> (8 * (j - 4))) & 255;
        }
      } else {
        const p = slots[o + 1]!;
        for (let i = 0; i < len; i++) bytes[b + i] = arena[p + i]!;
      }
      let h = FNV_OFFSET;
      for (let i = b; i < b + len; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
      hashes[w] = h;
      if (wide) {
        let prefix = 0;
        for (let i = 0; i < 4; i++) prefix = (prefix << 8) | (i < len ? bytes[b + i]! : 0);
        // Little-endian halves: [2w] low, [2w + 1] high.
        halves[2 * w + 1] = prefix >>> 0;
        halves[2 * w] = (((len > 4 ? bytes[b + 4]! : 0) << 24) | w) >>> 0;
      }
    }
    const cmp = (a: number, c: number) => {
      const ea = starts[a + 1]!;
      const ec = starts[c + 1]!;
      let i = starts[a]!;
      let j = starts[c]!;
      while (i < ea && j < ec) {
        const d = bytes[i++]! - bytes[j++]!;
        if (d !== 0) return d;
      }
      return ea - i - (ec - j);
    };
    const order = new Int32Array(n);
    if (!wide) {
      for (let w = 0; w < n; w++) order[w] = w;
      order.set(Array.from(order).sort(cmp));
    } else {
      keys.sort();
      for (let k = 0; k < n; k++) order[k] = halves[2 * k]! & 0xffffff;
      // Runs sharing the 5-byte prefix: by the rest of their bytes.
      for (let k = 0; k < n;) {
        const hi = halves[2 * k + 1]!;
        const b4 = halves[2 * k]! >>> 24;
        let e = k + 1;
        while (e < n && halves[2 * e + 1] === hi && halves[2 * e]! >>> 24 === b4) e++;
        if (e - k > SMALL_RUN) order.set(Array.from(order.subarray(k, e)).sort(cmp), k);
        else if (e - k > 1) insertionSort(order, k, e, bytes, starts);
        k = e;
      }
    }
    return { n, order, bytes, starts, slot, hashes, values };
  }
}

/**
 * Runs of words sharing a 5-byte prefix up to this long are insertion-sorted in place. Most runs
 * are a few words (22,679 runs of 143,652 words in a quarter of the bench corpus), and an
 * Array.from and a sort with a comparator per run cost half of sorted() there.
 */
const SMALL_RUN = 32;

/**
 * Sorts order[k, e) by the words' bytes from the sixth on: the words of a run share their first
 * five (a word shorter than that has a zero-padded prefix of its own, so runs hold longer words).
 */
function insertionSort(
  order: Int32Array,
  k: number,
  e: number,
  bytes: Uint8Array,
  starts: Int32Array,
): void {
  for (let x = k + 1; x < e; x++) {
    const w = order[x]!;
    const ws = starts[w]! + 5;
    const we = starts[w + 1]!;
    let y = x - 1;
    for (; y >= k; y--) {
      const v = order[y]!;
      // Is v after w?
      let i = starts[v]! + 5;
      const ve = starts[v + 1]!;
      let j = ws;
      let d = 0;
      while (i < ve && j < we) {
        d = bytes[i++]! - bytes[j++]!;
        if (d !== 0) break;
      }
      if (d === 0) d = ve - i - (we - j);
      if (d <= 0) break;
      order[y + 1] = v;
    }
    order[y + 1] = w;
  }
}

/**
 * The table key of a long word (len > 8) starting at src[start]: its last 8 bytes as the scanner
 * packed them (k1:k0) and its first 4 bytes, mixed (long() mixes in the length). Words sharing
 * all of those collide and are told apart by their bytes in long(). FNV-1a over every byte, the
 * key before, is a chain of dependent multiplies: 50–150 ns a word here, more than the probe
 * (the partition hash is computed in sorted(), once per distinct word).
 */
export function longKey(src: Uint8Array, start: number, k0: number, k1: number): number {
  const head =
    (LOWER[src[start]!]! << 24) |
    (LOWER[src[start + 1]!]! << 16) |
    (LOWER[src[start + 2]!]! << 8) |
    LOWER[src[start + 3]!]!;
  return Math.imul(k0 ^ Math.imul(head, 0x27d4eb2f), 0x165667b1) ^ k1;
}

/** FNV-1a of src[start, start + len) lowercased: a word's partition hash. */
export function lowerHash(src: Uint8Array, start: number, len: number): number {
  let h = FNV_OFFSET;
  for (let k = start; k < start + len; k++) h = Math.imul(h ^ LOWER[src[k]!]!, FNV_PRIME);
  return h;
}
