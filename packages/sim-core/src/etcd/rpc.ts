/**
 * The etcd v3 gRPC surface the simulation speaks: method names as etcd's service definitions
 * spell them (etcdserverpb.KV/Range, …) and the request/reply envelopes. A reply's kind is the
 * method with ".reply" appended; `reqId` pairs them. Errors carry etcd's exact client-visible text.
 *
 * Models: etcd-io/etcd v3.4 `etcdserver/etcdserverpb/rpc.proto`,
 * `etcdserver/api/v3rpc/rpctypes/error.go`.
 */
import type { DeleteRangeRequest, PutRequest, RangeRequest, TxnRequest } from './mvcc';

export const KV_RANGE = 'etcdserverpb.KV/Range';
export const KV_PUT = 'etcdserverpb.KV/Put';
export const KV_DELETE_RANGE = 'etcdserverpb.KV/DeleteRange';
export const KV_TXN = 'etcdserverpb.KV/Txn';

export type EtcdMethod = typeof KV_RANGE | typeof KV_PUT | typeof KV_DELETE_RANGE | typeof KV_TXN;

export interface ResponseHeader {
  cluster_id: string;
  member_id: string;
  revision: number;
  raft_term: number;
}

export type EtcdRequest =
  | { method: typeof KV_RANGE; reqId: string; request: RangeRequest }
  | { method: typeof KV_PUT; reqId: string; request: PutRequest }
  | { method: typeof KV_DELETE_RANGE; reqId: string; request: DeleteRangeRequest }
  | { method: typeof KV_TXN; reqId: string; request: TxnRequest };

export interface EtcdReply {
  reqId: string;
  method: EtcdMethod;
  header?: ResponseHeader;
  response?: any;
  /** etcd's error text as the client sees it, e.g. "etcdserver: request timed out". */
  error?: string;
}

/** Reply kinds of the methods, made once (a reply per write otherwise builds its kind string). */
const REPLY_KINDS = new Map<string, string>([KV_RANGE, KV_PUT, KV_DELETE_RANGE, KV_TXN].map((m) => [m, `${m}.reply`]));

export const replyKind = (method: string): string => REPLY_KINDS.get(method) ?? `${method}.reply`;
export const isEtcdReply = (kind: string): boolean => kind.startsWith('etcdserverpb.') && kind.endsWith('.reply');
