/**
 * One member of a multi-member etcd 3.4 cluster: the Raft node (./raft) under the KV server, with
 * the request deadlines and client-visible errors etcd 3.4 gives. It speaks the same message
 * contract as the single-member `etcd-server.ts` (etcdserverpb.KV/Range|Put|DeleteRange|Txn,
 * replies correlated by reqId), so the apiserver can talk to either.
 *
 * Models: etcd-io/etcd v3.4.23
 * - `etcdserver/raft.go` (raftNode: ticks every heartbeat interval, Ready handling: persist, send,
 *   apply; Raft config with CheckQuorum always on, PreVote from --pre-vote),
 * - `etcdserver/server.go` (adjustTicks: advance ElectionTicks-2 ticks once >1 peer is active;
 *   publish of member attributes; TransferLeadership on graceful stop; leadElectedTime),
 * - `etcdserver/v3_server.go` (processInternalRaftRequestOnce with ReqTimeout = 5s + 2×election,
 *   parseProposeCtxErr, linearizableReadLoop with ReadIndex, ErrLeaderChanged),
 * - `etcdserver/errors.go` and `etcdserver/api/v3rpc/rpctypes/error.go` (error texts),
 * - `etcdserver/server.go` AddMember/RemoveMember with --strict-reconfig-check (on by default):
 *   mayAddMember (`membership/cluster.go` IsReadyToAddVotingMember, isConnectedFullySince) and
 *   mayRemoveMember; a member that applies its own removal stops,
 * - `raft/node.go` (no leader: proposals block until the context ends — propc is nil).
 * Watch from a revision: ./watch.ts.
 * Leaves out: snapshots/compaction, leases, auth, the v2 store, read batching, the
 * applied-index wait timeout, gRPC gateway; connection tracking is approximated by the last time a
 * message arrived from each peer. Member ids are derived from names (etcd hashes peer URLs).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { logRecords, type Model, type Output, type StepEnv, type StepResult } from '../kernel/model';
import { deleteRange, lastStored, newMvcc, put, putOnly, range, txn, type KeyValue, type MvccState, type RangeRequest } from './mvcc';
import { KV_DELETE_RANGE, KV_PUT, KV_RANGE, KV_TXN, replyKind, type EtcdReply, type EtcdRequest } from './rpc';
import * as L from './raft/log';
import { WATCH, WATCH_EVENT, candidateKeys, newWatchState, pending, recordEvents, recordPut, type WatchRequest, type WatchState } from './watch';
import { Raft, newRaftState, type RaftState, type RandSource, type Ready, type StateType } from './raft/raft';
import { msg, None, type ConfChange, type Entry, type HardState, type Message } from './raft/types';

/** etcd's client-visible error texts (etcdserver/errors.go, v3rpc/rpctypes/error.go). */
export const ETCD_ERRORS = {
  timeout: 'etcdserver: request timed out',
  timeoutLeaderFail: 'etcdserver: request timed out, possibly due to previous leader failure',
  timeoutConnLost: 'etcdserver: request timed out, possibly due to connection lost',
  leaderChanged: 'etcdserver: leader changed',
  noLeader: 'etcdserver: no leader',
  stopped: 'etcdserver: server stopped',
  ctxDeadline: 'context deadline exceeded',
  unhealthy: 'etcdserver: unhealthy cluster',
  notEnoughStarted: 'etcdserver: re-configuration failed due to not enough started members',
  memberExists: 'etcdserver: member ID already exist',
  memberNotFound: 'etcdserver: member not found',
} as const;

/** etcdserverpb.Cluster: membership changes (one member at a time, as etcd 3.4 does them). */
export const MEMBER_ADD = 'etcdserverpb.Cluster/MemberAdd';
export const MEMBER_REMOVE = 'etcdserverpb.Cluster/MemberRemove';
export const MEMBER_LIST = 'etcdserverpb.Cluster/MemberList';

export interface MemberRequest {
  method: typeof MEMBER_ADD | typeof MEMBER_REMOVE | typeof MEMBER_LIST;
  reqId: string;
  /** Raft id of the member to add or remove. */
  id?: number;
  deadlineUs?: number;
  /** Set when a follower hands the request to the leader: where the answer goes. */
  replyTo?: string;
}

export interface MemberInfo {
  /** etcd's member id, 16 hex digits. */
  id: string;
  /** Raft id in the lab. */
  raftId: number;
  /** Empty until the member has started and published its name (etcdctl shows "unstarted"). */
  name: string;
  started: boolean;
}

/** etcd's HealthInterval: a peer must have been connected this long for a reconfiguration. */
const HEALTH_INTERVAL_US = 5_000_000;
/** rafthttp ConnReadTimeout: a peer silent this long has lost its stream. */
const CONN_READ_TIMEOUT_US = 5_000_000;

export const RAFT_MSG = 'raftpb.Message';
export const ETCD_STOP = 'etcd.graceful-stop';
export const ETCD_STATUS = 'etcdserverpb.Maintenance/Status';
/** rafthttp: peers dial each other's streams at start; an answer marks the peer active. */
export const PEER_HELLO = 'rafthttp.stream';
export const PEER_HELLO_ACK = 'rafthttp.stream.ack';

export interface MemberConfig {
  name: string;
  /** Raft id of this member (1..N). */
  id: number;
  /** Raft id → process id of every member of the initial cluster. */
  peers: Record<number, string>;
  /** Raft id → member name. */
  names: Record<number, string>;
  mode?: 'etcd' | 'paper';
  preVote?: boolean;
  /** --heartbeat-interval (µs); one Raft tick. Default 100 ms. */
  tickUs?: number;
  /** --election-timeout in ticks. Default 10. */
  electionTicks?: number;
  /** Time to fsync the WAL before messages that depend on it leave (µs). */
  fsyncUs?: number;
  /** ids that start as members (default: all peers). A member not listed joins later. */
  initialCluster?: number[];
}

interface PendingWrite {
  from: string;
  reqId: string;
  method: EtcdRequest['method'] | MemberRequest['method'];
  startUs: number;
  deadlineUs: number;
  proposed: boolean;
  data: unknown;
  /** A membership change: proposed as an EntryConfChange. */
  conf?: boolean;
}

interface PendingRead {
  from: string;
  reqId: string;
  request: RangeRequest;
  startUs: number;
  deadlineUs: number;
  /** Read index once known. */
  index: number | null;
}

export interface MemberState {
  cfg: MemberConfig;
  memberId: string;
  clusterId: string;
  raft: RaftState;
  mvcc: MvccState;
  appliedTerm: number;
  /** Records written to the persisted WAL so far. */
  walSeq: number;
  /**
   * The last HardState written whole to the WAL: a record that only moves the commit index on
   * (term and vote unchanged) refers to its term and vote.
   */
  walHs: HardState | null;
  /** Keyed by proposal id, in arrival order (a Map: ids come and go by the thousand). */
  writes: Map<string, PendingWrite>;
  /** Proposal ids waiting for a leader (node.Propose blocks while propc is nil). */
  queued: string[];
  reads: Map<string, PendingRead>;
  seq: number;
  lead: number;
  leadElectedUs: number | null;
  /** Raft id → last time a message arrived from it (µs). */
  lastHeard: Record<number, number>;
  /**
   * Raft id → since when its connection is up (rafthttp ActiveSince): the first message after a
   * silence longer than ConnReadTimeout (5 s), or ever.
   */
  activeSince: Record<number, number>;
  startedUs: number;
  ticksAdjusted: boolean;
  published: boolean;
  members: Record<number, string>;
  /** Raft ids of members that have published their attributes (membership.Member.IsStarted). */
  started: Record<number, boolean>;
  stopping: { transferee: number; sinceUs: number } | null;
  watch: WatchState;
  /** When the one deadline timer fires (the earliest pending request deadline), or null. */
  deadlineAt: number | null;
  exitReady: boolean;
  raftRand: number;
}

export const memberIdOf = (name: string, cluster = 'kubelab'): string => bytesToHex(sha256(new TextEncoder().encode(`${cluster}/${name}`))).slice(0, 16);

/**
 * The WAL, as etcd's `wal/` package writes it: one record per Ready — the new entries (which
 * replace any persisted entries from their first index on) and the HardState — appended to the
 * kernel's durable log `wal` (an `append` output: a 60 s run writes some 10,000 records per
 * member, and an append costs the same however long the log is); a restart replays the records
 * in order. A record holds no more than it must (half of them are a commit index moving on, the
 * other half one new entry): `{ ents, hs }`; or, for a Ready without a HardState, its entries
 * (the one Entry itself when there is one); or, for a Ready without entries, its HardState — just
 * the commit index (a number) when the term and vote are those of the HardState before it. A WAL may also hold records in an older layout, one key
 * `wal/<seq>` each, and start with a snapshot (`raft/hardstate` + one `raft/ent/<index>` per
 * entry), as tower-fleet-ha seeds it; those replay first.
 */
const HS_KEY = 'raft/hardstate';
const ENT_PREFIX = 'raft/ent/';
const WAL_REC_PREFIX = 'wal/';
const WAL_LOG = 'wal';

interface WalRecord {
  ents?: Entry[];
  hs?: HardState;
}

/** Replay what was persisted: the entries and the last HardState (undefined: never started). */
export function replayWal(persisted: ReadonlyMap<string, unknown>): { hs: HardState | undefined; entries: Entry[]; records: number } {
  let hs = persisted.get(HS_KEY) as HardState | undefined;
  const entries: Entry[] = [];
  const recs: [number, WalRecord][] = [];
  const legacy: string[] = [];
  for (const k of persisted.keys()) {
    if (k.startsWith(WAL_REC_PREFIX)) recs.push([Number(k.slice(WAL_REC_PREFIX.length)), persisted.get(k) as WalRecord]);
    else if (k.startsWith(ENT_PREFIX)) legacy.push(k);
  }
  for (const k of legacy.sort()) entries.push(persisted.get(k) as Entry);
  recs.sort((a, b) => a[0] - b[0]);
  const replay = (r: WalRecord) => {
    if (r.ents && r.ents.length > 0) {
      const keep = r.ents[0]!.index - 1;
      if (keep < entries.length) entries.length = keep;
      for (const e of r.ents) entries.push(e);
    }
    if (r.hs) hs = r.hs;
  };
  for (const [, r] of recs) replay(r);
  const log = logRecords(persisted, WAL_LOG);
  for (const r of log) {
    if (typeof r === 'number') replay({ hs: { term: hs!.term, vote: hs!.vote, commit: r } });
    else if (Array.isArray(r)) replay({ ents: r as Entry[] });
    else if ('ents' in (r as object)) replay(r as WalRecord);
    else if ('index' in (r as object)) replay({ ents: [r as Entry] });
    else replay({ hs: r as HardState });
  }
  return { hs, entries, records: (recs.length === 0 ? 0 : recs[recs.length - 1]![0] + 1) + log.length };
}

type SendOutput = Extract<Output, { type: 'send' }>;
type AppendOutput = Extract<Output, { type: 'append' }>;

/** The kernel's seeded stream as Raft's random source (a class: no closure per step). */
class EnvRand implements RandSource {
  constructor(public env: StepEnv) {}
  intn(n: number): number {
    return this.env.rng.int(0, n - 1);
  }
}
const randOf = (env: StepEnv): RandSource => new EnvRand(env);

/** The Ready that `drain` fills in, one at a time (nothing keeps it past its iteration). */
const scratchReady: Ready = { soft: null, hardState: null, entries: [], committedEntries: [], messages: [], readStates: [] };

/** One Raft view per RaftState, reused across steps (only its random source changes). */
const views = new WeakMap<RaftState, Raft>();
function raftView(s: RaftState, env: StepEnv): Raft {
  let r = views.get(s);
  if (r === undefined) {
    r = new Raft(s, randOf(env));
    views.set(s, r);
  } else (r.rng as EnvRand).env = env;
  return r;
}

/**
 * The requests a Ready's committed entries answer, in order: id, result, and the pending write
 * when applyEntry looked it up (to reply without a second lookup). Parallel lists drain empties
 * (by pop, which keeps their backing stores) for each Ready: nothing is allocated per entry.
 */
interface Answers {
  ids: string[];
  results: unknown[];
  writes: (PendingWrite | undefined)[];
}

const answers: Answers = { ids: [], results: [], writes: [] };

function answer(out: Answers, id: string, result: unknown, w: PendingWrite | undefined): void {
  out.ids.push(id);
  out.results.push(result);
  out.writes.push(w);
}

function clearAnswers(a: Answers): void {
  while (a.ids.length > 0) {
    a.ids.pop();
    a.results.pop();
    a.writes.pop();
  }
}

function applyEntry(s: MemberState, e: Entry, out: Answers): void {
  s.appliedTerm = e.term;
  if (e.type === 'EntryConfChange') {
    const cc = e.data as ConfChange;
    if (cc.type === 'ConfChangeAddNode') s.members[cc.nodeId] = s.cfg.names[cc.nodeId] ?? `m${cc.nodeId}`;
    else {
      delete s.members[cc.nodeId];
      delete s.started[cc.nodeId];
    }
    if (cc.id) answer(out, cc.id, memberListResult(s, cc.nodeId), undefined);
    return;
  }
  const d = e.data as { id?: string; req?: EtcdRequest; kind?: string; name?: string } | undefined;
  if (d && d.kind === 'publish') {
    for (const [id, name] of Object.entries(s.cfg.names)) if (name === d.name) s.started[Number(id)] = true;
    return;
  }
  if (!d || !d.req) return;
  const prevRevision = s.mvcc.revision;
  let result: unknown;
  if (d.req.method === KV_PUT) {
    // The common case, without the candidate-key map: one key, one PUT event.
    const p = d.req.request;
    // Only the member that took the request answers it: the others need no response object.
    const w = d.id ? s.writes.get(d.id) : undefined;
    if (w !== undefined) answer(out, d.id!, put(s.mvcc, p), w);
    else putOnly(s.mvcc, p);
    recordPut(s.watch, s.mvcc, lastStored()!, prevRevision);
    return;
  }
  const before = new Map<string, KeyValue | undefined>();
  for (const k of candidateKeys(s.mvcc, d.req)) before.set(k, s.mvcc.kvs.get(k));
  switch (d.req.method) {
    case KV_DELETE_RANGE:
      result = deleteRange(s.mvcc, d.req.request);
      break;
    case KV_TXN:
      result = txn(s.mvcc, d.req.request);
      break;
    default:
      return;
  }
  recordEvents(s.watch, s.mvcc, before, prevRevision);
  if (d.id && s.writes.has(d.id)) answer(out, d.id, result, undefined);
}

/**
 * The numeric keys of a record (Raft ids), in key order, pushed one by one into a literal: the list
 * `keys.map(Number)` makes may be a list of doubles (V8 picks its kind from earlier lists), and a
 * double id turns the fields of every message and entry it reaches into boxed doubles.
 */
function numericKeys(r: Record<number, unknown>): number[] {
  const out: number[] = [];
  for (const k of Object.keys(r)) out.push(Number(k));
  return out;
}

/** The membership as this member has applied it, by member ID (membership.MembersByID). */
export function memberInfos(s: MemberState): MemberInfo[] {
  return numericKeys(s.members)
    .map((raftId) => ({ id: memberIdOf(s.cfg.names[raftId] ?? `m${raftId}`), raftId, name: s.started[raftId] ? s.cfg.names[raftId] ?? `m${raftId}` : '', started: s.started[raftId] === true }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function memberListResult(s: MemberState, changed: number): { member: MemberInfo | null; members: MemberInfo[] } {
  const members = memberInfos(s);
  return { member: members.find((m) => m.raftId === changed) ?? { id: memberIdOf(s.cfg.names[changed] ?? `m${changed}`), raftId: changed, name: '', started: false }, members };
}

function header(s: MemberState): NonNullable<EtcdReply['header']> {
  return { cluster_id: s.clusterId, member_id: s.memberId, revision: s.mvcc.revision, raft_term: s.appliedTerm };
}

export function etcdMember(cfg: MemberConfig): Model<MemberState> {
  const tickUs = cfg.tickUs ?? 100_000;
  const electionTicks = cfg.electionTicks ?? 10;
  const fsyncUs = cfg.fsyncUs ?? 800;
  const reqTimeoutUs = 5_000_000 + 2 * electionTicks * tickUs;
  const etcdMode = (cfg.mode ?? 'etcd') === 'etcd';
  const ids = numericKeys(cfg.peers).sort((a, b) => a - b);
  const initial = cfg.initialCluster ?? ids;
  let lastRaft: RaftState | null = null;
  let lastView: Raft | null = null;
  /**
   * The outputs list and result `step` hands back, one of each per model, refilled on every call:
   * the kernel is done with them (it applies the outputs at once) before it steps a process again.
   * Emptied by pop, which keeps the list's backing store (a list per step otherwise: 60,000 a minute).
   */
  const outs: Output[] = [];
  const result: StepResult<MemberState> = { state: null as unknown as MemberState, outputs: outs };
  /**
   * The send and append outputs of the hot paths (a Raft message, a reply, a WAL record), reused
   * the same way: the kernel reads an output's fields when it applies it and keeps no output.
   * `step` starts each pool over; one grows to the most outputs one step has made.
   */
  const sendPool: SendOutput[] = [];
  let sendsUsed = 0;
  const appendPool: AppendOutput[] = [];
  let appendsUsed = 0;

  function pushSend(out: Output[], to: string, kind: string, payload: unknown, afterUs: number): void {
    let o = sendPool[sendsUsed];
    if (o === undefined) {
      o = { type: 'send', to, kind, payload, afterUs };
      sendPool.push(o);
    } else {
      o.to = to;
      o.kind = kind;
      o.payload = payload;
      o.afterUs = afterUs;
    }
    sendsUsed++;
    out.push(o);
  }

  function pushAppend(out: Output[], key: string, value: unknown): void {
    let o = appendPool[appendsUsed];
    if (o === undefined) {
      o = { type: 'append', key, value };
      appendPool.push(o);
    } else {
      o.key = key;
      o.value = value;
    }
    appendsUsed++;
    out.push(o);
  }

  function init(persisted: ReadonlyMap<string, unknown>, env: StepEnv): MemberState {
    const rng = randOf(env);
    const wal = replayWal(persisted);
    const hs = wal.hs;
    const raftCfg = { id: cfg.id, electionTick: electionTicks, heartbeatTick: 1, checkQuorum: etcdMode, preVote: cfg.preVote ?? false };
    let raft: RaftState;
    const members: Record<number, string> = {};
    if (hs) {
      const entries = wal.entries;
      // Membership is rebuilt from the committed ConfChange entries, as etcd replays its WAL.
      const peers = new Set<number>();
      for (const e of entries.slice(0, hs.commit)) {
        if (e.type !== 'EntryConfChange') continue;
        const cc = e.data as ConfChange;
        if (cc.type === 'ConfChangeAddNode') peers.add(cc.nodeId);
        else peers.delete(cc.nodeId);
      }
      raft = newRaftState({ ...raftCfg, peers: [...peers], hardState: hs, entries }, rng);
    } else if (initial.includes(cfg.id)) {
      // raft/bootstrap.go: one ConfChangeAddNode per initial member, committed at term 1.
      const entries: Entry[] = initial.map((id, i) => ({ term: 1, index: i + 1, type: 'EntryConfChange', data: { type: 'ConfChangeAddNode', nodeId: id } }));
      raft = newRaftState({ ...raftCfg, peers: initial, hardState: { term: 1, vote: None, commit: entries.length }, entries }, rng);
      raft.log.stable = 0;
      raft.prevHardState = { term: 0, vote: 0, commit: 0 };
    } else {
      // A member added to a running cluster starts with an empty log and learns the rest.
      raft = newRaftState({ ...raftCfg, peers: [] }, rng);
    }
    const s: MemberState = {
      cfg,
      memberId: memberIdOf(cfg.name),
      clusterId: memberIdOf('cluster'),
      raft,
      mvcc: newMvcc(),
      appliedTerm: 0,
      walSeq: wal.records,
      walHs: wal.hs ?? null,
      writes: new Map(),
      queued: [],
      reads: new Map(),
      seq: 0,
      lead: None,
      leadElectedUs: null,
      lastHeard: {},
      activeSince: {},
      startedUs: env.now,
      ticksAdjusted: false,
      published: false,
      members,
      started: {},
      stopping: null,
      watch: newWatchState(),
      deadlineAt: null,
      exitReady: false,
      raftRand: 0,
    };
    return s;
  }

  function isConnectedSince(s: MemberState, id: number, since: number): boolean {
    const h = s.lastHeard[id];
    return h !== undefined && h >= since && s.startedUs <= since;
  }

  function heard(s: MemberState, id: number, now: number): void {
    const last = s.lastHeard[id];
    if (last === undefined || now - last > CONN_READ_TIMEOUT_US) s.activeSince[id] = now;
    s.lastHeard[id] = now;
  }

  /**
   * server.go isConnectedFullySince for a reconfiguration: connected (heard within
   * ConnReadTimeout) and connected since before `since`. Followers hear each other only at start
   * (the model has no rafthttp link heartbeats), so a follower hands reconfigurations to the leader.
   */
  function connectedSince(s: MemberState, id: number, since: number, now: number): boolean {
    const a = s.activeSince[id];
    const h = s.lastHeard[id];
    return a !== undefined && h !== undefined && a <= since && now - h <= CONN_READ_TIMEOUT_US;
  }

  /** etcdserver/v3_server.go parseProposeCtxErr for a deadline. */
  function proposeTimeoutError(s: MemberState, start: number): string {
    const elected = s.leadElectedUs;
    if (elected !== null) {
      const prevLeadLost = elected - 2 * electionTicks * tickUs;
      if (start > prevLeadLost && start < elected) return ETCD_ERRORS.timeoutLeaderFail;
    }
    const lead = s.raft.lead;
    if (lead === cfg.id) {
      const connected = ids.filter((id) => id !== cfg.id && isConnectedSince(s, id, start)).length + 1;
      if (connected < Math.floor(ids.length / 2) + 1) return ETCD_ERRORS.timeoutConnLost;
    } else if (lead !== None) {
      if (!isConnectedSince(s, lead, start)) return ETCD_ERRORS.timeoutConnLost;
    }
    return ETCD_ERRORS.timeout;
  }

  function reply(out: Output[], s: MemberState, to: string, reqId: string, method: EtcdReply['method'] | MemberRequest['method'], body: { response?: unknown; error?: string; code?: string }, afterUs = 0): void {
    // A membership reply has the KV reply's envelope (reqId, header, response | error).
    const m = method as EtcdReply['method'];
    const r: EtcdReply & { code?: string } = body.error ? { reqId, method: m, error: body.error } : { reqId, method: m, header: header(s), response: body.response };
    if (body.code) r.code = body.code;
    pushSend(out, to, replyKind(method), r, afterUs);
  }

  function propose(s: MemberState, r: Raft, id: string, pending?: PendingWrite): void {
    const w = pending ?? s.writes.get(id);
    if (!w) return;
    const err = r.step(msg({ type: 'MsgProp', from: cfg.id, entries: [w.conf ? { term: 0, index: 0, type: 'EntryConfChange', data: w.data } : { term: 0, index: 0, data: w.data }] }));
    if (err) s.queued.push(id);
    else w.proposed = true;
  }

  /** Hand Ready to storage, the network and the state machine (etcdserver/raft.go start()). */
  function drain(s: MemberState, r: Raft, env: StepEnv, out: Output[]): void {
    for (let guard = 0; guard < 100 && r.hasReady(); guard++) {
      const rd = r.readyInto(scratchReady, true);
      let diskUs = 0;
      if (rd.soft) onSoftState(s, r, rd.soft, env, out);
      if (rd.entries.length > 0 || rd.hardState) {
        // One WAL record per Ready (wal.Save(st, ents)), then one fsync. The entries are immutable:
        // the kernel may keep them as is. The list of entries and the HardState are the Raft view's
        // own (refilled on the next Ready): a record that holds one gets a copy. `walHs` is the
        // last HardState written whole (a record of just the commit index keeps its term and vote).
        const ents = rd.entries;
        const hs = rd.hardState;
        let rec: unknown;
        if (ents.length === 0) {
          if (s.walHs !== null && hs!.term === s.walHs.term && hs!.vote === s.walHs.vote) rec = hs!.commit;
          else rec = s.walHs = { term: hs!.term, vote: hs!.vote, commit: hs!.commit };
        } else if (hs !== null) {
          const whole: HardState = { term: hs.term, vote: hs.vote, commit: hs.commit };
          rec = { ents: ents.slice(), hs: whole };
          s.walHs = whole;
        } else rec = ents.length === 1 ? ents[0] : ents.slice();
        pushAppend(out, WAL_LOG, rec);
        s.walSeq++;
        diskUs = fsyncUs;
      }
      // The leader sends in parallel with its disk write; followers only after (raft.go: isLeader).
      const sendAfter = s.raft.state === 'StateLeader' ? 0 : diskUs;
      for (const m of rd.messages) {
        const to = cfg.peers[m.to];
        if (to) pushSend(out, to, RAFT_MSG, m, sendAfter);
      }
      if (rd.committedEntries.length > 0) {
        const done = answers;
        clearAnswers(done);
        for (const e of rd.committedEntries) {
          applyEntry(s, e, done);
          if (e.type === 'EntryConfChange') {
            const cc = e.data as ConfChange;
            r.applyConfChange(cc);
            // server.go: "the member has been permanently removed from the cluster" — it stops.
            if (cc.type === 'ConfChangeRemoveNode' && cc.nodeId === cfg.id && !s.exitReady) {
              s.exitReady = true;
              out.push({ type: 'note', kind: 'etcd.exit', data: { member: cfg.name, newLeader: null, removed: true } });
            }
          }
        }
        for (let i = 0; i < done.ids.length; i++) {
          const id = done.ids[i]!;
          let w = done.writes[i];
          if (w === undefined) {
            w = s.writes.get(id);
            if (!w) continue;
            s.writes.delete(id);
          } else if (!s.writes.delete(id)) continue; // answered already (the same id twice)
          reply(out, s, w.from, w.reqId, w.method, { response: done.results[i] }, diskUs + 50);
        }
        clearAnswers(done);
        if (s.watch.watchers.length > 0) flushWatchers(s, out);
      }
      for (const rs of rd.readStates) {
        const rd2 = s.reads.get(rs.requestCtx);
        if (rd2) rd2.index = rs.index;
      }
      if (rd.readStates.length > 0 || rd.committedEntries.length > 0) serveReads(s, out);
    }
  }

  function flushWatchers(s: MemberState, out: Output[]): void {
    for (const w of s.watch.watchers) {
      const events = pending(s.watch, w);
      if (events.length > 0) out.push({ type: 'send', to: w.to, kind: WATCH_EVENT, payload: { reqId: w.reqId, header: header(s), watch_id: w.id, events }, afterUs: 50 });
    }
  }

  function serveReads(s: MemberState, out: Output[]): void {
    if (s.reads.size === 0) return;
    for (const [ctx, rd] of s.reads) {
      if (rd.index === null || s.raft.log.applied < rd.index) continue;
      s.reads.delete(ctx);
      reply(out, s, rd.from, rd.reqId, KV_RANGE, { response: range(s.mvcc, rd.request) }, 120);
    }
  }

  function onSoftState(s: MemberState, r: Raft, soft: { lead: number; state: StateType }, env: StepEnv, out: Output[]): void {
    const newLeader = soft.lead !== None && soft.lead !== s.lead;
    const lost = soft.lead === None && s.lead !== None;
    if (newLeader) {
      if (soft.lead === cfg.id) s.leadElectedUs = env.now;
      out.push({ type: 'note', kind: 'etcd.leader', data: { member: cfg.name, leader: cfg.names[soft.lead] ?? String(soft.lead), term: s.raft.term } });
      // linearizableReadLoop: a new leader fails the reads in flight with a retryable error.
      for (const [ctx, rd] of s.reads) {
        s.reads.delete(ctx);
          reply(out, s, rd.from, rd.reqId, KV_RANGE, { error: ETCD_ERRORS.leaderChanged });
      }
    }
    if (s.lead === cfg.id && soft.lead !== cfg.id) out.push({ type: 'note', kind: 'etcd.step-down', data: { member: cfg.name, term: s.raft.term, state: soft.state } });
    if (lost) out.push({ type: 'note', kind: 'etcd.leader-lost', data: { member: cfg.name, was: cfg.names[s.lead] ?? String(s.lead), term: s.raft.term, state: soft.state } });
    s.lead = soft.lead;
    if (soft.lead !== None) {
      // node.go: propc is live again; the blocked proposals go in.
      const q = s.queued;
      s.queued = [];
      for (const id of q) propose(s, r, id);
      if (!s.published) {
        // server.go publish(): the member's attributes go through Raft once it has a leader.
        s.published = true;
        r.step(msg({ type: 'MsgProp', from: cfg.id, entries: [{ term: 0, index: 0, data: { kind: 'publish', name: cfg.name } }] }));
        if (soft.lead === cfg.id && s.raft.log.committed <= ids.length) r.step(msg({ type: 'MsgProp', from: cfg.id, entries: [{ term: 0, index: 0, data: { kind: 'cluster-version', version: '3.4.0' } }] }));
      }
    }
  }

  /** One timer for the earliest deadline (instead of one per request: fewer kernel events). */
  function armDeadline(s: MemberState, out: Output[], env: StepEnv, deadlineUs: number): void {
    if (s.deadlineAt === null || deadlineUs < s.deadlineAt) {
      s.deadlineAt = deadlineUs;
      out.push({ type: 'timer', name: 'deadline', afterUs: Math.max(0, deadlineUs - env.now) });
    }
  }

  function onDeadline(s: MemberState, out: Output[], env: StepEnv): void {
    s.deadlineAt = null;
    const seqOf = (id: string) => Number(id.slice(id.indexOf('-') + 1));
    const expired: { seq: number; deadline: number; id: string; write: PendingWrite | null; read: PendingRead | null }[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const [id, w] of s.writes) {
      if (w.deadlineUs > env.now) {
        next = Math.min(next, w.deadlineUs);
        continue;
      }
      expired.push({ seq: seqOf(id), deadline: w.deadlineUs, id, write: w, read: null });
    }
    for (const [ctx, rd] of s.reads) {
      if (rd.deadlineUs > env.now) {
        next = Math.min(next, rd.deadlineUs);
        continue;
      }
      expired.push({ seq: seqOf(ctx), deadline: rd.deadlineUs, id: ctx, write: null, read: rd });
    }
    if (expired.length > 0) {
      expired.sort((a, b) => a.deadline - b.deadline || a.seq - b.seq);
      // The expired writes leave the proposals waiting for a leader, all at once (one pass, not one per write).
      let gone: Set<string> | null = null;
      for (const e of expired) if (e.write !== null) (gone ??= new Set()).add(e.id);
      if (gone !== null) {
        const drop = gone;
        s.queued = s.queued.filter((q) => !drop.has(q));
      }
      for (const e of expired) {
        const w = e.write;
        if (w !== null) {
          s.writes.delete(e.id);
          // Never proposed (no leader): node.Propose returns ctx.Err() itself, unwrapped.
          if (!w.proposed) reply(out, s, w.from, w.reqId, w.method, { error: ETCD_ERRORS.ctxDeadline, code: 'Unknown' });
          else reply(out, s, w.from, w.reqId, w.method, { error: proposeTimeoutError(s, w.startUs) });
        } else {
          const rd = e.read!;
          s.reads.delete(e.id);
          reply(out, s, rd.from, rd.reqId, KV_RANGE, { error: ETCD_ERRORS.timeout });
        }
      }
    }
    if (next !== Number.POSITIVE_INFINITY) armDeadline(s, out, env, next);
  }

  /** server.go mayAddMember / mayRemoveMember (--strict-reconfig-check). Returns an error text or null. */
  function mayReconfigure(s: MemberState, req: MemberRequest, now: number): string | null {
    const voting = numericKeys(s.members);
    const id = req.id!;
    if (req.method === MEMBER_ADD) {
      if (s.members[id] !== undefined) return ETCD_ERRORS.memberExists;
      // cluster.go IsReadyToAddVotingMember: after the add, the started members must be a quorum
      // (except 1 → 2, allowed to restore a cluster from one member).
      const nmembers = voting.length + 1;
      const nstarted = voting.filter((v) => s.started[v]).length;
      if (!(nstarted === 1 && nmembers === 2) && nstarted < Math.floor(nmembers / 2) + 1) return ETCD_ERRORS.notEnoughStarted;
      // isConnectedFullySince(now − HealthInterval): connected to every voting peer for 5 s.
      for (const v of voting) if (v !== cfg.id && !connectedSince(s, v, now - HEALTH_INTERVAL_US, now)) return ETCD_ERRORS.unhealthy;
      return null;
    }
    if (s.members[id] === undefined) return ETCD_ERRORS.memberNotFound;
    // IsReadyToRemoveVotingMember: the started members left must be a quorum of those left.
    const left = voting.filter((v) => v !== id);
    const startedLeft = left.filter((v) => s.started[v]).length;
    if (startedLeft < Math.floor(left.length / 2) + 1) return ETCD_ERRORS.notEnoughStarted;
    // A member that is down can go: it is not part of the active quorum.
    if (id !== cfg.id && s.lastHeard[id] === undefined) return null;
    const active = voting.filter((v) => v === cfg.id || connectedSince(s, v, now - HEALTH_INTERVAL_US, now)).length;
    if (active - 1 < 1 + Math.floor((voting.length - 1) / 2)) return ETCD_ERRORS.unhealthy;
    return null;
  }

  function onMemberRequest(s: MemberState, r: Raft, from: string, req: MemberRequest, env: StepEnv, out: Output[]): void {
    const replyKindOf = `${req.method}.reply`;
    if (req.method === MEMBER_LIST) {
      // 3.4 serves the member list from the local member's view, without a quorum.
      out.push({ type: 'send', to: from, kind: replyKindOf, payload: { reqId: req.reqId, header: header(s), response: { members: memberInfos(s) } }, afterUs: 100 });
      return;
    }
    // The lab's followers do not track each other's connections (rafthttp's idle link heartbeats
    // are not modelled), so a follower hands a reconfiguration to the leader, which judges it.
    const lead = s.raft.lead;
    if (lead !== None && lead !== cfg.id && req.replyTo === undefined && cfg.peers[lead]) {
      out.push({ type: 'send', to: cfg.peers[lead]!, kind: req.method, payload: { ...req, replyTo: from } });
      return;
    }
    const replyTo = req.replyTo ?? from;
    const err = mayReconfigure(s, req, env.now);
    if (err) {
      out.push({ type: 'send', to: replyTo, kind: replyKindOf, payload: { reqId: req.reqId, error: err }, afterUs: 50 });
      return;
    }
    const deadlineUs = Math.min(env.now + reqTimeoutUs, req.deadlineUs ?? Number.MAX_SAFE_INTEGER);
    const id = `${cfg.id}-${++s.seq}`;
    const cc: ConfChange = { type: req.method === MEMBER_ADD ? 'ConfChangeAddNode' : 'ConfChangeRemoveNode', nodeId: req.id!, id };
    s.writes.set(id, { from: replyTo, reqId: req.reqId, method: req.method, startUs: env.now, deadlineUs, proposed: false, data: cc, conf: true });
    armDeadline(s, out, env, deadlineUs);
    if (s.raft.lead === None) s.queued.push(id);
    else propose(s, r, id);
  }

  function onRequest(s: MemberState, r: Raft, from: string, req: EtcdRequest & { deadlineUs?: number }, env: StepEnv, out: Output[]): void {
    const deadlineUs = Math.min(env.now + reqTimeoutUs, req.deadlineUs ?? Number.MAX_SAFE_INTEGER);
    if (req.method === KV_RANGE) {
      if (req.request.serializable) {
        reply(out, s, from, req.reqId, KV_RANGE, { response: range(s.mvcc, req.request) }, 120);
        return;
      }
      const ctx = `${cfg.id}-${++s.seq}`;
      s.reads.set(ctx, { from, reqId: req.reqId, request: req.request, startUs: env.now, deadlineUs, index: null });
      armDeadline(s, out, env, deadlineUs);
      r.step(msg({ type: 'MsgReadIndex', from: cfg.id, entries: [{ term: 0, index: 0, data: ctx }] }));
      return;
    }
    const id = `${cfg.id}-${++s.seq}`;
    const w: PendingWrite = { from, reqId: req.reqId, method: req.method, startUs: env.now, deadlineUs, proposed: false, data: { id, req: { method: req.method, reqId: req.reqId, request: req.request } } };
    s.writes.set(id, w);
    armDeadline(s, out, env, deadlineUs);
    if (s.raft.lead === None) s.queued.push(id);
    else propose(s, r, id, w);
  }

  return {
    type: 'etcd',
    init,
    step(s, input, env) {
      const out = outs;
      while (out.length > 0) out.pop();
      sendsUsed = 0;
      appendsUsed = 0;
      // The view of the last RaftState stepped (a process steps the same one until it restarts).
      let r: Raft;
      if (s.raft === lastRaft) {
        r = lastView!;
        (r.rng as EnvRand).env = env;
      } else {
        r = raftView(s.raft, env);
        lastRaft = s.raft;
        lastView = r;
      }
      switch (input.type) {
        case 'start': {
          s.startedUs = env.now;
          // Each member's tick has its own phase.
          out.push({ type: 'timer', name: 'tick', afterUs: env.rng.int(1, tickUs) });
          if (etcdMode) out.push({ type: 'timer', name: 'adjust-ticks', afterUs: 50_000 });
          for (const id of ids) if (id !== cfg.id) out.push({ type: 'send', to: cfg.peers[id]!, kind: PEER_HELLO, payload: { from: cfg.id } });
          out.push({ type: 'note', kind: 'etcd.started', data: { member: cfg.name, term: s.raft.term, lastIndex: L.lastIndex(s.raft.log) } });
          break;
        }
        case 'timer': {
          if (input.name === 'tick') {
            r.tick();
            out.push({ type: 'timer', name: 'tick', afterUs: tickUs });
            if (s.stopping && s.raft.lead !== cfg.id && s.raft.lead !== None && !s.exitReady) {
              s.exitReady = true;
              out.push({ type: 'note', kind: 'etcd.exit', data: { member: cfg.name, newLeader: cfg.names[s.raft.lead] } });
            } else if (s.stopping && !s.exitReady && env.now - s.stopping.sinceUs >= reqTimeoutUs) {
              s.exitReady = true;
              out.push({ type: 'note', kind: 'etcd.exit', data: { member: cfg.name, newLeader: null } });
            }
          } else if (input.name === 'adjust-ticks') {
            // server.go adjustTicks: wait (≤ 5 s, every 50 ms) for >1 active peer, then advance
            // ElectionTicks-2 ticks; a single-member cluster advances ElectionTicks-1 at once.
            const voters = Object.keys(s.raft.prs).length;
            const active = Object.keys(s.lastHeard).length;
            if (voters <= 1) {
              for (let i = 0; i < electionTicks - 1; i++) r.tick();
            } else if (active > 1 || (voters === 2 && active > 0)) {
              for (let i = 0; i < electionTicks - 2; i++) r.tick();
            } else if (env.now - s.startedUs < 5_000_000) out.push({ type: 'timer', name: 'adjust-ticks', afterUs: 50_000 });
          } else if (input.name === 'deadline') {
            onDeadline(s, out, env);
          }
          break;
        }
        case 'message': {
          if (input.kind === RAFT_MSG) {
            const m = input.payload as Message;
            heard(s, m.from, env.now);
            r.step(m);
          } else if (input.kind === PEER_HELLO || input.kind === PEER_HELLO_ACK) {
            const from = (input.payload as { from: number }).from;
            heard(s, from, env.now);
            if (input.kind === PEER_HELLO) out.push({ type: 'send', to: input.from, kind: PEER_HELLO_ACK, payload: { from: cfg.id } });
          } else if (input.kind === WATCH) {
            const req = input.payload as WatchRequest;
            const w = { id: s.watch.nextId++, to: input.from, reqId: req.reqId, key: req.key, range_end: req.range_end, next: req.start_revision && req.start_revision > 0 ? req.start_revision : s.mvcc.revision + 1 };
            s.watch.watchers.push(w);
            out.push({ type: 'send', to: input.from, kind: `${WATCH}.reply`, payload: { reqId: req.reqId, header: header(s), watch_id: w.id, created: true }, afterUs: 50 });
            flushWatchers(s, out);
          } else if (input.kind === ETCD_STATUS) {
            const p = input.payload as { reqId: string };
            out.push({ type: 'send', to: input.from, kind: `${ETCD_STATUS}.reply`, payload: { reqId: p.reqId, status: endpointStatus(s) }, afterUs: 100 });
          } else if (input.kind === MEMBER_ADD || input.kind === MEMBER_REMOVE || input.kind === MEMBER_LIST) {
            onMemberRequest(s, r, input.from, input.payload as MemberRequest, env, out);
          } else if (input.kind === KV_RANGE || input.kind === KV_PUT || input.kind === KV_DELETE_RANGE || input.kind === KV_TXN) {
            onRequest(s, r, input.from, input.payload as EtcdRequest, env, out);
          }
          break;
        }
        case 'command': {
          if (input.kind === ETCD_STOP) {
            // server.go Stop(): a leader first hands leadership to a connected peer.
            if (s.raft.state === 'StateLeader' && Object.keys(s.raft.prs).length > 1) {
              const peers: number[] = [];
              for (const id of numericKeys(s.raft.prs)) if (id !== cfg.id) peers.push(id);
              peers.sort((a, b) => (s.lastHeard[b] ?? -1) - (s.lastHeard[a] ?? -1) || a - b);
              const t = peers[0]!;
              s.stopping = { transferee: t, sinceUs: env.now };
              out.push({ type: 'note', kind: 'etcd.transfer-leadership', data: { member: cfg.name, to: cfg.names[t] } });
              r.step(msg({ type: 'MsgTransferLeader', from: t, to: cfg.id }));
            } else {
              s.stopping = { transferee: None, sinceUs: env.now };
              s.exitReady = true;
              out.push({ type: 'note', kind: 'etcd.exit', data: { member: cfg.name, newLeader: null } });
            }
          } else if (input.kind === 'etcd.add-member') {
            const id = Number((input.payload as { id: number }).id);
            r.step(msg({ type: 'MsgProp', from: cfg.id, entries: [{ term: 0, index: 0, type: 'EntryConfChange', data: { type: 'ConfChangeAddNode', nodeId: id } }] }));
          }
          break;
        }
      }
      drain(s, r, env, out);
      result.state = s;
      return result;
    },
  };
}

export interface EndpointStatus {
  name: string;
  /** The client URL's host:port, as etcdctl's ENDPOINT column shows it (set by the caller). */
  endpoint?: string;
  clusterId: string;
  memberId: string;
  /** The store's revision (the response header's). */
  revision: number;
  version: string;
  dbSize: number;
  dbSizeInUse: number;
  leader: string;
  isLeader: boolean;
  isLearner: boolean;
  raftTerm: number;
  raftIndex: number;
  raftAppliedIndex: number;
  errors: string[];
  /** The live Raft term and role, which etcdctl does not show. */
  liveTerm: number;
  role: StateType;
}

/** What `etcdctl endpoint status` reads (api/v3rpc/maintenance.go Status). */
export function endpointStatus(s: MemberState): EndpointStatus {
  const leader = s.raft.lead === None ? '0' : memberIdOf(s.cfg.names[s.raft.lead] ?? String(s.raft.lead));
  const dbSize = 20480 + 4096 * Math.floor(s.mvcc.revision / 64);
  return {
    name: s.cfg.name,
    clusterId: s.clusterId,
    memberId: s.memberId,
    revision: s.mvcc.revision,
    version: '3.4.23',
    dbSize,
    // bbolt keeps freed pages: a fresh 3.4 member reports 20480 bytes, 16384 in use.
    dbSizeInUse: dbSize - 4096,
    leader,
    isLeader: s.raft.lead === s.cfg.id,
    isLearner: false,
    raftTerm: s.appliedTerm,
    raftIndex: s.raft.log.committed,
    raftAppliedIndex: s.raft.log.applied,
    errors: s.raft.lead === None ? [ETCD_ERRORS.noLeader] : [],
    liveTerm: s.raft.term,
    role: s.raft.state,
  };
}
