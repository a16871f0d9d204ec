/**
 * What a leader knows about each follower's log: Match, Next, the Probe/Replicate state machine,
 * the in-flight window and RecentActive (for CheckQuorum).
 *
 * Models: etcd-io/etcd v3.4.23 `raft/tracker/progress.go`, `raft/tracker/inflights.go`,
 * `raft/tracker/tracker.go` (Committed, QuorumActive, TallyVotes) and `raft/quorum/majority.go`.
 * Leaves out: StateSnapshot, learners, joint configurations (a single majority config only).
 */

export type ProgressStateType = 'StateProbe' | 'StateReplicate';

export interface Progress {
  match: number;
  next: number;
  state: ProgressStateType;
  probeSent: boolean;
  recentActive: boolean;
  /** Last index of each in-flight MsgApp, oldest first (tracker.Inflights). */
  inflights: number[];
}

export const MAX_INFLIGHT = 256;

export function newProgress(next: number, match = 0): Progress {
  return { match, next, state: 'StateProbe', probeSent: false, recentActive: false, inflights: [] };
}

function resetState(pr: Progress, state: ProgressStateType): void {
  pr.probeSent = false;
  pr.state = state;
  pr.inflights = [];
}

export function becomeProbe(pr: Progress): void {
  resetState(pr, 'StateProbe');
  pr.next = pr.match + 1;
}

export function becomeReplicate(pr: Progress): void {
  resetState(pr, 'StateReplicate');
  pr.next = pr.match + 1;
}

export function maybeUpdate(pr: Progress, n: number): boolean {
  let updated = false;
  if (pr.match < n) {
    pr.match = n;
    updated = true;
    pr.probeSent = false;
  }
  if (pr.next < n + 1) pr.next = n + 1;
  return updated;
}

export function optimisticUpdate(pr: Progress, n: number): void {
  pr.next = n + 1;
}

export function maybeDecrTo(pr: Progress, rejected: number, last: number): boolean {
  if (pr.state === 'StateReplicate') {
    if (rejected <= pr.match) return false;
    pr.next = pr.match + 1;
    return true;
  }
  if (pr.next - 1 !== rejected) return false;
  pr.next = Math.max(1, Math.min(rejected, last + 1));
  pr.probeSent = false;
  return true;
}

export const inflightsFull = (pr: Progress): boolean => pr.inflights.length >= MAX_INFLIGHT;

export function freeLE(pr: Progress, to: number): void {
  const f = pr.inflights;
  let i = 0;
  while (i < f.length && f[i]! <= to) i++;
  if (i === 0) return;
  // Not splice, which builds an array of the freed ones (this runs on every MsgAppResp).
  const n = f.length - i;
  if (n === 0) {
    // All freed (the common case): empty the list in place; pop keeps its backing store, which
    // `length = 0` or a new list would give up, to allocate one again at the next MsgApp.
    while (f.length > 0) f.pop();
    return;
  }
  for (let j = 0; j < n; j++) f[j] = f[j + i]!;
  f.length = n;
}

export function isPaused(pr: Progress): boolean {
  return pr.state === 'StateProbe' ? pr.probeSent : inflightsFull(pr);
}

/** Quorum size of a majority configuration of n voters. */
export const quorum = (n: number): number => Math.floor(n / 2) + 1;

let scratch: number[] = new Array<number>(16).fill(0);

/** The largest index known to be on a majority (majority.go CommittedIndex). */
export function committedIndex(matches: number[]): number {
  const n = matches.length;
  if (n === 0) return Number.MAX_SAFE_INTEGER;
  // Insertion sort, descending, into a scratch array (this runs on every MsgAppResp).
  const srt = scratch.length >= n ? scratch : (scratch = new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const v = matches[i]!;
    let j = i;
    while (j > 0 && srt[j - 1]! < v) {
      srt[j] = srt[j - 1]!;
      j--;
    }
    srt[j] = v;
  }
  return srt[quorum(n) - 1]!;
}

export type VoteResult = 'VotePending' | 'VoteLost' | 'VoteWon';

export function voteResult(voters: number[], votes: Record<number, boolean>): VoteResult {
  if (voters.length === 0) return 'VoteWon';
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes[id];
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  const q = quorum(voters.length);
  if (granted >= q) return 'VoteWon';
  if (granted + missing >= q) return 'VotePending';
  return 'VoteLost';
}
