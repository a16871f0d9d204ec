/**
 * etcd's MVCC key-value store, thin: a revision counter and, for each key, the latest
 * KeyValue with create_revision, mod_revision and version, as etcd's `mvccpb.KeyValue` holds them.
 * Range reads keys in byte order between key and range_end (etcd's conventions: an empty
 * range_end means the single key, "\0" means every key ≥ key); Txn evaluates compares and runs
 * one branch in a single revision, as kube-apiserver's optimistic-concurrency writes need.
 *
 * Models: etcd-io/etcd v3.4 `mvcc/kvstore.go`, `mvcc/kvstore_txn.go`, `etcdserver/apply.go`
 * (applyTxn, applyCompare). Leaves out: old revisions (no historical reads, no compaction),
 * leases, watch history (the etcd issue deepens this), the bbolt backend's on-disk layout.
 */

export interface KeyValue {
  key: string;
  create_revision: number;
  mod_revision: number;
  version: number;
  value: string;
}

export interface MvccState {
  revision: number;
  kvs: Map<string, KeyValue>;
}

export interface RangeRequest {
  key: string;
  range_end?: string;
  limit?: number;
  count_only?: boolean;
  keys_only?: boolean;
  serializable?: boolean;
}

export interface RangeResponse {
  kvs: KeyValue[];
  count: number;
  more: boolean;
}

export interface PutRequest {
  key: string;
  value: string;
  prev_kv?: boolean;
}

export interface DeleteRangeRequest {
  key: string;
  range_end?: string;
  prev_kv?: boolean;
}

export type RequestOp = { request_range: RangeRequest } | { request_put: PutRequest } | { request_delete_range: DeleteRangeRequest };

export interface Compare {
  key: string;
  target: 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';
  result: 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
  version?: number;
  create_revision?: number;
  mod_revision?: number;
  value?: string;
}

export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

export type ResponseOp =
  | { response_range: RangeResponse }
  | { response_put: { prev_kv?: KeyValue } }
  | { response_delete_range: { deleted: number; prev_kvs?: KeyValue[] } };

export interface TxnResponse {
  succeeded: boolean;
  responses: ResponseOp[];
}

export function newMvcc(): MvccState {
  return { revision: 1, kvs: new Map() };
}

function inRange(k: string, key: string, rangeEnd: string | undefined): boolean {
  if (!rangeEnd) return k === key;
  if (rangeEnd === '\0') return k >= key;
  return k >= key && k < rangeEnd;
}

/** The range_end that makes [key, end) cover every key with this prefix (clientv3.GetPrefixRangeEnd). */
export function prefixEnd(prefix: string): string {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    if (c < 0xff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  return '\0';
}

export function range(s: MvccState, r: RangeRequest): RangeResponse {
  let keys: string[];
  if (!r.range_end) keys = s.kvs.has(r.key) ? [r.key] : [];
  else keys = [...s.kvs.keys()].filter((k) => inRange(k, r.key, r.range_end)).sort();
  const count = keys.length;
  const limited = r.limit && r.limit > 0 ? keys.slice(0, r.limit) : keys;
  const kvs = r.count_only
    ? []
    : limited.map((k) => {
        const kv = s.kvs.get(k)!;
        return r.keys_only ? { ...kv, value: '' } : { ...kv };
      });
  return { kvs, count, more: limited.length < count };
}

/**
 * KeyValues stored lately, by the PutRequest that made them. The members of a cluster apply the
 * same log entry (the same request object) within milliseconds of each other; when a member
 * computes a KeyValue equal to one stored for that request, it stores that object instead of a
 * copy. A stored KeyValue is never mutated, so sharing it is safe, and it keeps one object per
 * write instead of one per member. The cache decides only identity, never content.
 */
const RECENT = 8;
const recentReq: (PutRequest | null)[] = new Array<PutRequest | null>(RECENT).fill(null);
const recentKv: (KeyValue | null)[] = new Array<KeyValue | null>(RECENT).fill(null);
let recentNext = 0;

/** Applies a put at the next revision (the caller bumps the revision once per request). */
function putAt(s: MvccState, p: PutRequest, rev: number): KeyValue | undefined {
  const prev = s.kvs.get(p.key);
  const createRevision = prev ? prev.create_revision : rev;
  const version = prev ? prev.version + 1 : 1;
  let kv: KeyValue | null = null;
  for (let i = 0; i < RECENT; i++) {
    if (recentReq[i] !== p) continue;
    const c = recentKv[i]!;
    if (c.mod_revision === rev && c.create_revision === createRevision && c.version === version) kv = c;
    break;
  }
  if (kv === null) {
    kv = { key: p.key, create_revision: createRevision, mod_revision: rev, version, value: p.value };
    recentReq[recentNext] = p;
    recentKv[recentNext] = kv;
    recentNext = (recentNext + 1) % RECENT;
  }
  s.kvs.set(p.key, kv);
  stored = kv;
  return prev;
}

/** The KeyValue the last put stored (the caller's next step: record it for watchers, without a lookup). */
let stored: KeyValue | null = null;
export const lastStored = (): KeyValue | null => stored;

function deleteAt(s: MvccState, d: DeleteRangeRequest): KeyValue[] {
  const keys = d.range_end ? [...s.kvs.keys()].filter((k) => inRange(k, d.key, d.range_end)).sort() : s.kvs.has(d.key) ? [d.key] : [];
  const prev: KeyValue[] = [];
  for (const k of keys) {
    prev.push(s.kvs.get(k)!);
    s.kvs.delete(k);
  }
  return prev;
}

export function put(s: MvccState, p: PutRequest): { header_revision: number; prev_kv?: KeyValue } {
  s.revision++;
  const prev = putAt(s, p, s.revision);
  const r: { header_revision: number; prev_kv?: KeyValue } = { header_revision: s.revision };
  if (p.prev_kv && prev) r.prev_kv = prev;
  return r;
}

/** `put` without the response (a member applying a write another member answers). */
export function putOnly(s: MvccState, p: PutRequest): void {
  s.revision++;
  putAt(s, p, s.revision);
}

export function deleteRange(s: MvccState, d: DeleteRangeRequest): { deleted: number; prev_kvs?: KeyValue[] } {
  const prev = deleteAt(s, d);
  if (prev.length > 0) s.revision++;
  return { deleted: prev.length, ...(d.prev_kv ? { prev_kvs: prev } : {}) };
}

function compareOne(s: MvccState, c: Compare): boolean {
  const kv = s.kvs.get(c.key);
  let have: number | string;
  let want: number | string;
  switch (c.target) {
    case 'VERSION':
      have = kv?.version ?? 0;
      want = c.version ?? 0;
      break;
    case 'CREATE':
      have = kv?.create_revision ?? 0;
      want = c.create_revision ?? 0;
      break;
    case 'MOD':
      have = kv?.mod_revision ?? 0;
      want = c.mod_revision ?? 0;
      break;
    case 'VALUE':
      if (!kv) return false; // etcd: a VALUE compare on a missing key fails
      have = kv.value;
      want = c.value ?? '';
      break;
  }
  switch (c.result) {
    case 'EQUAL':
      return have === want;
    case 'NOT_EQUAL':
      return have !== want;
    case 'GREATER':
      return have > want;
    case 'LESS':
      return have < want;
  }
}

export function txn(s: MvccState, t: TxnRequest): TxnResponse & { header_revision: number } {
  const succeeded = t.compare.every((c) => compareOne(s, c));
  const ops = succeeded ? t.success : t.failure;
  const writes = ops.some((o) => 'request_put' in o || 'request_delete_range' in o);
  const rev = writes ? s.revision + 1 : s.revision;
  let wrote = false;
  const responses: ResponseOp[] = ops.map((o) => {
    if ('request_range' in o) return { response_range: range(s, o.request_range) };
    if ('request_put' in o) {
      const prev = putAt(s, o.request_put, rev);
      wrote = true;
      return { response_put: o.request_put.prev_kv && prev ? { prev_kv: prev } : {} };
    }
    const prev = deleteAt(s, o.request_delete_range);
    if (prev.length > 0) wrote = true;
    return { response_delete_range: { deleted: prev.length } };
  });
  if (wrote) s.revision = rev;
  return { succeeded, responses, header_revision: s.revision };
}
