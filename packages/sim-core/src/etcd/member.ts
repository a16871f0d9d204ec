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
 * - `raft/node.go` (no leader: proposals block until the context ends — propc is nil).
 * Watch from a revision: ./watch.ts.
 * Leaves out: snapshots/compaction, leases, auth, the v2 store, read batching, the
 * applied-index wait timeout, gRPC gateway; connection tracking is approximated by the last time a
 * message arrived from each peer. Member ids are derived from names (etcd hashes peer URLs).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Model, Output, StepEnv } from '../kernel/model';
import { deleteRange, newMvcc, put, range, txn, type KeyValue, type MvccState, type RangeRequest } from './mvcc';
import { KV_DELETE_RANGE, KV_PUT, KV_RANGE, KV_TXN, replyKind, type EtcdReply, type EtcdRequest } from './rpc';
import * as L from './raft/log';
import { WATCH, WATCH_EVENT, candidateKeys, newWatchState, pending, recordEvents, recordPut, type WatchRequest, type WatchState } from './watch';
import { Raft, newRaftState, type RaftState, type RandSource, type StateType } from './raft/raft';
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
} as const;

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
  method: EtcdRequest['method'];
  startUs: number;
  deadlineUs: number;
  proposed: boolean;
  data: unknown;
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
  /** The last index written to the persisted WAL. */
  persistedLast: number;
  writes: Record<string, PendingWrite>;
  /** Proposal ids waiting for a leader (node.Propose blocks while propc is nil). */
  queued: string[];
  reads: Record<string, PendingRead>;
  seq: number;
  lead: number;
  leadElectedUs: number | null;
  /** Raft id → last time a message arrived from it (µs). */
  lastHeard: Record<number, number>;
  startedUs: number;
  ticksAdjusted: boolean;
  published: boolean;
  members: Record<number, string>;
  stopping: { transferee: number; sinceUs: number } | null;
  watch: WatchState;
  /** When the one deadline timer fires (the earliest pending request deadline), or null. */
  deadlineAt: number | null;
  exitReady: boolean;
  raftRand: number;
}

export const memberIdOf = (name: string, cluster = 'kubelab'): string => bytesToHex(sha256(new TextEncoder().encode(`${cluster}/${name}`))).slice(0, 16);

const HS_KEY = 'raft/hardstate';
const entKey = (i: number): string => `raft/ent/${String(i).padStart(10, '0')}`;

/** The kernel's seeded stream as Raft's random source (a class: no closure per step). */
class EnvRand implements RandSource {
  constructor(public env: StepEnv) {}
  intn(n: number): number {
    return this.env.rng.int(0, n - 1);
  }
}
const randOf = (env: StepEnv): RandSource => new EnvRand(env);

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

function applyEntry(s: MemberState, e: Entry, out: { id: string; result: unknown }[]): void {
  s.appliedTerm = e.term;
  if (e.type === 'EntryConfChange') {
    const cc = e.data as ConfChange;
    if (cc.type === 'ConfChangeAddNode') s.members[cc.nodeId] = s.cfg.names[cc.nodeId] ?? `m${cc.nodeId}`;
    else delete s.members[cc.nodeId];
    return;
  }
  const d = e.data as { id?: string; req?: EtcdRequest; kind?: string } | undefined;
  if (!d || !d.req) return;
  const prevRevision = s.mvcc.revision;
  let result: unknown;
  if (d.req.method === KV_PUT) {
    // The common case, without the candidate-key map: one key, one PUT event.
    const p = d.req.request;
    result = put(s.mvcc, p);
    recordPut(s.watch, s.mvcc, p.key, prevRevision);
    if (d.id) out.push({ id: d.id, result });
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
  if (d.id) out.push({ id: d.id, result });
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
  const ids = Object.keys(cfg.peers)
    .map(Number)
    .sort((a, b) => a - b);
  const initial = cfg.initialCluster ?? ids;

  function init(persisted: ReadonlyMap<string, unknown>, env: StepEnv): MemberState {
    const rng = randOf(env);
    const hs = persisted.get(HS_KEY) as HardState | undefined;
    const raftCfg = { id: cfg.id, electionTick: electionTicks, heartbeatTick: 1, checkQuorum: etcdMode, preVote: cfg.preVote ?? false };
    let raft: RaftState;
    let persistedLast = 0;
    const members: Record<number, string> = {};
    if (hs) {
      const keys = [...persisted.keys()].filter((k) => k.startsWith('raft/ent/')).sort();
      const entries = keys.map((k) => persisted.get(k) as Entry);
      persistedLast = entries.length;
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
      persistedLast,
      writes: {},
      queued: [],
      reads: {},
      seq: 0,
      lead: None,
      leadElectedUs: null,
      lastHeard: {},
      startedUs: env.now,
      ticksAdjusted: false,
      published: false,
      members,
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

  function reply(out: Output[], s: MemberState, to: string, reqId: string, method: EtcdReply['method'], body: { response?: unknown; error?: string; code?: string }, afterUs = 0): void {
    const r: EtcdReply & { code?: string } = body.error ? { reqId, method, error: body.error } : { reqId, method, header: header(s), response: body.response };
    if (body.code) r.code = body.code;
    out.push({ type: 'send', to, kind: replyKind(method), payload: r, afterUs });
  }

  function propose(s: MemberState, r: Raft, id: string): void {
    const w = s.writes[id];
    if (!w) return;
    const err = r.step(msg({ type: 'MsgProp', from: cfg.id, entries: [{ term: 0, index: 0, data: w.data }] }));
    if (err) s.queued.push(id);
    else w.proposed = true;
  }

  /** Hand Ready to storage, the network and the state machine (etcdserver/raft.go start()). */
  function drain(s: MemberState, r: Raft, env: StepEnv, out: Output[]): void {
    for (let guard = 0; guard < 100 && r.hasReady(); guard++) {
      const rd = r.ready();
      let diskUs = 0;
      if (rd.soft) onSoftState(s, r, rd.soft, env, out);
      if (rd.entries.length > 0) {
        const first = rd.entries[0]!.index;
        for (let i = first; i <= s.persistedLast; i++) out.push({ type: 'persist', key: entKey(i), value: undefined });
        // ready() hands out fresh copies of the entries (data is never mutated): no clone needed.
        for (const e of rd.entries) out.push({ type: 'persist', key: entKey(e.index), value: e, owned: true });
        s.persistedLast = rd.entries[rd.entries.length - 1]!.index;
        diskUs = fsyncUs;
      }
      if (rd.hardState) {
        out.push({ type: 'persist', key: HS_KEY, value: { term: rd.hardState.term, vote: rd.hardState.vote, commit: rd.hardState.commit }, owned: true });
        diskUs = fsyncUs;
      }
      // The leader sends in parallel with its disk write; followers only after (raft.go: isLeader).
      const sendAfter = s.raft.state === 'StateLeader' ? 0 : diskUs;
      for (const m of rd.messages) {
        const to = cfg.peers[m.to];
        if (to) out.push({ type: 'send', to, kind: RAFT_MSG, payload: m, afterUs: sendAfter });
      }
      const done: { id: string; result: unknown }[] = [];
      for (const e of rd.committedEntries) {
        applyEntry(s, e, done);
        if (e.type === 'EntryConfChange') r.applyConfChange(e.data as ConfChange);
      }
      for (const d of done) {
        const w = s.writes[d.id];
        if (!w) continue;
        delete s.writes[d.id];
        reply(out, s, w.from, w.reqId, w.method, { response: d.result }, diskUs + 50);
      }
      if (rd.committedEntries.length > 0) flushWatchers(s, out);
      for (const rs of rd.readStates) {
        const rd2 = s.reads[rs.requestCtx];
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
    for (const ctx in s.reads) {
      const rd = s.reads[ctx]!;
      if (rd.index === null || s.raft.log.applied < rd.index) continue;
      delete s.reads[ctx];
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
      for (const [ctx, rd] of Object.entries(s.reads)) {
        delete s.reads[ctx];
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
    const expired: { seq: number; deadline: number; run: () => void }[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const [id, w] of Object.entries(s.writes)) {
      if (w.deadlineUs > env.now) {
        next = Math.min(next, w.deadlineUs);
        continue;
      }
      expired.push({
        seq: seqOf(id),
        deadline: w.deadlineUs,
        run: () => {
          delete s.writes[id];
          s.queued = s.queued.filter((q) => q !== id);
          // Never proposed (no leader): node.Propose returns ctx.Err() itself, unwrapped.
          if (!w.proposed) reply(out, s, w.from, w.reqId, w.method, { error: ETCD_ERRORS.ctxDeadline, code: 'Unknown' });
          else reply(out, s, w.from, w.reqId, w.method, { error: proposeTimeoutError(s, w.startUs) });
        },
      });
    }
    for (const [ctx, rd] of Object.entries(s.reads)) {
      if (rd.deadlineUs > env.now) {
        next = Math.min(next, rd.deadlineUs);
        continue;
      }
      expired.push({
        seq: seqOf(ctx),
        deadline: rd.deadlineUs,
        run: () => {
          delete s.reads[ctx];
          reply(out, s, rd.from, rd.reqId, KV_RANGE, { error: ETCD_ERRORS.timeout });
        },
      });
    }
    expired.sort((a, b) => a.deadline - b.deadline || a.seq - b.seq);
    for (const e of expired) e.run();
    if (next !== Number.POSITIVE_INFINITY) armDeadline(s, out, env, next);
  }

  function onRequest(s: MemberState, r: Raft, from: string, req: EtcdRequest & { deadlineUs?: number }, env: StepEnv, out: Output[]): void {
    const deadlineUs = Math.min(env.now + reqTimeoutUs, req.deadlineUs ?? Number.MAX_SAFE_INTEGER);
    if (req.method === KV_RANGE) {
      if (req.request.serializable) {
        reply(out, s, from, req.reqId, KV_RANGE, { response: range(s.mvcc, req.request) }, 120);
        return;
      }
      const ctx = `${cfg.id}-${++s.seq}`;
      s.reads[ctx] = { from, reqId: req.reqId, request: req.request, startUs: env.now, deadlineUs, index: null };
      armDeadline(s, out, env, deadlineUs);
      r.step(msg({ type: 'MsgReadIndex', from: cfg.id, entries: [{ term: 0, index: 0, data: ctx }] }));
      return;
    }
    const id = `${cfg.id}-${++s.seq}`;
    s.writes[id] = { from, reqId: req.reqId, method: req.method, startUs: env.now, deadlineUs, proposed: false, data: { id, req: { method: req.method, reqId: req.reqId, request: req.request } } };
    armDeadline(s, out, env, deadlineUs);
    if (s.raft.lead === None) s.queued.push(id);
    else propose(s, r, id);
  }

  return {
    type: 'etcd',
    init,
    step(s, input, env) {
      const out: Output[] = [];
      const r = raftView(s.raft, env);
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
            s.lastHeard[m.from] = env.now;
            r.step(m);
          } else if (input.kind === PEER_HELLO || input.kind === PEER_HELLO_ACK) {
            const from = (input.payload as { from: number }).from;
            s.lastHeard[from] = env.now;
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
          } else if (input.kind === KV_RANGE || input.kind === KV_PUT || input.kind === KV_DELETE_RANGE || input.kind === KV_TXN) {
            onRequest(s, r, input.from, input.payload as EtcdRequest, env, out);
          }
          break;
        }
        case 'command': {
          if (input.kind === ETCD_STOP) {
            // server.go Stop(): a leader first hands leadership to a connected peer.
            if (s.raft.state === 'StateLeader' && Object.keys(s.raft.prs).length > 1) {
              const peers = Object.keys(s.raft.prs)
                .map(Number)
                .filter((id) => id !== cfg.id)
                .sort((a, b) => (s.lastHeard[b] ?? -1) - (s.lastHeard[a] ?? -1) || a - b);
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
      return { state: s, outputs: out };
    },
  };
}

export interface EndpointStatus {
  name: string;
  /** The client URL's host:port, as etcdctl's ENDPOINT column shows it (set by the caller). */
  endpoint?: string;
  memberId: string;
  version: string;
  dbSize: number;
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
  return {
    name: s.cfg.name,
    memberId: s.memberId,
    version: '3.4.23',
    dbSize: 20480 + 4096 * Math.floor(s.mvcc.revision / 64),
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
