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
 * own successful writes, which is the same stream while it is the only writer. The window keeps
 * the last 2,000 events (upstream sizes it dynamically per resource).
 *
 * Watch deadlines and bookmarks (endpoints/handlers/get.go, cacher/cacher.go, cache_watcher.go):
 * a watch ends at its deadline — timeoutSeconds, or minRequestTimeout 1800 s × (1 + rand) when
 * the request has none (or 0); a watch with allowWatchBookmarks=true gets a BOOKMARK carrying the
 * resource's last resourceVersion every bookmarkFrequency (1 min) and 2 s before its deadline
 * (nextBookmarkTime), only when that resourceVersion is past the one the watch started from.
 * Differs: upstream collects due watchers in 1-second buckets on a ~1 s jittered timer; here each
 * bookmark goes at its exact time. The bookmark object is the kind with only apiVersion, kind and
 * metadata.resourceVersion (upstream serializes an empty typed object, whose other zero-valued
 * fields the lab leaves out).
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
  /** The object before this change (MODIFIED, DELETED), when the cache held it: cacheWatcher's PrevObject. */
  prev?: KubeObject;
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
  /** The resourceVersion the watch started from (bookmarks must be past it). */
  startRv?: number;
  /** allowWatchBookmarks=true */
  bookmarks?: boolean;
  /** When the server ends the watch (µs of simulated time). */
  deadlineUs?: number;
}

/** cacher.go defaultBookmarkFrequency. */
export const BOOKMARK_FREQUENCY_US = 60_000_000;
/** kube-apiserver --min-request-timeout default (seconds). */
export const MIN_REQUEST_TIMEOUT_S = 1800;

/** endpoints/handlers/get.go: timeoutSeconds, or (unset or 0) minRequestTimeout × (1 + rand). */
export function watchTimeoutUs(timeoutSeconds: number | undefined, rand01: () => number): number {
  if (timeoutSeconds !== undefined && timeoutSeconds !== 0) return timeoutSeconds * 1_000_000;
  return Math.floor(MIN_REQUEST_TIMEOUT_S * 1_000_000 * (rand01() + 1));
}

/** cache_watcher.go nextBookmarkTime: a minute from now, or 2 s before the deadline if that is sooner; none once that has passed. */
export function nextBookmarkUs(nowUs: number, deadlineUs: number | undefined): number | undefined {
  let t = nowUs + BOOKMARK_FREQUENCY_US;
  if (deadlineUs === undefined) return t;
  const pre = deadlineUs - 2_000_000;
  if (pre < t) t = pre;
  return t < nowUs ? undefined : t;
}

/** The BOOKMARK event's object: the watched kind with only its resourceVersion. */
export function bookmarkObject(apiVersion: string, kind: string, rv: number): KubeObject {
  return { apiVersion, kind, metadata: { resourceVersion: String(rv) } } as KubeObject;
}

export interface WatchCacheState {
  events: WatchEvent[];
  /** Lowest resourceVersion a watch may start from. */
  floor: number;
  watchers: Record<string, Watcher>;
  /** The last resourceVersion logged per resource ("<group>/<resource>"): the cacher's lastProcessedResourceVersion. */
  lastRv?: Record<string, number>;
  /** The cacher's store: each object as of its last logged event ("<group>/<resource>/<ns>/<name>"), for PrevObject. */
  latest?: Record<string, KubeObject>;
}

export const WATCH_WINDOW = 2000;

export function newWatchCache(startRv: number): WatchCacheState {
  return { events: [], floor: startRv, watchers: {} };
}

export function appendEvent(c: WatchCacheState, e: WatchEvent): void {
  const key = `${e.resource}/${e.namespace}/${e.object.metadata.name}`;
  const latest = (c.latest ??= {});
  if (e.type !== 'ADDED' && latest[key]) e.prev = latest[key];
  if (e.type === 'DELETED') delete latest[key];
  else latest[key] = e.object;
  c.events.push(e);
  (c.lastRv ??= {})[e.resource] = e.rv;
  if (c.events.length > WATCH_WINDOW) {
    const dropped = c.events.splice(0, c.events.length - WATCH_WINDOW);
    c.floor = dropped[dropped.length - 1]!.rv;
  }
}

/**
 * cacheWatcher.convertToWatchEvent: what a watcher with selectors sees of an event, judged on the
 * object now and before — ADDED when it enters the selection, MODIFIED while it stays, DELETED
 * (with its previous content and the event's resourceVersion) when it leaves; null if neither
 * matches. Without a previous object, an event is judged on the object alone.
 */
export function watchEventFor(w: Watcher, e: WatchEvent): { type: WatchType; object: KubeObject } | null {
  if (w.resource !== e.resource) return null;
  if (w.namespace && w.namespace !== e.namespace) return null;
  const passes = (o: KubeObject) => matchesLabels(w.labels, o.metadata.labels) && matchesFields(w.fields, w.kind, o);
  const cur = passes(e.object);
  if (e.type === 'ADDED' || e.type === 'DELETED' || !e.prev) return cur ? { type: e.type, object: e.object } : null;
  const old = passes(e.prev);
  if (cur && old) return { type: 'MODIFIED', object: e.object };
  if (cur) return { type: 'ADDED', object: e.object };
  if (old) return { type: 'DELETED', object: { ...e.prev, metadata: { ...e.prev.metadata, resourceVersion: e.object.metadata.resourceVersion } } };
  return null;
}

export function watcherMatches(w: Watcher, e: WatchEvent): boolean {
  if (w.resource !== e.resource) return false;
  if (w.namespace && w.namespace !== e.namespace) return false;
  return matchesLabels(w.labels, e.object.metadata.labels) && matchesFields(w.fields, w.kind, e.object);
}

export function tooOld(rv: number, floor: number) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${rv} (${floor})`, reason: 'Expired', code: 410 };
}
