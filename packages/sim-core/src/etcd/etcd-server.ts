/**
 * One etcd member serving the KV API, as k3s's embedded etcd runs it on a single server
 * (`--cluster-init` with one member): requests are applied in arrival order; writes are appended
 * to the WAL (persisted, so a crash keeps them) before they are applied and answered.
 *
 * Models: etcd-io/etcd v3.4 `etcdserver/v3_server.go` (Range/Put/DeleteRange/Txn),
 * `etcdserver/apply.go`, `wal/`. Leaves out (for now): Raft between members (a single member
 * commits alone), watch, leases, auth, compaction, request timeouts. The etcd quorum issue puts
 * Raft underneath without changing this message contract.
 */
import { narrate, type TraceContext } from '../flows/flow';
import type { Model, Output, StepEnv } from '../kernel/model';
import { deleteRange, newMvcc, put, range, txn, type MvccState } from './mvcc';
import { KV_DELETE_RANGE, KV_PUT, KV_RANGE, KV_TXN, replyKind, type EtcdReply, type EtcdRequest } from './rpc';

export interface EtcdServerState {
  mvcc: MvccState;
  memberId: string;
  clusterId: string;
  term: number;
  /** Index of the last WAL record. */
  walIndex: number;
}

/** Costs of serving, in microseconds (an SSD-backed VM; fsync dominates writes). */
export const ETCD_COSTS = { rangeBaseUs: 120, rangePerKeyUs: 3, writeFsyncUs: 1800 };

export const WAL_PREFIX = 'wal/';

export const walKey = (index: number): string => `${WAL_PREFIX}${String(index).padStart(10, '0')}`;

function header(s: EtcdServerState): EtcdReply['header'] {
  return { cluster_id: s.clusterId, member_id: s.memberId, revision: s.mvcc.revision, raft_term: s.term };
}

function applyWrite(s: EtcdServerState, req: EtcdRequest): unknown {
  switch (req.method) {
    case KV_PUT:
      return put(s.mvcc, req.request);
    case KV_DELETE_RANGE:
      return deleteRange(s.mvcc, req.request);
    case KV_TXN:
      return txn(s.mvcc, req.request);
    default:
      return undefined;
  }
}

const isWrite = (req: EtcdRequest): boolean =>
  req.method === KV_PUT || req.method === KV_DELETE_RANGE || (req.method === KV_TXN && [...req.request.success, ...req.request.failure].some((o) => !('request_range' in o)));

export const etcdServer: Model<EtcdServerState> = {
  type: 'etcd',
  init(persisted) {
    const s: EtcdServerState = {
      mvcc: newMvcc(),
      memberId: String(persisted.get('member/id') ?? '8e9e05c52164694d'),
      clusterId: String(persisted.get('member/cluster-id') ?? 'cdf818194e3a8c32'),
      // A single member elects itself on every start: one term more than it last saw.
      term: Number(persisted.get('raft/term') ?? 1) + 1,
      walIndex: 0,
    };
    const wal = [...persisted.keys()].filter((k) => k.startsWith(WAL_PREFIX)).sort();
    for (const k of wal) {
      applyWrite(s, persisted.get(k) as EtcdRequest);
      s.walIndex++;
    }
    return s;
  },
  step(state, input, env: StepEnv) {
    if (input.type === 'start') {
      return { state, outputs: [{ type: 'persist', key: 'raft/term', value: state.term }, { type: 'note', kind: 'etcd.leader', data: { member: state.memberId, term: state.term, revision: state.mvcc.revision } }] };
    }
    if (input.type !== 'message') return { state, outputs: [] };
    const req = input.payload as EtcdRequest & { trace?: TraceContext };
    const outputs: Output[] = [];
    let response: unknown;
    let cost = ETCD_COSTS.rangeBaseUs;
    if (req.method === KV_RANGE) {
      const r = range(state.mvcc, req.request);
      response = r;
      cost += r.kvs.length * ETCD_COSTS.rangePerKeyUs;
      outputs.push(...narrate(req.trace, 'etcd.range', { key: req.request.key, range_end: req.request.range_end ?? '', count: r.count, keys: r.kvs.map((kv) => kv.key), revision: state.mvcc.revision, member: state.memberId }));
    } else if (isWrite(req)) {
      state.walIndex++;
      outputs.push({ type: 'persist', key: walKey(state.walIndex), value: req });
      response = applyWrite(state, req);
      cost += ETCD_COSTS.writeFsyncUs;
      if (req.trace) {
        const puts = req.method === KV_TXN ? (((response as { succeeded?: boolean }).succeeded ? (req.request as { success?: { request_put?: { key: string } }[] }).success : []) ?? []).flatMap((o) => (o.request_put ? [o.request_put.key] : [])) : [];
        outputs.push(...narrate(req.trace, 'etcd.txn', { method: req.method, keys: puts, succeeded: (response as { succeeded?: boolean }).succeeded ?? true, revision: state.mvcc.revision, walIndex: state.walIndex, fsyncUs: ETCD_COSTS.writeFsyncUs, member: state.memberId }, ETCD_COSTS.writeFsyncUs));
      }
    } else {
      response = applyWrite(state, req);
    }
    const reply: EtcdReply = { reqId: req.reqId, method: req.method, header: header(state), response };
    void env;
    outputs.push({ type: 'send', to: input.from, kind: replyKind(req.method), payload: reply, afterUs: cost });
    return { state, outputs };
  },
};
