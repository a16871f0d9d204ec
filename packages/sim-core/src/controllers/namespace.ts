/**
 * The namespace controller, pure: once a namespace has a deletionTimestamp (phase Terminating),
 * delete everything in it — pods first, then every other namespaced resource the API serves —,
 * wait for what remains (pods finishing their graceful termination, objects held by finalizers),
 * keep the namespace's status conditions, and finally hand back spec.finalizers without
 * "kubernetes" through the finalize subresource, after which kube-apiserver deletes the namespace.
 *
 * One sync (NamespacedResourcesDeleter.Delete) is a sequence of requests; `startSync` gives the
 * first, `onSyncResponse` the next one or the outcome, which the manager's queue turns into a
 * retry: content remaining → after estimate/2 + 1 s; an error → rate limited (5 ms doubling to
 * 60 s); every add of a terminating namespace waits namespaceDeletionGracePeriod (5 s).
 *
 * Upstream (v1.33): pkg/controller/namespace/namespace_controller.go (enqueueNamespace: only
 * namespaces with a deletionTimestamp, AddAfter namespaceDeletionGracePeriod 5 s;
 * nsControllerRateLimiter: ItemExponentialFailureRateLimiter(5 ms, 60 s) with a 10 qps/100 bucket;
 * worker: ResourcesRemainingError → AddAfter(estimate/2+1 s)), pkg/controller/namespace/deletion/
 * namespaced_resources_deleter.go (Delete: GET, updateNamespaceStatusFunc → phase Terminating,
 * return when finalized, deleteAllContent, finalizeNamespace through namespaces/finalize with
 * retryOnConflictError; deleteAllContent with OrderedNamespaceDeletion, beta and on by default in
 * 1.33 (pkg/features/kube_features.go): pods first, nothing else while pods remain;
 * deleteAllContentForGroupVersionResource: estimateGracefulTermination (the longest
 * terminationGracePeriodSeconds of non-terminal pods, 0 once that long has passed since the
 * namespace's deletionTimestamp), deleteCollection with propagationPolicy Background, list what
 * remains, finalizerEstimateSeconds 15 when finalizers hold it, else "unexpected items still
 * remain in namespace: %s for gvr: %v"), status_condition_utils.go (the five condition types,
 * their ok reasons and messages, "Some resources are remaining: …", "Some finalizers are
 * remaining: …", "Failed to delete all resource types, %d remaining: %v"),
 * cmd/kube-controller-manager/app/core.go (--namespace-sync-period 5 m resync).
 * Leaves out: discovery (the resources come from the lab's served table, which cannot fail, so
 * the discovery and group-version parsing conditions always read ok), deleteEachItem (every lab
 * resource serves deletecollection), the 10 qps bucket, Go's map order over resources (the lab
 * goes in discovery order).
 */
import type { KubeObject } from '../objects/meta';

export const NAMESPACE_DELETION_GRACE_PERIOD_US = 5_000_000;
export const NAMESPACE_SYNC_PERIOD_US = 300_000_000;
export const FINALIZER_ESTIMATE_SECONDS = 15;
export const FINALIZER_KUBERNETES = 'kubernetes';
export const NS_BACKOFF_BASE_US = 5_000;
export const NS_BACKOFF_MAX_US = 60_000_000;

/** A namespaced resource the controller deletes (a GroupVersionResource). */
export interface ContentResource {
  group: string;
  version: string;
  resource: string;
}

export interface NsRequest {
  method: 'GET' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
}

export type SyncResult = { type: 'request'; req: NsRequest } | { type: 'ok' } | { type: 'remaining'; estimate: number } | { type: 'error'; error: string };

type Step = 'get' | 'status-phase' | 'estimate' | 'delete-collection' | 'verify' | 'conditions' | 'finalize' | 'finalize-get';

export interface NamespaceSync {
  name: string;
  step: Step;
  ns?: KubeObject;
  resources: ContentResource[];
  idx: number;
  estimate: number;
  gvrEstimate: number;
  errors: string[];
  remaining: Record<string, number>;
  finalizersRemaining: Record<string, number>;
  podsFirst: boolean;
  /** After the conditions write: what the sync ends with. */
  after?: SyncResult;
}

const isPods = (r: ContentResource) => r.group === '' && r.resource === 'pods';
const gvrText = (r: ContentResource) => `${r.group}/${r.version}, Resource=${r.resource}`;
const collectionPath = (r: ContentResource, ns: string) => (r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`) + `/namespaces/${ns}/${r.resource}`;
const nsPath = (name: string) => `/api/v1/namespaces/${name}`;

/** The per-item backoff after `failures` failures (nsControllerRateLimiter). */
export const nsBackoffUs = (failures: number): number => Math.min(NS_BACKOFF_MAX_US, NS_BACKOFF_BASE_US * 2 ** Math.max(0, failures - 1));

/** The worker's requeue delay for a sync outcome (undefined: forget it). */
export function requeueAfterUs(r: SyncResult, failures: number): number | undefined {
  if (r.type === 'remaining') return (Math.floor(r.estimate / 2) + 1) * 1_000_000;
  if (r.type === 'error') return nsBackoffUs(failures);
  return undefined;
}

/** deleteAllContent's order: pods first (OrderedNamespaceDeletion), then the rest as discovery lists them. */
export function startSync(name: string, resources: ContentResource[]): { sync: NamespaceSync; next: SyncResult } {
  const pods = resources.filter(isPods);
  const order = [...pods, ...resources.filter((r) => !isPods(r))];
  const sync: NamespaceSync = { name, step: 'get', resources: order, idx: 0, estimate: 0, gvrEstimate: 0, errors: [], remaining: {}, finalizersRemaining: {}, podsFirst: pods.length > 0 };
  return { sync, next: { type: 'request', req: { method: 'GET', path: nsPath(name) } } };
}

export function onSyncResponse(s: NamespaceSync, status: number, body: any, nowMs: number, nowIso: string): SyncResult {
  const failed = (what: string) => ({ type: 'error', error: `${what}: ${body?.message ?? status}` }) as SyncResult;
  switch (s.step) {
    case 'get': {
      if (status === 404) return { type: 'ok' };
      if (status >= 300) return failed('get namespace');
      s.ns = body as KubeObject;
      if (!s.ns.metadata.deletionTimestamp) return { type: 'ok' };
      if (s.ns.status?.phase !== 'Terminating') {
        s.step = 'status-phase';
        const upd = structuredClone(s.ns);
        upd.status = { ...(upd.status ?? {}), phase: 'Terminating' };
        return { type: 'request', req: { method: 'PUT', path: `${nsPath(s.name)}/status`, body: upd } };
      }
      return afterStatus(s, nowMs);
    }
    case 'status-phase': {
      if (status === 404) return { type: 'ok' };
      if (status === 409) {
        s.step = 'get';
        return { type: 'request', req: { method: 'GET', path: nsPath(s.name) } };
      }
      if (status >= 300) return failed('update namespace status');
      s.ns = body as KubeObject;
      return afterStatus(s, nowMs);
    }
    case 'estimate': {
      const r = s.resources[s.idx]!;
      if (status >= 300) return gvrDone(s, r, { estimate: 0, n: 0, fins: {}, error: body?.message ?? `status ${status}` }, nowIso);
      let est = 0;
      for (const p of (body?.items ?? []) as KubeObject[]) {
        if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
        const g = p.spec?.terminationGracePeriodSeconds;
        if (typeof g === 'number' && g > est) est = g;
      }
      const since = nowMs - Date.parse(s.ns!.metadata.deletionTimestamp!);
      s.gvrEstimate = since >= est * 1000 ? 0 : est;
      return deleteCollection(s, r);
    }
    case 'delete-collection': {
      const r = s.resources[s.idx]!;
      // MethodNotSupported / NotFound: not supported, go on to the check (deleteEachItem is left out).
      if (status >= 300 && status !== 404 && status !== 405) return gvrDone(s, r, { estimate: s.gvrEstimate, n: 0, fins: {}, error: body?.message ?? `status ${status}` }, nowIso);
      s.step = 'verify';
      return { type: 'request', req: { method: 'GET', path: collectionPath(r, s.name) } };
    }
    case 'verify': {
      const r = s.resources[s.idx]!;
      if (status === 404 || status === 405) return gvrDone(s, r, { estimate: s.gvrEstimate, n: 0, fins: {} }, nowIso);
      if (status >= 300) return gvrDone(s, r, { estimate: s.gvrEstimate, n: 0, fins: {}, error: body?.message ?? `status ${status}` }, nowIso);
      const items = (body?.items ?? []) as KubeObject[];
      if (items.length === 0) return gvrDone(s, r, { estimate: 0, n: 0, fins: {} }, nowIso);
      const fins: Record<string, number> = {};
      for (const it of items) for (const f of (it.metadata.finalizers as string[] | undefined) ?? []) fins[f] = (fins[f] ?? 0) + 1;
      if (s.gvrEstimate !== 0) return gvrDone(s, r, { estimate: s.gvrEstimate, n: items.length, fins }, nowIso);
      if (Object.keys(fins).length > 0) return gvrDone(s, r, { estimate: FINALIZER_ESTIMATE_SECONDS, n: items.length, fins }, nowIso);
      return gvrDone(s, r, { estimate: 0, n: items.length, fins: {}, error: `unexpected items still remain in namespace: ${s.name} for gvr: ${gvrText(r)}` }, nowIso);
    }
    case 'conditions':
      // A failed conditions write is only logged upstream (utilruntime.HandleError).
      return s.after!.type === 'ok' ? finalize(s) : s.after!;
    case 'finalize': {
      if (status === 404) return { type: 'ok' };
      if (status === 409) {
        // retryOnConflictError: read the namespace again, then try again.
        s.step = 'finalize-get';
        return { type: 'request', req: { method: 'GET', path: nsPath(s.name) } };
      }
      if (status >= 300) return failed('finalize namespace');
      return { type: 'ok' };
    }
    case 'finalize-get': {
      if (status === 404) return { type: 'ok' };
      if (status >= 300) return failed('get namespace');
      if ((body as KubeObject).metadata.uid !== s.ns!.metadata.uid) return { type: 'error', error: 'namespace uid has changed across retries' };
      s.ns = body as KubeObject;
      return finalize(s);
    }
  }
}

function afterStatus(s: NamespaceSync, nowMs: number): SyncResult {
  const ns = s.ns!;
  if (!ns.metadata.deletionTimestamp) return { type: 'ok' };
  if (((ns.spec?.finalizers as string[] | undefined) ?? []).length === 0) return { type: 'ok' };
  return beginResource(s, nowMs);
}

function beginResource(s: NamespaceSync, _nowMs: number): SyncResult {
  const r = s.resources[s.idx]!;
  if (isPods(r)) {
    s.step = 'estimate';
    return { type: 'request', req: { method: 'GET', path: collectionPath(r, s.name) } };
  }
  s.gvrEstimate = 0;
  return deleteCollection(s, r);
}

function deleteCollection(s: NamespaceSync, r: ContentResource): SyncResult {
  s.step = 'delete-collection';
  return { type: 'request', req: { method: 'DELETE', path: collectionPath(r, s.name), body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } } };
}

/** One resource done: fold its metadata into the totals, then the next resource, or the end of deleteAllContent. */
function gvrDone(s: NamespaceSync, r: ContentResource, m: { estimate: number; n: number; fins: Record<string, number>; error?: string }, nowIso: string): SyncResult {
  if (m.error) s.errors.push(m.error);
  if (m.estimate > s.estimate) s.estimate = m.estimate;
  const key = `${r.resource}.${r.group}`;
  if (m.n > 0) {
    s.remaining[key] = m.n;
    for (const [f, n] of Object.entries(m.fins)) if (n > 0) s.finalizersRemaining[f] = (s.finalizersRemaining[f] ?? 0) + n;
  }
  if (s.podsFirst && isPods(r)) {
    s.podsFirst = false;
    // Pods still there: nothing else is deleted yet; the conditions are updated without the totals.
    if ((s.remaining[key] ?? 0) > 0) return endContent(s, false, nowIso);
  }
  s.idx++;
  if (s.idx < s.resources.length) return beginResource(s, 0);
  return endContent(s, true, nowIso);
}

function endContent(s: NamespaceSync, totals: boolean, nowIso: string): SyncResult {
  const after: SyncResult = s.errors.length ? { type: 'error', error: s.errors.length === 1 ? s.errors[0]! : `[${s.errors.join(', ')}]` } : s.estimate > 0 ? { type: 'remaining', estimate: s.estimate } : { type: 'ok' };
  const ns = s.ns!;
  const conds = desiredConditions(s, totals);
  if (updateConditions(ns, conds, nowIso)) {
    s.step = 'conditions';
    s.after = after;
    return { type: 'request', req: { method: 'PUT', path: `${nsPath(s.name)}/status`, body: structuredClone(ns) } };
  }
  return after.type === 'ok' ? finalize(s) : after;
}

/** finalizeNamespace: spec.finalizers without "kubernetes" (a sorted set), through namespaces/finalize. */
function finalize(s: NamespaceSync): SyncResult {
  s.step = 'finalize';
  const ns = s.ns!;
  const fins = [...new Set(((ns.spec?.finalizers as string[] | undefined) ?? []).filter((f) => f !== FINALIZER_KUBERNETES))].sort();
  return { type: 'request', req: { method: 'PUT', path: `${nsPath(s.name)}/finalize`, body: { apiVersion: 'v1', kind: 'Namespace', metadata: structuredClone(ns.metadata), spec: fins.length ? { finalizers: fins } : {} } } };
}

interface Condition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

const CONDITION_TYPES = ['NamespaceDeletionDiscoveryFailure', 'NamespaceDeletionGroupVersionParsingFailure', 'NamespaceDeletionContentFailure', 'NamespaceContentRemaining', 'NamespaceFinalizersRemaining'];
const OK: Record<string, [string, string]> = {
  NamespaceDeletionDiscoveryFailure: ['ResourcesDiscovered', 'All resources successfully discovered'],
  NamespaceDeletionGroupVersionParsingFailure: ['ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  NamespaceDeletionContentFailure: ['ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
  NamespaceContentRemaining: ['ContentRemoved', 'All content successfully removed'],
  NamespaceFinalizersRemaining: ['ContentRemoved', 'All content successfully removed'],
};

/** namespaceConditionUpdater: the failing conditions this sync found (the rest read ok). */
function desiredConditions(s: NamespaceSync, totals: boolean): Record<string, Omit<Condition, 'lastTransitionTime'>> {
  const out: Record<string, Omit<Condition, 'lastTransitionTime'>> = {};
  if (totals && Object.keys(s.remaining).length) {
    const parts = Object.entries(s.remaining).filter(([, n]) => n > 0).map(([k, n]) => `${k} has ${n} resource instances`).sort();
    out['NamespaceContentRemaining'] = { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${parts.join(', ')}` };
  }
  if (totals && Object.keys(s.finalizersRemaining).length) {
    const parts = Object.entries(s.finalizersRemaining).filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`).sort();
    out['NamespaceFinalizersRemaining'] = { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizerRemain', message: `Some finalizers are remaining: ${parts.join(', ')}` };
  }
  if (s.errors.length) {
    const msgs = [...s.errors].sort();
    out['NamespaceDeletionContentFailure'] = { type: 'NamespaceDeletionContentFailure', status: 'True', reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(', ')}` };
  }
  return out;
}

/** updateConditions: set each maintained condition (ok unless failing); true when anything changed. */
function updateConditions(ns: KubeObject, want: Record<string, Omit<Condition, 'lastTransitionTime'>>, nowIso: string): boolean {
  ns.status = { ...(ns.status ?? {}) };
  const conds: Condition[] = ((ns.status.conditions as Condition[] | undefined) ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of CONDITION_TYPES) {
    const n = want[type] ?? { type, status: 'False' as const, reason: OK[type]![0], message: OK[type]![1] };
    const old = conds.find((c) => c.type === type);
    if (!old) {
      conds.push({ type, status: n.status, lastTransitionTime: nowIso, reason: n.reason, message: n.message });
      changed = true;
    } else if (old.status !== n.status || old.message !== n.message || old.reason !== n.reason) {
      if (old.status !== n.status) old.lastTransitionTime = nowIso;
      old.status = n.status;
      old.reason = n.reason;
      old.message = n.message;
      changed = true;
    }
  }
  ns.status.conditions = conds;
  return changed;
}
