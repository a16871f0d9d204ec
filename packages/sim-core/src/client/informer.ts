/**
 * client-go's reflector + informer, as pure helpers a component model embeds in its state (like
 * api-connection.ts): list through kube-apiserver, then watch from the list's resourceVersion,
 * keep a local cache keyed namespace/name, hand the caller add/update/delete deltas (the event
 * handlers), and relist when the watch says 410 Gone.
 *
 * Upstream (v1.33): k8s.io/client-go/tools/cache/reflector.go — ListAndWatch (list, then
 * watchHandler), relistResourceVersion ("0" for the first list so the watch cache answers; ""
 * — a consistent read from etcd — after "too old resource version"/410, via
 * isLastSyncResourceVersionUnavailable), the watch request (allowWatchBookmarks=true,
 * timeoutSeconds = minWatchTimeout (5 min) × (1 + rand)), the list page size (limit=500);
 * tools/cache/shared_informer.go (HandleDeltas → OnAdd/OnUpdate/OnDelete); tools/cache/
 * delta_fifo.go Replace (objects missing from a relist are reported deleted);
 * tools/cache/store.go MetaNamespaceKeyFunc.
 * Leaves out: the DeltaFIFO queue itself (deltas go straight to the handler, in order), resync
 * periods (every controller here runs with resync 0 or handles a full relist the same way),
 * WatchList streaming (the WatchListClient gate is off by default in v1.33's client-go), paging
 * continuation tokens, backoff between failed lists (a fixed 1 s retry here, the manager's
 * initial backoff is 800 ms).
 */
import { HTTP_RESPONSE, HTTP_WATCH_EVENT, HTTP_CANCEL, type HttpResponse, type WatchEventMessage, type HttpCancel } from '../apiserver/http';
import type { Input, Output, StepEnv } from '../kernel/model';
import type { KubeObject } from '../objects/meta';
import type { TraceContext } from '../flows/flow';
import { request, type ApiConnection } from './api-connection';

export type Delta = ({ type: 'add'; obj: KubeObject } | { type: 'update'; obj: KubeObject; old: KubeObject } | { type: 'delete'; obj: KubeObject }) & { trace?: TraceContext };

export interface InformerState {
  /** Names the informer's timers: `informer:<name>:retry`. */
  name: string;
  /** Collection path, may carry a query (e.g. `/api/v1/pods?fieldSelector=spec.nodeName%3Dk3s-worker-1`). */
  path: string;
  userAgent: string;
  cache: Record<string, KubeObject>;
  /** The cache's keys in order, kept until a key is added or removed (informerList's index). */
  sortedKeys?: string[] | null;
  /** informerList's answer, kept until the cache changes (a frozen array: callers only read it). */
  listed?: readonly KubeObject[] | null;
  /** Trace contexts the watch carried beside objects (lab-only; see kube-apiserver `traces`), by key. */
  traces: Record<string, TraceContext>;
  /** The last resourceVersion seen (list metadata, watch events, bookmarks). */
  resourceVersion: string;
  /** After a 410 the next list asks for "" (most recent, from etcd) rather than "0". */
  lastSyncRvUnavailable: boolean;
  phase: 'idle' | 'listing' | 'watching' | 'backoff';
  listStream: number | null;
  watchStream: number | null;
  hasSynced: boolean;
  lists: number;
  watches: number;
  relistsOn410: number;
}

/** reflector.go: defaultMinWatchTimeout. */
export const MIN_WATCH_TIMEOUT_S = 300;
/** pager.go defaultPageSize, used by the reflector's list. */
export const LIST_PAGE_SIZE = 500;
export const LIST_RETRY_US = 1_000_000;

export function newInformer(name: string, path: string, userAgent: string): InformerState {
  return { name, path, userAgent, cache: {}, traces: {}, resourceVersion: '', lastSyncRvUnavailable: false, phase: 'idle', listStream: null, watchStream: null, hasSynced: false, lists: 0, watches: 0, relistsOn410: 0 };
}

export const objectKeyOf = (o: KubeObject): string => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);

const withQuery = (path: string, q: string): string => `${path}${path.includes('?') ? '&' : '?'}${q}`;

/** reflector.go relistResourceVersion. */
export function relistResourceVersion(inf: InformerState): string {
  if (inf.lastSyncRvUnavailable) return '';
  if (inf.resourceVersion === '') return '0';
  return inf.resourceVersion;
}

export function listPath(inf: InformerState): string {
  const rv = relistResourceVersion(inf);
  return withQuery(inf.path, `limit=${LIST_PAGE_SIZE}&resourceVersion=${rv}`);
}

export function watchPath(inf: InformerState, timeoutSeconds: number): string {
  return withQuery(inf.path, `allowWatchBookmarks=true&resourceVersion=${inf.resourceVersion}&timeoutSeconds=${timeoutSeconds}&watch=true`);
}

/** Begins (or restarts) ListAndWatch: sends the list. */
export function startInformer(inf: InformerState, c: ApiConnection): Output[] {
  const r = request(c, 'GET', listPath(inf), undefined, inf.userAgent);
  inf.phase = 'listing';
  inf.listStream = r.stream;
  inf.watchStream = null;
  inf.lists++;
  return [r.output];
}

function startWatch(inf: InformerState, c: ApiConnection, env: StepEnv): Output[] {
  const timeout = Math.floor(MIN_WATCH_TIMEOUT_S * (env.rng.float() + 1));
  const r = request(c, 'GET', watchPath(inf, timeout), undefined, inf.userAgent);
  inf.phase = 'watching';
  inf.watchStream = r.stream;
  inf.watches++;
  return [r.output];
}

function relist(inf: InformerState, c: ApiConnection, out: Output[], expired: boolean): void {
  if (inf.watchStream !== null) out.push({ type: 'send', to: c.server, kind: HTTP_CANCEL, payload: { conn: c.conn, stream: inf.watchStream } satisfies HttpCancel });
  if (expired) {
    inf.lastSyncRvUnavailable = true;
    inf.relistsOn410++;
  }
  out.push(...startInformer(inf, c));
}

export interface InformerStep {
  handled: boolean;
  outputs: Output[];
  deltas: Delta[];
}

const isGone = (status: unknown): boolean => {
  const st = status as { code?: number; reason?: string } | undefined;
  return st?.code === 410 || st?.reason === 'Expired' || st?.reason === 'Gone';
};

/** The answer for an input that is not the informer's business (one shared, frozen object: a process feeds every input to each of its informers). */
const NOT_HANDLED: InformerStep = Object.freeze({ handled: false, outputs: Object.freeze([]) as unknown as Output[], deltas: Object.freeze([]) as unknown as Delta[] });

/** Feeds one input to the informer; `handled` is false when the input is not its business. */
export function onInformerInput(inf: InformerState, c: ApiConnection, input: Input, env: StepEnv): InformerStep {
  if (input.type === 'timer') {
    if (!input.name.startsWith('informer:') || input.name !== `informer:${inf.name}:retry`) return NOT_HANDLED;
    const res: InformerStep = { handled: true, outputs: [], deltas: [] };
    res.outputs.push(...startInformer(inf, c));
    return res;
  }
  if (input.type !== 'message') return NOT_HANDLED;
  const p = input.payload as { conn?: string; stream?: number };
  if (p.conn !== c.conn) return NOT_HANDLED;
  if (input.kind === HTTP_RESPONSE && p.stream === inf.listStream && inf.phase === 'listing') {
    const res: InformerStep = { handled: true, outputs: [], deltas: [] };
    const r = input.payload as HttpResponse;
    inf.listStream = null;
    if (r.status !== 200) {
      if (r.status === 410) inf.lastSyncRvUnavailable = true;
      inf.phase = 'backoff';
      res.outputs.push({ type: 'timer', name: `informer:${inf.name}:retry`, afterUs: LIST_RETRY_US });
      return res;
    }
    const list = r.body as { metadata?: { resourceVersion?: string }; items?: KubeObject[] };
    // DeltaFIFO.Replace: present objects are added or updated, the rest deleted.
    const seen = new Set<string>();
    for (const o of list.items ?? []) {
      const k = objectKeyOf(o);
      seen.add(k);
      const old = inf.cache[k];
      if (!old) inf.sortedKeys = null;
      inf.cache[k] = o;
      inf.listed = null;
      res.deltas.push(old ? { type: 'update', obj: o, old } : { type: 'add', obj: o });
    }
    for (const k of Object.keys(inf.cache).sort()) {
      if (!seen.has(k)) {
        res.deltas.push({ type: 'delete', obj: inf.cache[k]! });
        delete inf.cache[k];
        inf.sortedKeys = null;
        inf.listed = null;
        delete inf.traces[k];
      }
    }
    inf.resourceVersion = list.metadata?.resourceVersion ?? inf.resourceVersion;
    inf.lastSyncRvUnavailable = false;
    inf.hasSynced = true;
    res.outputs.push(...startWatch(inf, c, env));
    return res;
  }
  if (inf.watchStream === null || p.stream !== inf.watchStream) return NOT_HANDLED;
  const res: InformerStep = { handled: true, outputs: [], deltas: [] };
  if (input.kind === HTTP_RESPONSE) {
    const r = input.payload as HttpResponse;
    if (r.status === 200) return res; // the stream is open; events follow
    relist(inf, c, res.outputs, r.status === 410 || isGone(r.body));
    return res;
  }
  if (input.kind === HTTP_WATCH_EVENT) {
    const msg = input.payload as WatchEventMessage;
    const ev = msg.event;
    if (ev.type === 'ERROR') {
      relist(inf, c, res.outputs, isGone(ev.object));
      return res;
    }
    const o = ev.object as KubeObject;
    if (o?.metadata?.resourceVersion) inf.resourceVersion = o.metadata.resourceVersion;
    if (ev.type === 'BOOKMARK') return res;
    const k = objectKeyOf(o);
    const old = inf.cache[k];
    const trace = msg.trace ?? inf.traces[k];
    if (ev.type === 'DELETED') {
      if (old) inf.sortedKeys = null;
      inf.listed = null;
      delete inf.cache[k];
      delete inf.traces[k];
      res.deltas.push({ type: 'delete', obj: o, ...(trace ? { trace } : {}) });
    } else {
      if (!old) inf.sortedKeys = null;
      inf.cache[k] = o;
      inf.listed = null;
      if (msg.trace) inf.traces[k] = msg.trace;
      res.deltas.push(old ? { type: 'update', obj: o, old, ...(trace ? { trace } : {}) } : { type: 'add', obj: o, ...(trace ? { trace } : {}) });
    }
    return res;
  }
  if (input.kind === HTTP_CANCEL) {
    // The server ended the watch (timeoutSeconds elapsed): watch again from where we are.
    res.outputs.push(...startWatch(inf, c, env));
  }
  return res;
}

/** The trace context the watch carried for an object, if any. */
export function informerTrace(inf: InformerState, key: string): TraceContext | undefined {
  return inf.traces[key];
}

/** Cache objects in key order (deterministic iteration). */
export function informerList(inf: InformerState): KubeObject[] {
  if (inf.listed) return inf.listed as KubeObject[];
  inf.sortedKeys ??= Object.keys(inf.cache).sort();
  const out = inf.sortedKeys.map((k) => inf.cache[k]!);
  inf.listed = Object.freeze(out);
  return out;
}
