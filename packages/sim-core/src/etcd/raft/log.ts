/**
 * The Raft log: entries from index 1, a commit index and an apply index, and the boundary between
 * what is persisted (stable) and what is not yet (unstable), as etcd's raftLog keeps them.
 *
 * Models: etcd-io/etcd v3.4.23 `raft/log.go` (raftLog: maybeAppend, findConflict, isUpToDate,
 * maybeCommit, commitTo) and `raft/log_unstable.go` (the unstable tail). Leaves out: snapshots and
 * compaction (the log is never truncated from the front; index 0 holds a dummy entry of term 0),
 * size limits on `entries`.
 *
 * Entry objects are immutable once they reach a log: the leader builds fresh ones for a proposal
 * (stepLeader copies MsgProp's entries before stamping term and index), and from then on the same
 * objects travel in MsgApp, sit in followers' logs, in Ready and in the persisted WAL, uncopied.
 */
import { NO_ENTRIES, type Entry } from './types';

export interface RaftLog {
  /** ents[i].index === i; ents[0] is the dummy entry {term 0, index 0}. */
  ents: Entry[];
  committed: number;
  applied: number;
  /** Entries with index > stable are unstable: not yet handed to storage. */
  stable: number;
}

export function newLog(stored: Entry[] = [], committed = 0): RaftLog {
  const ents: Entry[] = [{ term: 0, index: 0 }];
  // Entries are immutable (see the header): a restart's log holds the WAL's objects, uncopied.
  for (const e of stored) ents.push(e);
  return { ents, committed, applied: 0, stable: ents.length - 1 };
}

export const lastIndex = (l: RaftLog): number => l.ents.length - 1;
export const lastTerm = (l: RaftLog): number => l.ents[l.ents.length - 1]!.term;

/** Term of entry i; 0 if out of range (etcd's zeroTermOnErrCompacted of term()). */
export function term(l: RaftLog, i: number): number {
  if (i < 0 || i > lastIndex(l)) return 0;
  return l.ents[i]!.term;
}

export const matchTerm = (l: RaftLog, i: number, t: number): boolean => i <= lastIndex(l) && term(l, i) === t;

/** Entries from index lo on (all of them to the end); none: the shared empty list (a MsgApp that only moves the commit index on). */
export const entriesFrom = (l: RaftLog, lo: number): Entry[] => (lo > lastIndex(l) ? NO_ENTRIES : l.ents.slice(Math.max(1, lo)));

/** Entries in [lo, hi). */
export const slice = (l: RaftLog, lo: number, hi: number): Entry[] => l.ents.slice(Math.max(1, lo), hi);

export const unstableEntries = (l: RaftLog): Entry[] => l.ents.slice(l.stable + 1);

export function isUpToDate(l: RaftLog, lasti: number, t: number): boolean {
  return t > lastTerm(l) || (t === lastTerm(l) && lasti >= lastIndex(l));
}

export function findConflict(l: RaftLog, ents: readonly Entry[]): number {
  for (const ne of ents) if (!matchTerm(l, ne.index, ne.term)) return ne.index;
  return 0;
}

/** Append entries (their indexes start at or below lastIndex+1); a conflicting tail is truncated. */
export function append(l: RaftLog, ents: readonly Entry[]): number {
  if (ents.length === 0) return lastIndex(l);
  const after = ents[0]!.index - 1;
  if (after < l.committed) throw new Error(`after(${after}) is out of range [committed(${l.committed})]`);
  if (after < lastIndex(l)) {
    l.ents.length = after + 1;
    if (l.stable > after) l.stable = after;
  }
  // Entries are immutable once built (see the header): the log keeps the objects it is given.
  for (const e of ents) l.ents.push(e);
  return lastIndex(l);
}

export function commitTo(l: RaftLog, tocommit: number): void {
  if (l.committed < tocommit) {
    if (lastIndex(l) < tocommit) throw new Error(`tocommit(${tocommit}) is out of range [lastIndex(${lastIndex(l)})]`);
    l.committed = tocommit;
  }
}

/** Follower side of MsgApp: returns the last new index, or null when (index, logTerm) does not match. */
export function maybeAppend(l: RaftLog, index: number, logTerm: number, committed: number, ents: readonly Entry[]): number | null {
  if (!matchTerm(l, index, logTerm)) return null;
  const lastnewi = index + ents.length;
  const ci = findConflict(l, ents);
  if (ci !== 0) {
    if (ci <= l.committed) throw new Error(`entry ${ci} conflict with committed entry [committed(${l.committed})]`);
    append(l, ents.slice(ci - (index + 1)));
  }
  commitTo(l, Math.min(committed, lastnewi));
  return lastnewi;
}

/** Leader side: commit maxIndex only if that entry is of the leader's term (§5.4.2). */
export function maybeCommit(l: RaftLog, maxIndex: number, t: number): boolean {
  if (maxIndex > l.committed && term(l, maxIndex) === t) {
    commitTo(l, maxIndex);
    return true;
  }
  return false;
}

/** Committed entries not yet applied; marks them applied. */
export function nextEnts(l: RaftLog): Entry[] {
  const out = l.ents.slice(l.applied + 1, l.committed + 1);
  return out;
}

export function appliedTo(l: RaftLog, i: number): void {
  if (i === 0) return;
  if (l.committed < i || i < l.applied) throw new Error(`applied(${i}) is out of range [prevApplied(${l.applied}), committed(${l.committed})]`);
  l.applied = i;
}

export function stableTo(l: RaftLog, i: number, t: number): void {
  if (matchTerm(l, i, t) && i > l.stable) l.stable = i;
}
