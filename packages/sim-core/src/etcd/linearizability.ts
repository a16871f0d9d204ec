/**
 * A linearizability checker for a key-value register history, in the style of Wing & Gong's
 * search with Lowe's memoization (as Porcupine implements it): per key (P-compositionality), try
 * to order the operations so that each takes effect at one instant between its call and return
 * and every read sees the latest write. An operation that failed with an indeterminate error (a
 * write that timed out) may have taken effect at any time after its call, or never: it is given
 * an infinite return time and need not be placed.
 *
 * Models: Wing & Gong 1993; Lowe 2017 ("Testing for linearizability"); anishathalye/porcupine
 * `checker.go`. Leaves out: multi-key transactions, deletes.
 */

export interface HistoryOp {
  key: string;
  kind: 'put' | 'get';
  /** put: the value written; get: the value read ('' when absent). */
  value: string;
  callUs: number;
  /** Infinity for an indeterminate operation (it may or may not have happened). */
  returnUs: number;
}

interface Node {
  op: number;
  isCall: boolean;
  t: number;
  prev: Node | null;
  next: Node | null;
  match: Node | null;
}

/** Check one key's history. Returns true when a linearization exists. */
export function checkRegister(ops: HistoryOp[], initial = '', budget = 2_000_000): boolean | 'unknown' {
  // Build the event list: calls and returns by time; a call before a return at the same time.
  const events: { op: number; isCall: boolean; t: number }[] = [];
  ops.forEach((o, i) => {
    events.push({ op: i, isCall: true, t: o.callUs });
    if (Number.isFinite(o.returnUs)) events.push({ op: i, isCall: false, t: o.returnUs });
  });
  events.sort((a, b) => a.t - b.t || (a.isCall === b.isCall ? a.op - b.op : a.isCall ? -1 : 1));
  const head: Node = { op: -1, isCall: false, t: -1, prev: null, next: null, match: null };
  let tail = head;
  const calls = new Map<number, Node>();
  for (const e of events) {
    const n: Node = { op: e.op, isCall: e.isCall, t: e.t, prev: tail, next: null, match: null };
    tail.next = n;
    tail = n;
    if (e.isCall) calls.set(e.op, n);
    else calls.get(e.op)!.match = n;
  }
  const mustPlace = ops.filter((o) => Number.isFinite(o.returnUs)).length;
  const lift = (c: Node) => {
    c.prev!.next = c.next;
    if (c.next) c.next.prev = c.prev;
    if (c.match) {
      c.match.prev!.next = c.match.next;
      if (c.match.next) c.match.next.prev = c.match.prev;
    }
  };
  const unlift = (c: Node) => {
    if (c.match) {
      c.match.prev!.next = c.match;
      if (c.match.next) c.match.next.prev = c.match;
    }
    c.prev!.next = c;
    if (c.next) c.next.prev = c;
  };
  const linearized = new Uint8Array(ops.length);
  const cache = new Set<string>();
  const stack: { node: Node; state: string }[] = [];
  let state = initial;
  let placed = 0;
  let entry = head.next;
  let steps = 0;
  for (;;) {
    if (placed === mustPlace && allDefiniteDone(ops, linearized)) return true;
    if (++steps > budget) return 'unknown';
    if (entry === null) {
      // Only indeterminate calls remain unplaced; the definite ones are all placed.
      if (allDefiniteDone(ops, linearized)) return true;
      if (stack.length === 0) return false;
      const top = stack.pop()!;
      state = top.state;
      linearized[top.node.op] = 0;
      if (Number.isFinite(ops[top.node.op]!.returnUs)) placed--;
      unlift(top.node);
      entry = top.node.next;
      continue;
    }
    if (entry.isCall) {
      const o = ops[entry.op]!;
      let ok: boolean;
      let next = state;
      if (o.kind === 'put') {
        ok = true;
        next = o.value;
      } else ok = o.value === state;
      if (ok) {
        linearized[entry.op] = 1;
        const key = `${bitsKey(linearized)}|${next}`;
        if (!cache.has(key)) {
          cache.add(key);
          stack.push({ node: entry, state });
          state = next;
          if (Number.isFinite(o.returnUs)) placed++;
          lift(entry);
          entry = head.next;
          continue;
        }
        linearized[entry.op] = 0;
      }
      entry = entry.next;
    } else {
      // A return whose call is not placed: backtrack.
      if (stack.length === 0) return false;
      const top = stack.pop()!;
      state = top.state;
      linearized[top.node.op] = 0;
      if (Number.isFinite(ops[top.node.op]!.returnUs)) placed--;
      unlift(top.node);
      entry = top.node.next;
    }
  }
}

function allDefiniteDone(ops: HistoryOp[], lin: Uint8Array): boolean {
  for (let i = 0; i < ops.length; i++) if (Number.isFinite(ops[i]!.returnUs) && !lin[i]) return false;
  return true;
}

function bitsKey(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 16) {
    let v = 0;
    for (let j = 0; j < 16 && i + j < b.length; j++) if (b[i + j]) v |= 1 << j;
    s += String.fromCharCode(v + 0x100);
  }
  return s;
}

/** Check a whole history key by key. */
export function checkHistory(ops: HistoryOp[]): { ok: boolean | 'unknown'; badKey?: string } {
  const byKey = new Map<string, HistoryOp[]>();
  for (const o of ops) {
    let l = byKey.get(o.key);
    if (!l) byKey.set(o.key, (l = []));
    l.push(o);
  }
  let unknown = false;
  for (const key of [...byKey.keys()].sort()) {
    const r = checkRegister(byKey.get(key)!);
    if (r === false) return { ok: false, badKey: key };
    if (r === 'unknown') unknown = true;
  }
  return { ok: unknown ? 'unknown' : true };
}
