/**
 * Watch from a revision, as etcd's v3 watch API serves it: a watcher on a key or range receives
 * every PUT and DELETE from `start_revision` on (history first, then live events as entries are
 * applied), in revision order. History is kept in the member's state (nothing is compacted).
 *
 * Models: etcd-io/etcd v3.4.23 `mvcc/watchable_store.go` (synced/unsynced watchers),
 * `etcdserver/api/v3rpc/watch.go` (WatchResponse: watch_id, created, events), `mvcc/mvccpb/kv.proto`
 * (Event PUT/DELETE). Leaves out: compaction (ErrCompacted), progress notifications, fragmenting,
 * prev_kv, filters, the client's automatic re-watch after a member dies (a watch dies with its member).
 */
import { range, type KeyValue, type MvccState } from './mvcc';

export const WATCH = 'etcdserverpb.Watch/Watch';
export const WATCH_EVENT = 'etcdserverpb.Watch/Watch.event';

export interface WatchEvent {
  type: 'PUT' | 'DELETE';
  kv: KeyValue;
}

export interface WatchRequest {
  reqId: string;
  key: string;
  range_end?: string;
  start_revision?: number;
}

export interface Watcher {
  id: number;
  to: string;
  reqId: string;
  key: string;
  range_end?: string;
  /** Next revision to deliver. */
  next: number;
}

/**
 * One event of the history, as the KeyValue it leaves: a PUT's is the stored KeyValue itself (no
 * copy, no wrapper: the history grows by one reference per write); a DELETE's is a tombstone with
 * version 0, which no stored KeyValue has. The event's revision is the KeyValue's mod_revision. A
 * revision's PUTs and DELETEs are consecutive, in key order.
 */
export type HistoryEvent = KeyValue;

const eventType = (kv: KeyValue): WatchEvent['type'] => (kv.version === 0 ? 'DELETE' : 'PUT');

export interface WatchState {
  /** Every event in revision order, flat. */
  history: HistoryEvent[];
  watchers: Watcher[];
  nextId: number;
}

export const newWatchState = (): WatchState => ({ history: [], watchers: [], nextId: 1 });

function matches(w: { key: string; range_end?: string }, key: string): boolean {
  if (!w.range_end) return key === w.key;
  if (w.range_end === '\0') return key >= w.key;
  return key >= w.key && key < w.range_end;
}

const keysOf = (s: MvccState, op: { key: string; range_end?: string }): string[] => range(s, { key: op.key, range_end: op.range_end }).kvs.map((kv) => kv.key);

/** Keys a write may touch, read before it is applied (to see deletions). */
export function candidateKeys(s: MvccState, req: { method: string; request: unknown }): string[] {
  const r = req.request as Record<string, unknown>;
  if (req.method.endsWith('/Put')) return [String(r.key)];
  if (req.method.endsWith('/DeleteRange')) return keysOf(s, r as { key: string; range_end?: string });
  if (req.method.endsWith('/Txn')) {
    const ops = [...((r.success as unknown[]) ?? []), ...((r.failure as unknown[]) ?? [])] as Record<string, { key: string; range_end?: string }>[];
    const out: string[] = [];
    for (const o of ops) {
      if (o.request_put) out.push(o.request_put.key);
      if (o.request_delete_range) out.push(...keysOf(s, o.request_delete_range));
    }
    return [...new Set(out)];
  }
  return [];
}

/** After a write: record the events of the new revision (if any). */
export function recordEvents(w: WatchState, s: MvccState, before: Map<string, KeyValue | undefined>, prevRevision: number): void {
  if (s.revision === prevRevision) return;
  for (const [key, old] of [...before.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const now = s.kvs.get(key);
    if (now && now.mod_revision === s.revision) w.history.push(now);
    else if (!now && old) w.history.push({ key, create_revision: 0, mod_revision: s.revision, version: 0, value: '' });
  }
}

/** After a single-key put (the fast path of recordEvents), given the KeyValue it stored. */
export function recordPut(w: WatchState, s: MvccState, now: KeyValue, prevRevision: number): void {
  if (s.revision === prevRevision) return;
  if (now.mod_revision === s.revision) w.history.push(now);
}

/** Events for a watcher from its next revision on; advances it. */
export function pending(w: WatchState, watcher: Watcher): WatchEvent[] {
  const out: WatchEvent[] = [];
  const h = w.history;
  // The history is in revision order: find the first event at or after `next` by bisection.
  let lo = 0;
  let hi = h.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (h[mid]!.mod_revision < watcher.next) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < h.length; i++) {
    const kv = h[i]!;
    if (matches(watcher, kv.key)) out.push({ type: eventType(kv), kv });
    watcher.next = kv.mod_revision + 1;
  }
  return out;
}
