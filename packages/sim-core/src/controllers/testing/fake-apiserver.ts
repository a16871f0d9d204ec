/**
 * Test double for kube-apiserver speaking the http.ts contract (list, watch with
 * ?watch=true&resourceVersion=N answered by a 200 then http.watch-event messages, create with
 * generateName, update, status/binding subresources, PATCH of pods/status, graceful pod deletion).
 * Used only by tests and the bench until the real apiserver model serves watch and subresources;
 * it is no model of kube-apiserver.
 */
import { HTTP_CANCEL, HTTP_REQUEST, HTTP_RESPONSE, HTTP_WATCH_EVENT, TCP_SYN, TCP_SYN_ACK, TLS_CLIENT_HELLO, TLS_SERVER_HELLO, type HttpRequest } from '../../apiserver/http';
import type { Model, Output } from '../../kernel/model';
import { calendarMs, rfc3339, type KubeObject } from '../../objects/meta';
import { deleteOptionsFrom, deleteStrategyFor, planDelete, shouldDeleteDuringUpdate } from '../../apiserver/delete';
import { mergePatch } from '../../apiserver/rmw';

interface Watcher {
  from: string;
  conn: string;
  stream: number;
  collection: string;
  namespace?: string;
  nodeName?: string;
}

export interface FakeApiState {
  /** collection ("pods", "apps/deployments", …) → "ns/name" → object */
  store: Record<string, Record<string, KubeObject>>;
  rv: number;
  uid: number;
  watchers: Watcher[];
  /** The watchers by collection and node (rebuilt when a watch starts or ends), for the bench's thousands of kubelets. */
  watchIndex?: Record<string, Watcher[]> | null;
  requests: number;
}

/** The watchers by collection and node filter ("*" for none), built once and kept in step as watches start and end. */
function watchIndex(s: FakeApiState): Record<string, Watcher[]> {
  if (!s.watchIndex) {
    s.watchIndex = {};
    for (const w of s.watchers) (s.watchIndex[`${w.collection}|${w.nodeName ?? '*'}`] ??= []).push(w);
  }
  return s.watchIndex;
}

/** Watchers of a collection that may match an object: those without a node filter, and those of its nodes. */
function candidates(s: FakeApiState, c: string, nodeNames: (string | undefined)[]): Watcher[] {
  const idx = watchIndex(s);
  const all = idx[`${c}|*`] ?? [];
  const a = nodeNames[0];
  const b = nodeNames[1] !== a ? nodeNames[1] : undefined;
  const na = a !== undefined ? idx[`${c}|${a}`] : undefined;
  const nb = b !== undefined ? idx[`${c}|${b}`] : undefined;
  if (!na && !nb) return all;
  return [...all, ...(na ?? []), ...(nb ?? [])];
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
  const [p, q = ''] = path.split('?') as [string, string?];
  const query: Record<string, string> = {};
  for (const kv of q.split('&').filter(Boolean)) {
    const [k, v = ''] = kv.split('=');
    query[k!] = decodeURIComponent(v);
  }
  const parts = p.split('/').filter(Boolean);
  const rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
  let namespace: string | undefined;
  let i = 0;
  if (rest[0] === 'namespaces' && rest.length > 2) {
    namespace = rest[1];
    i = 2;
  }
  return { collection: rest[i]!, namespace, name: rest[i + 1], sub: rest[i + 2], query };
}

const matches = (w: { namespace?: string; nodeName?: string }, o: KubeObject) => (w.namespace === undefined || o.metadata.namespace === w.namespace) && (w.nodeName === undefined || (o.spec?.nodeName ?? '') === w.nodeName);

export function makeFakeApiserver(seedObjects: KubeObject[] = []): Model<FakeApiState> {
  return {
    type: 'kube-apiserver',
    init: () => {
      const s: FakeApiState = { store: {}, rv: 100, uid: 0, watchers: [], requests: 0 };
      for (const o of seedObjects) {
        const c = Object.entries(KINDS).find(([, [, k]]) => k === o.kind)![0];
        (s.store[c] ??= {})[o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name] = { ...structuredClone(o), metadata: { ...o.metadata, resourceVersion: String(++s.rv) } };
      }
      return s;
    },
    step(s, input, env) {
      const out: Output[] = [];
      const nowIso = rfc3339(calendarMs(env.epochMs, env.now));
      // One copy of the object per event, shared by every watcher (as kube-apiserver's watch cache
      // hands the same object to every watcher); receivers never change what they are handed.
      const emit = (collection: string, type: string, o: KubeObject) => {
        let copy: KubeObject | undefined;
        for (const w of candidates(s, collection, [o.spec?.nodeName ?? ''])) if (w.collection === collection && matches(w, o)) out.push({ type: 'send', to: w.from, kind: HTTP_WATCH_EVENT, payload: { conn: w.conn, stream: w.stream, event: { type, object: (copy ??= structuredClone(o)) } } });
        // A field-selector watch sees an object leave its selection as DELETED (bind: nodeName '' → x).
      };
      const put = (c: string, o: KubeObject, type: 'ADDED' | 'MODIFIED', old?: KubeObject) => {
        o.metadata.resourceVersion = String(++s.rv);
        (s.store[c] ??= {})[o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name] = o;
        if (old && c === 'pods' && (old.spec?.nodeName ?? '') !== (o.spec?.nodeName ?? '')) {
          const cand = candidates(s, c, [old.spec?.nodeName ?? '', o.spec?.nodeName ?? '']);
          const copy = structuredClone(o);
          for (const w of cand) if (w.collection === c && w.nodeName !== undefined && matches(w, old) && !matches(w, o)) out.push({ type: 'send', to: w.from, kind: HTTP_WATCH_EVENT, payload: { conn: w.conn, stream: w.stream, event: { type: 'DELETED', object: copy } } });
          for (const w of cand) if (w.collection === c && w.nodeName !== undefined && !matches(w, old) && matches(w, o)) out.push({ type: 'send', to: w.from, kind: HTTP_WATCH_EVENT, payload: { conn: w.conn, stream: w.stream, event: { type: 'ADDED', object: copy } } });
          for (const w of cand) if (w.collection === c && w.nodeName === undefined && matches(w, o)) out.push({ type: 'send', to: w.from, kind: HTTP_WATCH_EVENT, payload: { conn: w.conn, stream: w.stream, event: { type, object: copy } } });
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

      function handle(req: HttpRequest, from: string) {
        s.requests++;
        const reply = (status: number, body: unknown) => {
          if (from) out.push({ type: 'send', to: from, kind: HTTP_RESPONSE, payload: { conn: req.conn, stream: req.stream, status, headers: {}, body } });
        };
        const r = parsePath(req.path);
        const c = r.collection;
        const coll = (s.store[c] ??= {});
        const k = r.name ? (r.namespace ? `${r.namespace}/${r.name}` : r.name) : '';
        const nodeSel = r.query['fieldSelector']?.startsWith('spec.nodeName=') ? r.query['fieldSelector'].slice('spec.nodeName='.length) : undefined;
        if (req.method === 'GET' && !r.name) {
          if (r.query['watch'] === 'true') {
            const w: Watcher = { from, conn: req.conn, stream: req.stream, collection: c, ...(r.namespace ? { namespace: r.namespace } : {}), ...(nodeSel !== undefined ? { nodeName: nodeSel } : {}) };
            s.watchers.push(w);
            if (s.watchIndex) (s.watchIndex[`${c}|${nodeSel ?? '*'}`] ??= []).push(w);
            reply(200, null);
            return;
          }
          const items = Object.keys(coll)
            .sort()
            .map((x) => coll[x]!)
            .filter((o) => matches({ ...(r.namespace ? { namespace: r.namespace } : {}), ...(nodeSel !== undefined ? { nodeName: nodeSel } : {}) }, o));
          reply(200, { kind: `${KINDS[c]?.[1] ?? 'Unknown'}List`, apiVersion: KINDS[c]?.[0] ?? 'v1', metadata: { resourceVersion: String(s.rv) }, items: structuredClone(items) });
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
          reply(o ? 200 : 404, o ? structuredClone(o) : { kind: 'Status', code: 404, reason: 'NotFound' });
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
          const n = structuredClone(o);
          n.spec.nodeName = (req.body as any).target.name;
          n.status = { ...(n.status ?? {}), conditions: [...(n.status?.conditions ?? []).filter((x: any) => x.type !== 'PodScheduled'), { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowIso }] };
          put(c, n, 'MODIFIED', o);
          reply(201, { kind: 'Status', status: 'Success', code: 201 });
          return;
        }
        if (req.method === 'POST') {
          const o = structuredClone(req.body as KubeObject);
          const [apiVersion, kind] = KINDS[c] ?? ['v1', 'Unknown'];
          o.apiVersion = apiVersion;
          o.kind = kind;
          if (r.namespace) o.metadata.namespace = r.namespace;
          if (!o.metadata.name && o.metadata.generateName) o.metadata.name = `${o.metadata.generateName}${env.rng.kubeString(5)}`;
          const ok = o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
          if (coll[ok]) return reply(409, { kind: 'Status', code: 409, reason: 'AlreadyExists' });
          o.metadata.uid = `uid-${++s.uid}`;
          o.metadata.creationTimestamp = nowIso;
          if (c === 'deployments' || c === 'replicasets') o.metadata.generation = 1;
          if (c === 'pods') o.status = { phase: 'Pending', qosClass: 'BestEffort' };
          put(c, o, 'ADDED');
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
          put(c, n, 'MODIFIED', old);
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
          put(c, n, 'MODIFIED', old);
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
    },
  };
}
