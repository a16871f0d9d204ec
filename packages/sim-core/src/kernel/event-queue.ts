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
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  pop(): T | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
