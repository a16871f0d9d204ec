/**
 * The apiserver's watch: an event log ordered by resourceVersion and the open watches it feeds.
 * A watch from resourceVersion N replays every logged event after N that matches, then follows
 * live writes; N below the log's floor is answered with a 410 Expired ERROR event, worded as
 * upstream ("too old resource version: N (M)").
 *
 * Upstream: k8s.io/apiserver/pkg/storage/cacher/watch_cache.go (the sliding window of events,
 * "too old resource version"), cacher.go (dispatch to watchers by key prefix and selectors),
 * pkg/storage/errors.go NewTooLargeResourceVersionError / Expired.
 * Differs: real v1.33 fills this cache from an etcd watch; here the (single) apiserver logs its
 * own successful writes, which is the same stream while it is the only writer. Bookmarks and
 * watch timeouts are not sent. The window keeps the last 2,000 events (upstream sizes it
 * dynamically per resource).
 */
import type { KubeObject } from '../objects/meta';
import { matchesFields, matchesLabels, type FieldRequirement, type Requirement } from './selectors';

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  rv: number;
  type: WatchType;
  /** "<group>/<resource>" */
  resource: string;
  namespace: string;
  kind: string;
  object: KubeObject;
}

export interface Watcher {
  id: string;
  client: string;
  conn: string;
  stream: number;
  resource: string;
  namespace: string;
  kind: string;
  labels: Requirement[];
  fields: FieldRequirement[];
  table: boolean;
}

export interface WatchCacheState {
  events: WatchEvent[];
  /** Lowest resourceVersion a watch may start from. */
  floor: number;
  watchers: Record<string, Watcher>;
}

export const WATCH_WINDOW = 2000;

export function newWatchCache(startRv: number): WatchCacheState {
  return { events: [], floor: startRv, watchers: {} };
}

export function appendEvent(c: WatchCacheState, e: WatchEvent): void {
  c.events.push(e);
  if (c.events.length > WATCH_WINDOW) {
    const dropped = c.events.splice(0, c.events.length - WATCH_WINDOW);
    c.floor = dropped[dropped.length - 1]!.rv;
  }
}

export function watcherMatches(w: Watcher, e: WatchEvent): boolean {
  if (w.resource !== e.resource) return false;
  if (w.namespace && w.namespace !== e.namespace) return false;
  return matchesLabels(w.labels, e.object.metadata.labels) && matchesFields(w.fields, w.kind, e.object);
}

export function tooOld(rv: number, floor: number) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${rv} (${floor})`, reason: 'Expired', code: 410 };
}
