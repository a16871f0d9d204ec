/**
 * Raft consensus as etcd 3.4 runs it: a pure state machine. `step(m)` takes one message (local
 * ones such as MsgHup and MsgProp included), `tick()` is one unit of logical time, and what it wants
 * done comes out through `ready()`: messages to send, entries to persist, entries to apply, read
 * states. It reads no clock and does no I/O; the randomized election timeout is drawn from the
 * random source passed in, only when the role or term changes (reset), as etcd does.
 *
 * Models: etcd-io/etcd v3.4.23 `raft/raft.go` (Step, stepLeader/stepCandidate/stepFollower,
 * campaign, poll, becomeX, reset, tickElection/tickHeartbeat, CheckQuorum with the vote-ignoring
 * lease, PreVote, leadership transfer, ReadIndex), `raft/node.go` and `raft/rawnode.go` (the Ready
 * hand-off), `raft/bootstrap.go` (the initial ConfChange entries).
 * Two modes: `paper` (CheckQuorum and PreVote off, as raft_paper_test.go runs) and `etcd` (CheckQuorum
 * on, PreVote per flag, as etcdserver/raft.go configures it).
 * Leaves out: snapshots and log compaction, learners, joint consensus (ConfChangeV2), proposal size
 * limits (MaxUncommittedEntriesSize), MaxSizePerMsg batching, ReadOnlyLeaseBased, DisableProposalForwarding.
 */
import * as L from './log';
import * as P from './progress';
import * as RO from './read-only';
import { NO_ENTRIES, None, isLocalMsg, msg, msgTo, voteRespMsgType, type ConfChange, type Entry, type HardState, type Message, type MessageType } from './types';

export type StateType = 'StateFollower' | 'StateCandidate' | 'StateLeader' | 'StatePreCandidate';

/** Where the randomized election timeout comes from (the kernel's seeded stream). */
export interface RandSource {
  /** Integer in [0, n). */
  intn(n: number): number;
}

export const ErrProposalDropped = 'raft proposal dropped';

const campaignPreElection = 'CampaignPreElection';
const campaignElection = 'CampaignElection';
const campaignTransfer = 'CampaignTransfer';
type CampaignType = typeof campaignPreElection | typeof campaignElection | typeof campaignTransfer;

export interface RaftConfig {
  id: number;
  peers: number[];
  electionTick: number;
  heartbeatTick: number;
  checkQuorum?: boolean;
  preVote?: boolean;
  /** What storage holds at start (restart after a crash). */
  hardState?: HardState;
  entries?: Entry[];
  applied?: number;
}

/** All of a node's Raft state: plain data (checkpoints clone it; a crash throws it away). */
export interface RaftState {
  id: number;
  term: number;
  vote: number;
  log: L.RaftLog;
  prs: Record<number, P.Progress>;
  votes: Record<number, boolean>;
  state: StateType;
  lead: number;
  leadTransferee: number;
  pendingConfIndex: number;
  readOnly: RO.ReadOnly;
  readStates: RO.ReadState[];
  msgs: Message[];
  electionElapsed: number;
  heartbeatElapsed: number;
  checkQuorum: boolean;
  preVote: boolean;
  heartbeatTimeout: number;
  electionTimeout: number;
  randomizedElectionTimeout: number;
  /** The last HardState handed out by ready(), to tell whether it changed. */
  prevHardState: HardState;
  /** The soft state (lead, role) last handed out. */
  prevSoft: { lead: number; state: StateType };
}

export interface Ready {
  soft: { lead: number; state: StateType } | null;
  hardState: HardState | null;
  /** Entries to write to stable storage before messages that depend on them are sent. */
  entries: Entry[];
  committedEntries: Entry[];
  messages: Message[];
  readStates: RO.ReadState[];
}

export function newRaftState(c: RaftConfig, rng: RandSource): RaftState {
  const hs = c.hardState ?? { term: 0, vote: None, commit: 0 };
  const log = L.newLog(c.entries ?? [], hs.commit);
  if (c.applied) log.applied = c.applied;
  const s: RaftState = {
    id: c.id,
    term: hs.term,
    vote: hs.vote,
    log,
    prs: {},
    votes: {},
    state: 'StateFollower',
    lead: None,
    leadTransferee: None,
    pendingConfIndex: 0,
    readOnly: RO.newReadOnly(),
    readStates: [],
    msgs: [],
    electionElapsed: 0,
    heartbeatElapsed: 0,
    checkQuorum: c.checkQuorum ?? false,
    preVote: c.preVote ?? false,
    heartbeatTimeout: c.heartbeatTick,
    electionTimeout: c.electionTick,
    randomizedElectionTimeout: c.electionTick,
    prevHardState: { ...hs },
    prevSoft: { lead: None, state: 'StateFollower' },
  };
  for (const p of [...c.peers].sort((a, b) => a - b)) s.prs[p] = P.newProgress(1);
  const r = new Raft(s, rng);
  r.becomeFollower(s.term, None);
  return s;
}

/** Shared empty lists for Ready fields with nothing in them (never mutated). */
const EMPTY: Entry[] = [];
const EMPTY_MSGS: Message[] = [];
const EMPTY_READS: RO.ReadState[] = [];

/** Reused by maybeCommit (every MsgAppResp): no array per call. */
const matchScratch: number[] = [];

/** Sorted voter ids by `prs` object: a new Raft view per step must not re-sort them each time. */
const votersCache = new WeakMap<Record<number, P.Progress>, number[]>();
/** Bumped by every applyConfChange (the one place `prs` keys change): a view's own copy of the list is good while it stands. */
let confChanges = 0;

/** `out` emptied (by pop, which keeps its backing store) and refilled with src[lo, hi). */
function fillFrom<T>(out: T[], src: T[], lo: number, hi: number): T[] {
  while (out.length > 0) out.pop();
  for (let i = lo; i < hi; i++) out.push(src[i]!);
  return out;
}

/** A view over a RaftState with the random source for this call; methods follow raft.go. */
export class Raft {
  /** The lists `readyInto(…, true)` hands out and refills (not state: a view's working space). */
  private ownEntries: Entry[] = [];
  private ownCommitted: Entry[] = [];
  private ownMsgs: Message[] = [];
  private ownHardState: HardState | null = null;
  /** `voters()` for `votersOf` as of `confChanges === votersGen` (no WeakMap lookup per call). */
  private votersOf: Record<number, P.Progress> | null = null;
  private votersList: number[] = [];
  private votersGen = -1;

  constructor(
    readonly s: RaftState,
    public rng: RandSource,
  ) {}

  /** The voter ids in order; cached per `prs` object (its keys change only in applyConfChange). */
  voters(): number[] {
    const prs = this.s.prs;
    if (prs === this.votersOf && this.votersGen === confChanges) return this.votersList;
    let v = votersCache.get(prs);
    if (v === undefined) {
      // Pushed one by one into a literal, not `keys.map(Number)`: the list map() makes may be a list
      // of doubles (V8 picks its kind from earlier lists), and a double id turns the `to` of every
      // message built from it, and every field it reaches, into a boxed double.
      v = [];
      for (const k of Object.keys(prs)) v.push(Number(k));
      v.sort((a, b) => a - b);
      votersCache.set(prs, v);
    }
    this.votersOf = prs;
    this.votersList = v;
    this.votersGen = confChanges;
    return v;
  }

  quorum(): number {
    return P.quorum(this.voters().length);
  }

  promotable(): boolean {
    return this.s.prs[this.s.id] !== undefined;
  }

  hardState(): HardState {
    return { term: this.s.term, vote: this.s.vote, commit: this.s.log.committed };
  }

  // ---- sending ----------------------------------------------------------------------------

  send(m: Message): void {
    m.from = this.s.id;
    if (m.type === 'MsgVote' || m.type === 'MsgVoteResp' || m.type === 'MsgPreVote' || m.type === 'MsgPreVoteResp') {
      if (m.term === 0) throw new Error(`term should be set when sending ${m.type}`);
    } else {
      if (m.term !== 0) throw new Error(`term should not be set when sending ${m.type} (was ${m.term})`);
      if (m.type !== 'MsgProp' && m.type !== 'MsgReadIndex') m.term = this.s.term;
    }
    this.s.msgs.push(m);
  }

  sendAppend(to: number): void {
    this.maybeSendAppend(to, true);
  }

  maybeSendAppend(to: number, sendIfEmpty: boolean): boolean {
    const pr = this.s.prs[to];
    if (!pr || P.isPaused(pr)) return false;
    const logTerm = L.term(this.s.log, pr.next - 1);
    const ents = L.entriesFrom(this.s.log, pr.next);
    if (ents.length === 0 && !sendIfEmpty) return false;
    const m = msgTo('MsgApp', to, logTerm, pr.next - 1, ents, this.s.log.committed, false, 0);
    if (ents.length !== 0) {
      if (pr.state === 'StateReplicate') {
        const last = ents[ents.length - 1]!.index;
        P.optimisticUpdate(pr, last);
        pr.inflights.push(last);
      } else {
        pr.probeSent = true;
      }
    }
    this.send(m);
    return true;
  }

  sendHeartbeat(to: number, ctx: string): void {
    const pr = this.s.prs[to]!;
    const commit = Math.min(pr.match, this.s.log.committed);
    const m = msgTo('MsgHeartbeat', to, 0, 0, NO_ENTRIES, commit, false, 0);
    if (ctx) m.context = ctx;
    this.send(m);
  }

  bcastAppend(): void {
    for (const id of this.voters()) if (id !== this.s.id) this.sendAppend(id);
  }

  bcastHeartbeat(): void {
    this.bcastHeartbeatWithCtx(RO.lastPendingRequestCtx(this.s.readOnly));
  }

  bcastHeartbeatWithCtx(ctx: string): void {
    for (const id of this.voters()) if (id !== this.s.id) this.sendHeartbeat(id, ctx);
  }

  sendTimeoutNow(to: number): void {
    this.send(msg({ type: 'MsgTimeoutNow', to }));
  }

  // ---- commit, append ---------------------------------------------------------------------

  maybeCommit(): boolean {
    const voters = this.voters();
    if (matchScratch.length !== voters.length) matchScratch.length = voters.length;
    for (let i = 0; i < voters.length; i++) matchScratch[i] = this.s.prs[voters[i]!]!.match;
    const mci = P.committedIndex(matchScratch);
    return L.maybeCommit(this.s.log, mci, this.s.term);
  }

  appendEntry(es: Entry[]): void {
    let li = L.lastIndex(this.s.log);
    for (let i = 0; i < es.length; i++) {
      es[i]!.term = this.s.term;
      es[i]!.index = li + 1 + i;
    }
    li = L.append(this.s.log, es);
    const self = this.s.prs[this.s.id];
    if (self) P.maybeUpdate(self, li);
    this.maybeCommit();
  }

  // ---- roles ------------------------------------------------------------------------------

  reset(term: number): void {
    const s = this.s;
    if (s.term !== term) {
      s.term = term;
      s.vote = None;
    }
    s.lead = None;
    s.electionElapsed = 0;
    s.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    s.leadTransferee = None;
    s.votes = {};
    const li = L.lastIndex(s.log);
    for (const id of this.voters()) {
      s.prs[id] = P.newProgress(li + 1);
      if (id === s.id) s.prs[id]!.match = li;
    }
    s.pendingConfIndex = 0;
    s.readOnly = RO.newReadOnly();
  }

  resetRandomizedElectionTimeout(): void {
    this.s.randomizedElectionTimeout = this.s.electionTimeout + this.rng.intn(this.s.electionTimeout);
  }

  pastElectionTimeout(): boolean {
    return this.s.electionElapsed >= this.s.randomizedElectionTimeout;
  }

  becomeFollower(term: number, lead: number): void {
    this.reset(term);
    this.s.lead = lead;
    this.s.state = 'StateFollower';
  }

  becomeCandidate(): void {
    if (this.s.state === 'StateLeader') throw new Error('invalid transition [leader -> candidate]');
    this.reset(this.s.term + 1);
    this.s.vote = this.s.id;
    this.s.state = 'StateCandidate';
  }

  becomePreCandidate(): void {
    if (this.s.state === 'StateLeader') throw new Error('invalid transition [leader -> pre-candidate]');
    // Becoming a pre-candidate changes neither the term nor the vote; it does not reset() either,
    // so the randomized timeout is not re-drawn (etcd 3.4 retries at a fixed period).
    this.s.votes = {};
    this.s.lead = None;
    this.s.state = 'StatePreCandidate';
  }

  becomeLeader(): void {
    if (this.s.state === 'StateFollower') throw new Error('invalid transition [follower -> leader]');
    this.reset(this.s.term);
    this.s.lead = this.s.id;
    this.s.state = 'StateLeader';
    const self = this.s.prs[this.s.id];
    if (self) P.becomeReplicate(self);
    this.s.pendingConfIndex = L.lastIndex(this.s.log);
    this.appendEntry([{ term: 0, index: 0, type: 'EntryNormal' }]);
  }

  campaign(t: CampaignType): void {
    let voteMsg: MessageType;
    let term: number;
    if (t === campaignPreElection) {
      this.becomePreCandidate();
      voteMsg = 'MsgPreVote';
      term = this.s.term + 1;
    } else {
      this.becomeCandidate();
      voteMsg = 'MsgVote';
      term = this.s.term;
    }
    if (this.poll(this.s.id, voteRespMsgType(voteMsg), true) === 'VoteWon') {
      if (t === campaignPreElection) this.campaign(campaignElection);
      else this.becomeLeader();
      return;
    }
    for (const id of this.voters()) {
      if (id === this.s.id) continue;
      const m = msg({ type: voteMsg, to: id, term, index: L.lastIndex(this.s.log), logTerm: L.lastTerm(this.s.log) });
      if (t === campaignTransfer) m.context = campaignTransfer;
      this.send(m);
    }
  }

  poll(id: number, _t: MessageType, v: boolean): P.VoteResult {
    if (this.s.votes[id] === undefined) this.s.votes[id] = v;
    return P.voteResult(this.voters(), this.s.votes);
  }

  // ---- ticks ------------------------------------------------------------------------------

  tick(): void {
    if (this.s.state === 'StateLeader') this.tickHeartbeat();
    else this.tickElection();
  }

  tickElection(): void {
    this.s.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.s.electionElapsed = 0;
      this.step(msg({ type: 'MsgHup', from: this.s.id }));
    }
  }

  tickHeartbeat(): void {
    const s = this.s;
    s.heartbeatElapsed++;
    s.electionElapsed++;
    if (s.electionElapsed >= s.electionTimeout) {
      s.electionElapsed = 0;
      if (s.checkQuorum) this.step(msg({ type: 'MsgCheckQuorum', from: s.id }));
      if (s.state === 'StateLeader' && s.leadTransferee !== None) s.leadTransferee = None;
    }
    if (s.state !== 'StateLeader') return;
    if (s.heartbeatElapsed >= s.heartbeatTimeout) {
      s.heartbeatElapsed = 0;
      this.step(msg({ type: 'MsgBeat', from: s.id }));
    }
  }

  // ---- Step -------------------------------------------------------------------------------

  /** Returns an error text (ErrProposalDropped) or null. */
  step(m: Message): string | null {
    const s = this.s;
    if (m.term === 0) {
      // local message
    } else if (m.term > s.term) {
      if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
        const force = m.context === campaignTransfer;
        const inLease = s.checkQuorum && s.lead !== None && s.electionElapsed < s.electionTimeout;
        if (!force && inLease) {
          // "ignored MsgVote from X ... lease is not expired": no reply at all.
          return null;
        }
      }
      if (m.type === 'MsgPreVote') {
        // never change our term in response to a PreVote
      } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
        // the term is bumped when we get a quorum of pre-votes
      } else if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, None);
      }
    } else if (m.term < s.term) {
      if ((s.checkQuorum || s.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
        this.send(msg({ type: 'MsgAppResp', to: m.from }));
      } else if (m.type === 'MsgPreVote') {
        this.send(msg({ type: 'MsgPreVoteResp', to: m.from, term: s.term, reject: true }));
      }
      return null;
    }

    switch (m.type) {
      case 'MsgHup': {
        if (s.state !== 'StateLeader') {
          const pending = L.slice(s.log, s.log.applied + 1, s.log.committed + 1).filter((e) => e.type === 'EntryConfChange').length;
          if (pending !== 0 && s.log.committed > s.log.applied) return null;
          this.campaign(s.preVote ? campaignPreElection : campaignElection);
        }
        return null;
      }
      case 'MsgVote':
      case 'MsgPreVote': {
        const canVote = s.vote === m.from || (s.vote === None && s.lead === None) || (m.type === 'MsgPreVote' && m.term > s.term);
        if (canVote && L.isUpToDate(s.log, m.index, m.logTerm)) {
          this.send(msg({ type: voteRespMsgType(m.type), to: m.from, term: m.term }));
          if (m.type === 'MsgVote') {
            s.electionElapsed = 0;
            s.vote = m.from;
          }
        } else {
          this.send(msg({ type: voteRespMsgType(m.type), to: m.from, term: s.term, reject: true }));
        }
        return null;
      }
      default:
        if (s.state === 'StateLeader') return this.stepLeader(m);
        if (s.state === 'StateFollower') return this.stepFollower(m);
        return this.stepCandidate(m);
    }
  }

  stepLeader(m: Message): string | null {
    const s = this.s;
    switch (m.type) {
      case 'MsgBeat':
        this.bcastHeartbeat();
        return null;
      case 'MsgCheckQuorum': {
        const self = s.prs[s.id];
        if (self) self.recentActive = true;
        const votes: Record<number, boolean> = {};
        for (const id of this.voters()) votes[id] = s.prs[id]!.recentActive;
        if (P.voteResult(this.voters(), votes) !== 'VoteWon') this.becomeFollower(s.term, None);
        for (const id of this.voters()) if (id !== s.id) s.prs[id]!.recentActive = false;
        return null;
      }
      case 'MsgProp': {
        if (m.entries.length === 0) throw new Error('stepped empty MsgProp');
        if (!s.prs[s.id]) return ErrProposalDropped;
        if (s.leadTransferee !== None) return ErrProposalDropped;
        const es = m.entries.map((e) => ({ ...e }));
        for (let i = 0; i < es.length; i++) {
          if (es[i]!.type === 'EntryConfChange') {
            if (s.pendingConfIndex > s.log.applied) es[i] = { term: 0, index: 0, type: 'EntryNormal' };
            else s.pendingConfIndex = L.lastIndex(s.log) + i + 1;
          }
        }
        this.appendEntry(es);
        this.bcastAppend();
        return null;
      }
      case 'MsgReadIndex': {
        if (this.quorum() > 1) {
          if (L.term(s.log, s.log.committed) !== s.term) return null; // not yet committed in this term
          RO.addRequest(s.readOnly, s.log.committed, m);
          RO.recvAck(s.readOnly, s.id, String(m.entries[0]?.data ?? ''));
          this.bcastHeartbeatWithCtx(String(m.entries[0]?.data ?? ''));
        } else {
          this.answerRead(m, s.log.committed);
        }
        return null;
      }
    }
    const pr = s.prs[m.from];
    if (!pr) return null;
    switch (m.type) {
      case 'MsgAppResp': {
        pr.recentActive = true;
        if (m.reject) {
          if (P.maybeDecrTo(pr, m.index, m.rejectHint)) {
            if (pr.state === 'StateReplicate') P.becomeProbe(pr);
            this.sendAppend(m.from);
          }
        } else {
          const oldPaused = P.isPaused(pr);
          if (P.maybeUpdate(pr, m.index)) {
            if (pr.state === 'StateProbe') P.becomeReplicate(pr);
            else P.freeLE(pr, m.index);
            if (this.maybeCommit()) this.bcastAppend();
            else if (oldPaused) this.sendAppend(m.from);
            while (this.maybeSendAppend(m.from, false)) {
              /* send as much as the window allows */
            }
            if (m.from === s.leadTransferee && pr.match === L.lastIndex(s.log)) this.sendTimeoutNow(m.from);
          }
        }
        return null;
      }
      case 'MsgHeartbeatResp': {
        pr.recentActive = true;
        pr.probeSent = false;
        if (pr.state === 'StateReplicate' && P.inflightsFull(pr)) pr.inflights.shift();
        if (pr.match < L.lastIndex(s.log)) this.sendAppend(m.from);
        if (!m.context) return null;
        const acks = RO.recvAck(s.readOnly, m.from, m.context);
        if (!acks || P.voteResult(this.voters(), acks) !== 'VoteWon') return null;
        for (const rs of RO.advance(s.readOnly, m.context)) this.answerRead(rs.req, rs.index);
        return null;
      }
      case 'MsgUnreachable':
        if (pr.state === 'StateReplicate') P.becomeProbe(pr);
        return null;
      case 'MsgTransferLeader': {
        const leadTransferee = m.from;
        if (s.leadTransferee !== None) {
          if (s.leadTransferee === leadTransferee) return null;
          s.leadTransferee = None;
        }
        if (leadTransferee === s.id) return null;
        s.electionElapsed = 0;
        s.leadTransferee = leadTransferee;
        if (pr.match === L.lastIndex(s.log)) this.sendTimeoutNow(leadTransferee);
        else this.sendAppend(leadTransferee);
        return null;
      }
    }
    return null;
  }

  private answerRead(req: Message, index: number): void {
    const ctx = String(req.entries[0]?.data ?? '');
    if (req.from === None || req.from === this.s.id) this.s.readStates.push({ index, requestCtx: ctx });
    else this.send(msg({ type: 'MsgReadIndexResp', to: req.from, index, entries: req.entries }));
  }

  stepCandidate(m: Message): string | null {
    const s = this.s;
    const myVoteRespType: MessageType = s.state === 'StatePreCandidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
    switch (m.type) {
      case 'MsgProp':
        return ErrProposalDropped;
      case 'MsgApp':
        this.becomeFollower(m.term, m.from);
        this.handleAppendEntries(m);
        return null;
      case 'MsgHeartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return null;
      case myVoteRespType: {
        const res = this.poll(m.from, m.type, !m.reject);
        if (res === 'VoteWon') {
          if (s.state === 'StatePreCandidate') this.campaign(campaignElection);
          else {
            this.becomeLeader();
            this.bcastAppend();
          }
        } else if (res === 'VoteLost') {
          this.becomeFollower(s.term, None);
        }
        return null;
      }
      case 'MsgTimeoutNow':
        return null;
    }
    return null;
  }

  stepFollower(m: Message): string | null {
    const s = this.s;
    switch (m.type) {
      case 'MsgProp':
        if (s.lead === None) return ErrProposalDropped;
        // Forward a copy (Go passes the Message by value): the message as received stays as it was traced.
        this.send({ ...m, to: s.lead });
        return null;
      case 'MsgApp':
        s.electionElapsed = 0;
        s.lead = m.from;
        this.handleAppendEntries(m);
        return null;
      case 'MsgHeartbeat':
        s.electionElapsed = 0;
        s.lead = m.from;
        this.handleHeartbeat(m);
        return null;
      case 'MsgTransferLeader':
        if (s.lead === None) return null;
        // Forward a copy (Go passes the Message by value): the message as received stays as it was traced.
        this.send({ ...m, to: s.lead });
        return null;
      case 'MsgTimeoutNow':
        // Leadership transfers never use pre-vote even if preVote is on.
        if (this.promotable()) this.campaign(campaignTransfer);
        return null;
      case 'MsgReadIndex':
        if (s.lead === None) return null;
        // Forward a copy (Go passes the Message by value): the message as received stays as it was traced.
        this.send({ ...m, to: s.lead });
        return null;
      case 'MsgReadIndexResp':
        if (m.entries.length !== 1) return null;
        s.readStates.push({ index: m.index, requestCtx: String(m.entries[0]!.data ?? '') });
        return null;
    }
    return null;
  }

  handleAppendEntries(m: Message): void {
    const l = this.s.log;
    if (m.index < l.committed) {
      this.send(msgTo('MsgAppResp', m.from, 0, l.committed, NO_ENTRIES, 0, false, 0));
      return;
    }
    const lastnewi = L.maybeAppend(l, m.index, m.logTerm, m.commit, m.entries);
    if (lastnewi !== null) this.send(msgTo('MsgAppResp', m.from, 0, lastnewi, NO_ENTRIES, 0, false, 0));
    else this.send(msgTo('MsgAppResp', m.from, 0, m.index, NO_ENTRIES, 0, true, L.lastIndex(l)));
  }

  handleHeartbeat(m: Message): void {
    L.commitTo(this.s.log, m.commit);
    const r = msgTo('MsgHeartbeatResp', m.from, 0, 0, NO_ENTRIES, 0, false, 0);
    if (m.context) r.context = m.context;
    this.send(r);
  }

  // ---- membership -------------------------------------------------------------------------

  applyConfChange(cc: ConfChange): void {
    const s = this.s;
    votersCache.delete(s.prs);
    confChanges++;
    if (cc.type === 'ConfChangeAddNode') {
      if (!s.prs[cc.nodeId]) {
        const pr = P.newProgress(L.lastIndex(s.log) + 1);
        // Treat the new node as active so a CheckQuorum right after does not step us down.
        pr.recentActive = true;
        s.prs[cc.nodeId] = pr;
      }
    } else {
      delete s.prs[cc.nodeId];
      if (s.state === 'StateLeader' && this.voters().length > 0) {
        if (this.maybeCommit()) this.bcastAppend();
        if (s.leadTransferee === cc.nodeId) s.leadTransferee = None;
      }
    }
    s.pendingConfIndex = 0;
  }

  // ---- Ready ------------------------------------------------------------------------------

  hasReady(): boolean {
    const s = this.s;
    const prev = s.prevHardState;
    return (
      s.msgs.length > 0 ||
      s.readStates.length > 0 ||
      s.log.stable < L.lastIndex(s.log) ||
      s.log.committed > s.log.applied ||
      s.term !== prev.term ||
      s.vote !== prev.vote ||
      s.log.committed !== prev.commit ||
      s.lead !== s.prevSoft.lead ||
      s.state !== s.prevSoft.state
    );
  }

  /** Take what is ready, and acknowledge it (rawnode's Ready + Advance in one step). */
  ready(): Ready {
    return this.readyInto({ soft: null, hardState: null, entries: EMPTY, committedEntries: EMPTY, messages: EMPTY_MSGS, readStates: EMPTY_READS });
  }

  /**
   * `ready`, filling in a Ready the caller owns (the etcd server's loop reuses one: a Ready per
   * step otherwise). Every field is overwritten; the arrays handed out are fresh or shared empties.
   *
   * With `reuse` (the etcd server's loop, which is done with a Ready before it asks for the next),
   * the lists of entries, committed entries and messages, and the HardState, are this view's own,
   * refilled on the next `readyInto(…, true)`: nothing allocated per Ready. The caller copies what
   * it keeps.
   */
  readyInto(rd: Ready, reuse = false): Ready {
    const s = this.s;
    const l = s.log;
    const prev = s.prevHardState;
    const hsChanged = s.term !== prev.term || s.vote !== prev.vote || l.committed !== prev.commit;
    const softChanged = s.lead !== s.prevSoft.lead || s.state !== s.prevSoft.state;
    rd.soft = softChanged ? { lead: s.lead, state: s.state } : null;
    if (!hsChanged) rd.hardState = null;
    else if (!reuse) rd.hardState = this.hardState();
    else {
      // The last HardState handed out is this view's own object, updated in place.
      let hs = this.ownHardState;
      if (hs === null || s.prevHardState !== hs) hs = this.ownHardState = this.hardState();
      else {
        hs.term = s.term;
        hs.vote = s.vote;
        hs.commit = l.committed;
      }
      rd.hardState = hs;
    }
    const li = L.lastIndex(l);
    if (!reuse) {
      rd.entries = l.stable < li ? L.unstableEntries(l) : EMPTY;
      rd.committedEntries = l.committed > l.applied ? L.nextEnts(l) : EMPTY;
    } else {
      rd.entries = l.stable < li ? fillFrom(this.ownEntries, l.ents, l.stable + 1, li + 1) : EMPTY;
      rd.committedEntries = l.committed > l.applied ? fillFrom(this.ownCommitted, l.ents, l.applied + 1, l.committed + 1) : EMPTY;
    }
    // An empty list is handed out as it is (what is sent while the Ready is handled lands in it).
    rd.messages = s.msgs;
    rd.readStates = s.readStates;
    if (s.msgs.length > 0) {
      if (reuse) {
        const spare = this.ownMsgs;
        while (spare.length > 0) spare.pop(); // pop keeps the backing store; `length = 0` drops it
        s.msgs = spare;
        this.ownMsgs = rd.messages;
      } else s.msgs = [];
    }
    if (s.readStates.length > 0) s.readStates = [];
    if (rd.entries.length > 0) {
      const last = rd.entries[rd.entries.length - 1]!;
      L.stableTo(s.log, last.index, last.term);
    }
    if (rd.committedEntries.length > 0) L.appliedTo(s.log, rd.committedEntries[rd.committedEntries.length - 1]!.index);
    if (rd.hardState) s.prevHardState = rd.hardState;
    if (rd.soft) s.prevSoft = { lead: s.lead, state: s.state };
    return rd;
  }
}

/** Convenience: step one message into a state. */
export function step(s: RaftState, m: Message, rng: RandSource): string | null {
  return new Raft(s, rng).step(m);
}

export function tick(s: RaftState, rng: RandSource): void {
  new Raft(s, rng).tick();
}

export { campaignTransfer, isLocalMsg };
