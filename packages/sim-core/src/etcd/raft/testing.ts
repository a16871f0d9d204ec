/**
 * Test harness for the pure Raft, after etcd v3.4.23 `raft/raft_test.go`: newTestRaft, a network
 * of nodes and black holes (nopStepper), readMessages, commitNoopEntry, acceptAndReply.
 */
import * as L from './log';
import { Raft, newRaftState, type RandSource } from './raft';
import { msg, type Entry, type HardState, type Message } from './types';

/** A small deterministic generator (splitmix32) standing in for Go's math/rand in tests. */
export function testRand(seed = 1): RandSource {
  let x = seed >>> 0;
  return {
    intn(n: number) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      z = (z ^ (z >>> 16)) >>> 0;
      return z % n;
    },
  };
}

export interface TestStorage {
  entries: Entry[];
  hardState?: HardState;
}

export function newTestRaft(id: number, peers: number[], election: number, heartbeat: number, storage: TestStorage = { entries: [] }, opts: { checkQuorum?: boolean; preVote?: boolean; seed?: number } = {}): Raft {
  const rng = testRand(opts.seed ?? id * 7919);
  const s = newRaftState({ id, peers, electionTick: election, heartbeatTick: heartbeat, entries: storage.entries, hardState: storage.hardState, checkQuorum: opts.checkQuorum, preVote: opts.preVote }, rng);
  return new Raft(s, rng);
}

/** raft.go loadState: set term, vote, commit as storage would. */
export function loadState(r: Raft, hs: Partial<HardState>): void {
  if (hs.commit !== undefined) r.s.log.committed = hs.commit;
  if (hs.term !== undefined) r.s.term = hs.term;
  if (hs.vote !== undefined) r.s.vote = hs.vote;
}

export const idsBySize = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

export function readMessages(r: Raft): Message[] {
  const m = r.s.msgs;
  r.s.msgs = [];
  return m;
}

export const acceptAndReply = (m: Message): Message => msg({ type: 'MsgAppResp', from: m.to, to: m.from, term: m.term, index: m.index + m.entries.length });

export function commitNoopEntry(r: Raft): void {
  if (r.s.state !== 'StateLeader') throw new Error('it should only be used when it is the leader');
  r.bcastAppend();
  for (const m of readMessages(r)) {
    if (m.type !== 'MsgApp' || m.entries.length !== 1 || m.entries[0]!.data !== undefined) throw new Error('not a message to append noop entry');
    r.step(acceptAndReply(m));
  }
  readMessages(r);
  L.appliedTo(r.s.log, r.s.log.committed);
  L.stableTo(r.s.log, L.lastIndex(r.s.log), L.lastTerm(r.s.log));
}

export const ents = (...terms: number[]): Entry[] => terms.map((t, i) => ({ term: t, index: i + 1 }));

/** A network of real nodes (Raft) and black holes (null = nopStepper). */
export class Network {
  readonly peers = new Map<number, Raft | null>();
  readonly dropped = new Set<string>();

  constructor(nodes: (Raft | null)[], opts: { checkQuorum?: boolean; preVote?: boolean } = {}) {
    const ids = idsBySize(nodes.length);
    nodes.forEach((n, i) => {
      const id = i + 1;
      if (n === null) this.peers.set(id, null);
      else if (n.s.id === 0) this.peers.set(id, newTestRaft(id, ids, 10, 1, { entries: n.s.log.ents.slice(1) }, opts));
      else this.peers.set(id, n);
    });
  }

  static fresh(spec: (null | 'nil' | Entry[])[], opts: { checkQuorum?: boolean; preVote?: boolean } = {}): Network {
    const ids = idsBySize(spec.length);
    const nodes = spec.map((x, i) => {
      if (x === null) return null;
      const entries = x === 'nil' ? [] : x;
      const hs = x === 'nil' ? undefined : { term: entries[entries.length - 1]?.term ?? 0, vote: 0, commit: 0 };
      return newTestRaft(i + 1, ids, 10, 1, { entries, hardState: hs }, opts);
    });
    return new Network(nodes);
  }

  cut(a: number, b: number): void {
    this.dropped.add(`${a}>${b}`);
    this.dropped.add(`${b}>${a}`);
  }

  isolate(id: number): void {
    for (const p of this.peers.keys()) if (p !== id) this.cut(id, p);
  }

  recover(): void {
    this.dropped.clear();
  }

  send(...msgs: Message[]): void {
    const q = [...msgs];
    while (q.length > 0) {
      const m = q.shift()!;
      const p = this.peers.get(m.to);
      if (!p) continue;
      p.step(m);
      for (const out of readMessages(p)) if (!this.dropped.has(`${out.from}>${out.to}`)) q.push(out);
    }
  }

  raft(id: number): Raft {
    const p = this.peers.get(id);
    if (!p) throw new Error(`no raft ${id}`);
    return p;
  }
}
