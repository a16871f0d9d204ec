/**
 * An etcd v3 client as etcdctl 3.4 uses it: one request per operation with the command timeout
 * (--command-timeout, 5 s by default) as the gRPC deadline; read-only requests that fail with a
 * retryable etcdserver error are retried until that deadline (clientv3 retry interceptor); when
 * the deadline passes the operation fails with `context deadline exceeded`.
 *
 * Models: etcd-io/etcd v3.4.23 `etcdctl/ctlv3/command/global.go` (commandCtx), `clientv3/retry.go`
 * and `clientv3/retry_interceptor.go` (isSafeRetryImmutableRPC, 25 ms backoff).
 * Leaves out: the balancer's endpoint switching (the caller picks the endpoint), keepalives, auth.
 */
import type { Model, Output, StepResult } from '../kernel/model';
import { ETCD_ERRORS, MEMBER_ADD, MEMBER_REMOVE, type MemberRequest } from './member';
import { KV_DELETE_RANGE, KV_PUT, KV_RANGE, type EtcdReply, type EtcdRequest } from './rpc';

export const CLIENT_OP = 'etcd.client.op';

export type ClientOpName = 'put' | 'get' | 'delete' | 'member-add' | 'member-remove';

export interface ClientOp {
  opId: number;
  op: ClientOpName;
  /** For member-add / member-remove: the member's Raft id. */
  memberId?: number;
  key: string;
  value?: string;
  /** Process id of the member the request goes to. */
  endpoint: string;
  timeoutUs: number;
  /** Serializable read (etcdctl get --consistency=s). */
  serializable?: boolean;
}

export interface OpResult {
  opId: number;
  op: ClientOpName;
  key: string;
  value?: string;
  endpoint: string;
  serializable: boolean;
  startUs: number;
  endUs: number;
  result: 'ok' | 'error';
  error?: string;
  /** For get: the values read. */
  read?: string[];
  revision?: number;
}

interface Inflight {
  op: ClientOp;
  startUs: number;
  deadlineUs: number;
  reqId: string;
}

export interface ClientState {
  seq: number;
  /** The one deadline timer's time (the earliest pending operation's deadline), or null. */
  deadlineAt: number | null;
  /** Keyed by request id, in the order the operations started. */
  inflight: Map<string, Inflight>;
  results: OpResult[];
}

const RETRY_BACKOFF_US = 25_000;

function request(op: ClientOp, reqId: string, deadlineUs: number): (EtcdRequest & { deadlineUs: number }) | MemberRequest {
  if (op.op === 'member-add' || op.op === 'member-remove') return { method: op.op === 'member-add' ? MEMBER_ADD : MEMBER_REMOVE, reqId, id: op.memberId ?? 0, deadlineUs };
  if (op.op === 'put') return { method: KV_PUT, reqId, request: { key: op.key, value: op.value ?? '' }, deadlineUs };
  if (op.op === 'delete') return { method: KV_DELETE_RANGE, reqId, request: { key: op.key }, deadlineUs };
  return { method: KV_RANGE, reqId, request: { key: op.key, serializable: op.serializable ?? false }, deadlineUs };
}

function finish(s: ClientState, now: number, f: Inflight, result: 'ok' | 'error', error?: string, read?: string[], revision?: number): void {
  s.inflight.delete(f.reqId);
  const r: OpResult = { opId: f.op.opId, op: f.op.op, key: f.op.key, value: f.op.value, endpoint: f.op.endpoint, serializable: f.op.serializable ?? false, startUs: f.startUs, endUs: now, result, revision };
  if (error !== undefined) r.error = error;
  if (read !== undefined) r.read = read;
  s.results.push(r);
}

function send(out: Output[], f: Inflight): void {
  const req = request(f.op, f.reqId, f.deadlineUs);
  // afterUs 0 (the default), given: the member's sends have the field, and the kernel sees one shape.
  out.push({ type: 'send', to: f.op.endpoint, kind: req.method, payload: req, afterUs: 0 });
}

const REPLY = '.reply';
const RANGE_REPLY = KV_RANGE + REPLY;

/** The outputs list and result `step` hands back, refilled on every call (see member.ts: the kernel applies them at once). */
const outs: Output[] = [];
const result: StepResult<ClientState> = { state: null as unknown as ClientState, outputs: outs };

export const etcdClient: Model<ClientState> = {
  type: 'etcdctl',
  init: () => ({ seq: 0, deadlineAt: null, inflight: new Map(), results: [] }),
  step(s, input, env) {
    const out = outs;
    while (out.length > 0) out.pop();
    if (input.type === 'command' && input.kind === CLIENT_OP) {
      const op = input.payload as ClientOp;
      const f: Inflight = { op, startUs: env.now, deadlineUs: env.now + op.timeoutUs, reqId: `c${++s.seq}` };
      s.inflight.set(f.reqId, f);
      if (s.deadlineAt === null || f.deadlineUs < s.deadlineAt) {
        s.deadlineAt = f.deadlineUs;
        out.push({ type: 'timer', name: 'deadline', afterUs: op.timeoutUs });
      }
      send(out, f);
    } else if (input.type === 'timer' && input.name === 'deadline') {
      s.deadlineAt = null;
      let next = Number.POSITIVE_INFINITY;
      for (const f of s.inflight.values()) {
        if (f.deadlineUs <= env.now) finish(s, env.now, f, 'error', ETCD_ERRORS.ctxDeadline);
        else next = Math.min(next, f.deadlineUs);
      }
      if (next !== Number.POSITIVE_INFINITY) {
        s.deadlineAt = next;
        out.push({ type: 'timer', name: 'deadline', afterUs: next - env.now });
      }
    } else if (input.type === 'timer') {
      const f = s.inflight.get(String(input.data));
      if (f && input.name.startsWith('retry/') && env.now < f.deadlineUs) send(out, f);
    } else if (input.type === 'message' && input.kind.endsWith(REPLY)) {
      const r = input.payload as EtcdReply & { code?: string };
      const f = s.inflight.get(r.reqId);
      if (f) {
        if (r.error) {
          const retryable = f.op.op === 'get' && r.error.startsWith('etcdserver:');
          if (retryable && env.now + RETRY_BACKOFF_US < f.deadlineUs) out.push({ type: 'timer', name: `retry/${f.reqId}`, afterUs: RETRY_BACKOFF_US, data: f.reqId });
          else finish(s, env.now, f, 'error', r.code ? `rpc error: code = ${r.code} desc = ${r.error}` : r.error);
        } else if (input.kind === RANGE_REPLY) {
          const resp = r.response as { kvs?: { value: string }[] } | undefined;
          finish(s, env.now, f, 'ok', undefined, (resp?.kvs ?? []).map((kv) => kv.value), r.header?.revision);
        } else {
          finish(s, env.now, f, 'ok', undefined, undefined, r.header?.revision);
        }
      }
    }
    result.state = s;
    return result;
  },
};
