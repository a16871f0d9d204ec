/**
 * The one event queue: a binary min-heap ordered by (virtual time, sequence number). The sequence
 * number is given at insertion, so two events at the same microsecond come out in the order they
 * were scheduled: the order never depends on hashing, object identity or the host.
 */

export interface Queued {
  t: number;
  seq: number;
}

export function before(a: Queued, b: Queued): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

/** Heap operations over a plain array, so a checkpoint can copy the queue as data. */
export class EventQueue<T extends Queued> {
  constructor(public heap: T[] = []) {}

  get size(): number {
    return this.heap.length;
  }

  push(item: T): void {
    // Sift up by moving parents down into the hole (no swap arrays: this is the hottest loop).
    const h = this.heap;
    let i = h.length;
    h.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!before(item, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = item;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  pop(): T | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
