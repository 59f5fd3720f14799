// Top-N words: the word-count map side, and one reducer that sums each word's counts and keeps the
// N best in a heap whose root is the worst kept entry.
import type { BuiltinReduceContext, BuiltinReducer } from "./types";

interface Entry {
  word: string;
  count: number;
}

/** a ranks before b: higher count first, then the word in byte order (latin1 strings). */
const before = (a: Entry, b: Entry) =>
  a.count > b.count || (a.count === b.count && a.word < b.word);

export function topNReducer(ctx: BuiltinReduceContext, n: number): BuiltinReducer {
  const heap: Entry[] = [];
  let key = "";
  let sum = 0;

  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && before(heap[worst]!, heap[l]!)) worst = l;
      if (r < heap.length && before(heap[worst]!, heap[r]!)) worst = r;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst]!, heap[i]!];
      i = worst;
    }
  };
  const siftUp = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(heap[p]!, heap[i]!)) return;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };

  return {
    startGroup(k) {
      key = k;
      sum = 0;
    },
    value(v) {
      sum += Number(v);
    },
    endGroup() {
      const e = { word: key, count: sum };
      if (heap.length < n) {
        heap.push(e);
        siftUp(heap.length - 1);
      } else if (before(e, heap[0]!)) {
        heap[0] = e;
        siftDown(0);
      }
    },
    end() {
      heap.sort((a, b) => (before(a, b) ? -1 : 1));
      for (const e of heap) {
        ctx.out.writeLatin1(`${e.word}\t${e.count}\n`);
        ctx.out.records++;
      }
    },
  };
}
