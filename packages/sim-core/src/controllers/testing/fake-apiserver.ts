/**
 * Test double for kube-apiserver speaking the http.ts contract (list, watch with
 * ?watch=true&resourceVersion=N answered by a 200 then http.watch-event messages, create with
 * generateName, update, status/binding subresources, PATCH of pods/status, graceful pod deletion).
 * Used only by tests and the bench until the real apiserver model serves watch and subresources;
 * it is no model of kube-apiserver.
 */
import { HTTP_CANCEL, HTTP_REQUEST, HTTP_RESPONSE, HTTP_WATCH_EVENT, TCP_SYN, TCP_SYN_ACK, TLS_CLIENT_HELLO, TLS_SERVER_HELLO, type HttpRequest } from '../../apiserver/http';
import type { Model, Output, StepEnv } from '../../kernel/model';
import { calendarMs, rfc3339, type KubeObject } from '../../objects/meta';
import { deleteOptionsFrom, deleteStrategyFor, planDelete, shouldDeleteDuringUpdate } from '../../apiserver/delete';
import { mergePatch } from '../../apiserver/rmw';

interface Watcher {
  from: string;
  conn: string;
  stream: number;
  collection: string;
  namespace?: string;
  /** fieldSelector spec.nodeName=<node> */
  nodeName?: string;
  /** fieldSelector status.phase!=<phase>,… */
  phaseNot?: string[];
}

export interface FakeApiState {
  /** collection ("pods", "apps/deployments", …) → "ns/name" → object */
  store: Record<string, Record<string, KubeObject>>;
  rv: number;
  uid: number;
  watchers: Watcher[];
  /** The watchers by collection and node (rebuilt when a watch starts or ends), for the bench's thousands of kubelets. */
  watchIndex?: Record<string, CollectionWatchers> | null;
  requests: number;
}

/** A collection's watchers: those without a node filter, and those with one by node. */
interface CollectionWatchers {
  all: Watcher[];
  byNode: Record<string, Watcher[]>;
}

const indexWatcher = (idx: Record<string, CollectionWatchers>, w: Watcher) => {
  const e = (idx[w.collection] ??= { all: [], byNode: {} });
  if (w.nodeName === undefined) e.all.push(w);
  else (e.byNode[w.nodeName] ??= []).push(w);
};

/** The watchers by collection and node filter, built once and kept in step as watches start and end. */
function watchIndex(s: FakeApiState): Record<string, CollectionWatchers> {
  if (!s.watchIndex) {
    s.watchIndex = {};
    for (const w of s.watchers) indexWatcher(s.watchIndex, w);
  }
  return s.watchIndex;
}

const NONE: Watcher[] = [];

/** Watchers of a collection that may match an object: those without a node filter, and those of its nodes (a and b). */
function candidates(s: FakeApiState, c: string, a: string, b?: string): [Watcher[], Watcher[], Watcher[]] {
  const e = watchIndex(s)[c];
  if (!e) return [NONE, NONE, NONE];
  return [e.all, e.byNode[a] ?? NONE, b !== undefined && b !== a ? (e.byNode[b] ?? NONE) : NONE];
}

const KINDS: Record<string, [string, string]> = {
  pods: ['v1', 'Pod'],
  nodes: ['v1', 'Node'],
  events: ['v1', 'Event'],
  leases: ['coordination.k8s.io/v1', 'Lease'],
  deployments: ['apps/v1', 'Deployment'],
  replicasets: ['apps/v1', 'ReplicaSet'],
};

export function parsePath(path: string): { collection: string; namespace?: string; name?: string; sub?: string; query: Record<string, string> } {
  const qi = path.indexOf('?');
  const p = qi < 0 ? path : path.slice(0, qi);
  const query: Record<string, string> = {};
  if (qi >= 0) {
    for (const kv of path.slice(qi + 1).split('&')) {
      if (!kv) continue;
      const e = kv.indexOf('=');
      const k = e < 0 ? kv : kv.slice(0, e);
      const v = e < 0 ? '' : kv.slice(e + 1);
      query[k] = v.includes('%') ? decodeURIComponent(v) : v;
    }
  }
  // The non-empty segments; after /api/<v> or /apis/<group>/<v>, the rest.
  const parts = p.startsWith('/') && !p.endsWith('/') && !p.includes('//') ? p.slice(1).split('/') : p.split('/').filter(Boolean);
  const i = parts[0] === 'api' ? 2 : 3;
  let namespace: string | undefined;
  let j = i;
  if (parts[i] === 'namespaces' && parts.length > i + 2) {
    namespace = parts[i + 1];
    j = i + 2;
  }
  return { collection: parts[j]!, namespace, name: parts[j + 1], sub: parts[j + 2], query };
}

const matches = (w: { namespace?: string; nodeName?: string; phaseNot?: string[] }, o: KubeObject) => (w.namespace === undefined || o.metadata.namespace === w.namespace) && (w.nodeName === undefined || (o.spec?.nodeName ?? '') === w.nodeName) && (w.phaseNot === undefined || !w.phaseNot.includes(o.status?.phase ?? ''));

/** The field selectors the fake serves (spec.nodeName=, status.phase!=); others select everything. */
function fieldFilter(sel: string | undefined): { nodeName?: string; phaseNot?: string[] } {
  const f: { nodeName?: string; phaseNot?: string[] } = {};
  for (const part of (sel ?? '').split(',')) {
    if (part.startsWith('spec.nodeName=')) f.nodeName = part.slice('spec.nodeName='.length);
    else if (part.startsWith('status.phase!=')) (f.phaseNot ??= []).push(part.slice('status.phase!='.length));
  }
  return f;
}

export function makeFakeApiserver(seedObjects: KubeObject[] = []): Model<FakeApiState> {
  // The step's context: set at the start of every step (and of every request), read by the helpers
  // below, which are made once rather than once per step (a step runs to its end before the next).
  let s!: FakeApiState;
  let env!: StepEnv;
  let out!: Output[];
  let nowIsoMemo: string | undefined;
  let curReq!: HttpRequest;
  let curFrom = '';
  const reply = (status: number, body: unknown) => {
    if (curFrom) out.push({ type: 'send', to: curFrom, kind: HTTP_RESPONSE, payload: { conn: curReq.conn, stream: curReq.stream, status, headers: {}, body } });
  };
  const nowIso = () => (nowIsoMemo ??= rfc3339(calendarMs(env.epochMs, env.now)));
  // The stored object itself goes to every watcher (as kube-apiserver's watch cache hands the
  // same object to every watcher): a stored object is never changed — each write stores a new
  // one — and receivers never change what they are handed.
  const send = (w: Watcher, type: string, o: KubeObject) => out.push({ type: 'send', to: w.from, kind: HTTP_WATCH_EVENT, payload: { conn: w.conn, stream: w.stream, event: { type, object: o } } });
  const emit = (collection: string, type: string, o: KubeObject) => {
    const e = watchIndex(s)[collection];
    if (!e) return;
    for (const w of e.all) if (matches(w, o)) send(w, type, o);
    const byNode = e.byNode[o.spec?.nodeName ?? ''];
    if (byNode) for (const w of byNode) if (matches(w, o)) send(w, type, o);
  };
  const put = (c: string, o: KubeObject, type: 'ADDED' | 'MODIFIED', old?: KubeObject, k = o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name) => {
    o.metadata.resourceVersion = String(++s.rv);
    (s.store[c] ??= {})[k] = o;
    if (old && c === 'pods' && ((old.spec?.nodeName ?? '') !== (o.spec?.nodeName ?? '') || old.status?.phase !== o.status?.phase)) {
      // A field-selector watch sees an object leave its selection as DELETED (the previous
      // object at the new resourceVersion), enter it as ADDED (bind: nodeName '' → x), as
      // the watch cache's cacheWatcher.convertToWatchEvent does.
      const [all, na, nb] = candidates(s, c, old.spec?.nodeName ?? '', o.spec?.nodeName ?? '');
      const gone = { ...old, metadata: { ...old.metadata, resourceVersion: o.metadata.resourceVersion } };
      for (const ws of [na, nb]) for (const w of ws) if (matches(w, old) && !matches(w, o)) send(w, 'DELETED', gone);
      for (const ws of [na, nb]) for (const w of ws) if (!matches(w, old) && matches(w, o)) send(w, 'ADDED', o);
      for (const w of all) {
        const was = matches(w, old);
        if (matches(w, o)) send(w, was ? type : 'ADDED', o);
        else if (was) send(w, 'DELETED', gone);
      }
      return;
    }
    emit(c, type, o);
  };
  const remove = (c: string, k: string) => {
    const o = s.store[c]?.[k];
    if (!o) return;
    delete s.store[c]![k];
    emit(c, 'DELETED', { ...o, metadata: { ...o.metadata, resourceVersion: String(++s.rv) } });
  };
  function handle(req: HttpRequest, from: string) {
    s.requests++;
    curReq = req;
    curFrom = from;
    const r = parsePath(req.path);
    const c = r.collection;
    const coll = (s.store[c] ??= {});
    const k = r.name ? (r.namespace ? `${r.namespace}/${r.name}` : r.name) : '';
    const fields = fieldFilter(r.query['fieldSelector']);
    if (req.method === 'GET' && !r.name) {
      if (r.query['watch'] === 'true') {
        const w: Watcher = { from, conn: req.conn, stream: req.stream, collection: c, ...(r.namespace ? { namespace: r.namespace } : {}), ...fields };
        s.watchers.push(w);
        if (s.watchIndex) indexWatcher(s.watchIndex, w);
        reply(200, null);
        return;
      }
      const items = Object.keys(coll)
        .sort()
        .map((x) => coll[x]!)
        .filter((o) => matches({ ...(r.namespace ? { namespace: r.namespace } : {}), ...fields }, o));
      reply(200, { kind: `${KINDS[c]?.[1] ?? 'Unknown'}List`, apiVersion: KINDS[c]?.[0] ?? 'v1', metadata: { resourceVersion: String(s.rv) }, items });
      return;
    }
    if (c === 'leases' && r.name && (req.method === 'GET' || req.method === 'PUT')) {
      // Node leases: the fake holds them as written (a GET of a lease never written makes one).
      const old = coll[k];
      const n = structuredClone(req.method === 'PUT' ? (req.body as KubeObject) : (old ?? { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: r.name, namespace: r.namespace }, spec: {} }));
      if (req.method === 'PUT' || !old) put(c, n, old ? 'MODIFIED' : 'ADDED', old);
      reply(200, structuredClone(coll[k] ?? n));
      return;
    }
    if (req.method === 'GET') {
      const o = coll[k];
      reply(o ? 200 : 404, o ?? { kind: 'Status', code: 404, reason: 'NotFound' });
      return;
    }
    if (req.method === 'POST' && c === 'serviceaccounts' && r.sub === 'token') {
      // TokenRequest: the fake accepts any bearer token, so the token only has to be non-empty.
      const exp = Number((req.body as any)?.spec?.expirationSeconds ?? 3600);
      reply(201, { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { name: r.name, namespace: r.namespace }, spec: (req.body as any)?.spec ?? {}, status: { token: `fake-token-${r.namespace}-${r.name}`, expirationTimestamp: rfc3339(calendarMs(env.epochMs, env.now + exp * 1_000_000)) } });
      return;
    }
    if (req.method === 'POST' && r.sub === 'binding') {
      const o = coll[k];
      if (!o || o.spec?.nodeName) return reply(409, { kind: 'Status', code: 409, reason: 'Conflict' });
      const n: KubeObject = { ...o, metadata: { ...o.metadata }, spec: { ...o.spec, nodeName: (req.body as any).target.name } };
      n.status = { ...(o.status ?? {}), conditions: [...(o.status?.conditions ?? []).filter((x: any) => x.type !== 'PodScheduled'), { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowIso() }] };
      put(c, n, 'MODIFIED', o, k);
      reply(201, { kind: 'Status', status: 'Success', code: 201 });
      return;
    }
    if (req.method === 'POST') {
      // The body's own fields are not changed (the stored object is a new one with new metadata; the rest is shared, as stored objects are).
      const body = req.body as KubeObject;
      const o: KubeObject = { ...body, metadata: { ...body.metadata } };
      const [apiVersion, kind] = KINDS[c] ?? ['v1', 'Unknown'];
      o.apiVersion = apiVersion;
      o.kind = kind;
      if (r.namespace) o.metadata.namespace = r.namespace;
      if (!o.metadata.name && o.metadata.generateName) o.metadata.name = `${o.metadata.generateName}${env.rng.kubeString(5)}`;
      const ok = o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
      if (coll[ok]) return reply(409, { kind: 'Status', code: 409, reason: 'AlreadyExists' });
      o.metadata.uid = `uid-${++s.uid}`;
      o.metadata.creationTimestamp = nowIso();
      if (c === 'deployments' || c === 'replicasets') o.metadata.generation = 1;
      if (c === 'pods') o.status = { phase: 'Pending', qosClass: 'BestEffort' };
      put(c, o, 'ADDED', undefined, ok);
      reply(201, o);
      return;
    }
    if (req.method === 'PATCH' && !r.sub && (req.headers['Content-Type'] ?? '').startsWith('application/merge-patch+json')) {
      // A JSON merge patch (the garbage collector's ownerReferences and finalizers): the
      // patch's resourceVersion must match; emptying the finalizers of an object being deleted deletes it.
      const old = coll[k];
      if (!old) return reply(404, { kind: 'Status', code: 404, reason: 'NotFound' });
      const rv = (req.body as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion;
      if (rv && rv !== old.metadata.resourceVersion) return reply(409, { kind: 'Status', code: 409, reason: 'Conflict' });
      const n = mergePatch(structuredClone(old), req.body) as KubeObject;
      n.metadata = { ...n.metadata, name: old.metadata.name, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, ...(old.metadata.namespace ? { namespace: old.metadata.namespace } : {}) };
      if (shouldDeleteDuringUpdate(old, n, false)) {
        reply(200, structuredClone(n));
        remove(c, k);
        return;
      }
      put(c, n, 'MODIFIED', old, k);
      reply(200, structuredClone(n));
      return;
    }
    if (req.method === 'PUT' || req.method === 'PATCH') {
      const old = coll[k];
      if (!old) return reply(404, { kind: 'Status', code: 404, reason: 'NotFound' });
      const body = req.body as KubeObject;
      if (req.method === 'PUT' && body.metadata?.resourceVersion && body.metadata.resourceVersion !== old.metadata.resourceVersion) return reply(409, { kind: 'Status', code: 409, reason: 'Conflict' });
      // A new object for the new version (the stored one is shared with every watcher and reader, never changed).
      const n: KubeObject = { ...old, metadata: { ...old.metadata } };
      if (r.sub === 'status') {
        n.status = req.method === 'PATCH' ? { ...(old.status ?? {}), ...body.status } : body.status;
        // apps' status strategy keeps the request's annotations (the Deployment's revision).
        if ((c === 'deployments' || c === 'replicasets') && body.metadata?.annotations) n.metadata.annotations = body.metadata.annotations;
      }
      else if (r.sub === 'scale') n.spec = { ...n.spec, replicas: (body as any).spec.replicas };
      else {
        if (JSON.stringify(body.spec) !== JSON.stringify(old.spec) && n.metadata.generation) n.metadata.generation++;
        n.spec = body.spec;
        n.metadata.labels = body.metadata.labels;
        n.metadata.annotations = body.metadata.annotations;
      }
      if (r.sub === 'scale' && n.metadata.generation) n.metadata.generation++;
      put(c, n, 'MODIFIED', old, k);
      reply(200, n);
      return;
    }
    if (req.method === 'DELETE') {
      // The registry's delete (apiserver/delete.ts): preconditions, graceful pod deletion,
      // finalizers and the propagation policy's orphan/foregroundDeletion finalizers.
      const o = coll[k];
      if (!o) return reply(404, { kind: 'Status', code: 404, reason: 'NotFound' });
      const parsed = deleteOptionsFrom(req.body, new URLSearchParams());
      const plan = planDelete(o, parsed.ok ? parsed.options : {}, deleteStrategyFor(c === 'deployments' || c === 'replicasets' ? 'apps' : '', c), calendarMs(env.epochMs, env.now));
      if (!plan.ok) return reply(plan.code, { kind: 'Status', code: plan.code, reason: plan.code === 409 ? 'Conflict' : 'Invalid', message: plan.message });
      if (plan.action === 'none' || plan.action === 'unchanged') return reply(200, structuredClone(o));
      if (plan.action === 'update') {
        const n = structuredClone(plan.object);
        put(c, n, 'MODIFIED', o);
        return reply(200, structuredClone(n));
      }
      if (plan.action === 'update-then-delete') put(c, structuredClone(plan.object), 'MODIFIED', o);
      reply(200, structuredClone(coll[k] ?? o));
      remove(c, k);
    }
  }
  return {
    type: 'kube-apiserver',
    init: () => {
      const s: FakeApiState = { store: {}, rv: 100, uid: 0, watchers: [], requests: 0 };
      const collectionOf: Record<string, string> = {};
      for (const [c, [, kind]] of Object.entries(KINDS)) collectionOf[kind] = c;
      for (const o of seedObjects) {
        const c = collectionOf[o.kind]!;
        // A new object with its own metadata; the rest is shared with the seed (stored objects are never changed).
        (s.store[c] ??= {})[o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name] = { ...o, metadata: { ...o.metadata, resourceVersion: String(++s.rv) } };
      }
      return s;
    },
    step(state, input, stepEnv) {
      s = state;
      env = stepEnv;
      out = [];
      nowIsoMemo = undefined;
      if (input.type === 'command') {
        const { method, path, body } = input.payload as { method: string; path: string; body?: unknown };
        handle({ conn: '', stream: 0, method, path, headers: {}, body }, '');
        return { state: s, outputs: out };
      }
      if (input.type !== 'message') return { state: s, outputs: out };
      const p = input.payload as any;
      if (input.kind === TCP_SYN) out.push({ type: 'send', to: input.from, kind: TCP_SYN_ACK, payload: { conn: p.conn } });
      else if (input.kind === TLS_CLIENT_HELLO) out.push({ type: 'send', to: input.from, kind: TLS_SERVER_HELLO, payload: { conn: p.conn } });
      else if (input.kind === HTTP_CANCEL) {
        s.watchers = s.watchers.filter((w) => !(w.conn === p.conn && w.stream === p.stream));
        s.watchIndex = null;
      }
      else if (input.kind === HTTP_REQUEST) handle(p as HttpRequest, input.from);
      return { state: s, outputs: out };
    },
  };
}
