/**
 * The garbage collector, pure: the dependency graph from ownerReferences, and what it does with
 * each object — delete dependents whose owners are gone (background cascade), delete the
 * dependents of an owner deleted in the foreground and then let the owner go, or orphan the
 * dependents of an owner deleted with propagationPolicy Orphan.
 * `kubectl delete deployment web` (Background) deletes the Deployment at once; the collector then
 * deletes its ReplicaSets, and then their pods (gracefully). `--cascade=foreground` leaves the
 * Deployment with deletionTimestamp and the foregroundDeletion finalizer until every dependent
 * that blocks it (blockOwnerDeletion) is gone; `--cascade=orphan` leaves it with the orphan
 * finalizer until the collector has removed it from its dependents' ownerReferences.
 *
 * Upstream (v1.33): pkg/controller/garbagecollector/garbagecollector.go (attemptToDeleteItem: an
 * item being deleted and not deleting its dependents is left alone; classifyReferences into
 * solid, dangling — confirmed by a live GET answering 404 or another uid, then remembered in the
 * absentOwnerCache (500 entries) — and waitingForDependentsDeletion; with a solid owner the
 * dangling and waiting references are patched away; an item whose owners all wait and which has
 * dependents is deleted in the foreground; otherwise the policy its own finalizers ask for,
 * Background by default; processDeletingDependentsItem: no blocking dependents → remove
 * foregroundDeletion, else attempt to delete them; attemptToOrphanWorker/orphanDependents: remove
 * the owner from each dependent, then the orphan finalizer), graph_builder.go (processTransitions:
 * an owner that starts waiting for its dependents' deletion queues all of them; node.go
 * blockingDependents: dependents whose reference to the owner has blockOwnerDeletion),
 * operations.go (deleteObject: preconditions uid and resourceVersion; removeFinalizer: a JSON
 * merge patch of metadata.resourceVersion and metadata.finalizers), patch.go
 * (deleteOwnerRefJSONMergePatch: metadata.resourceVersion and the remaining ownerReferences).
 * Queues: DefaultControllerRateLimiter's per-item backoff, 5 ms doubling to 1000 s
 * (client-go/util/workqueue default_rate_limiters.go).
 * Leaves out: the graph covers the kinds whose informers the manager runs (owners Deployment,
 * ReplicaSet, Service; dependents ReplicaSet, Pod, EndpointSlice) — owners of other kinds (Job,
 * DaemonSet) are never judged absent; a present owner is read from the informer cache rather than
 * with a live GET; the strategic-merge patch upstream tries first for built-in kinds (the lab sends
 * the JSON merge patch upstream falls back to); the cycle check that unblocks ownerReferences; the
 * retry of a conflicting delete without the resourceVersion precondition (the item is retried
 * from the cache instead); the 10 qps bucket of the rate limiter.
 */
import type { KubeObject } from '../objects/meta';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';
/** absentOwnerCache size (garbagecollector.go NewGarbageCollector: NewReferenceCache(500)). */
export const ABSENT_OWNER_CACHE_SIZE = 500;
/** DefaultControllerRateLimiter's per-item exponential backoff: 5 ms base, 1000 s cap. */
export const GC_BACKOFF_BASE_US = 5_000;
export const GC_BACKOFF_MAX_US = 1_000_000_000;

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The owner kinds this collector can judge: the ones whose informers the manager runs. */
export const WATCHED_OWNER_KINDS = ['Deployment', 'ReplicaSet', 'Service'];

const finalizers = (o: KubeObject): string[] => (o.metadata.finalizers as string[] | undefined) ?? [];
export const refsOf = (o: KubeObject): OwnerRef[] => (o.metadata.ownerReferences ?? []) as OwnerRef[];

/** node.isDeletingDependents: being deleted with the foregroundDeletion finalizer. */
export const isDeletingDependents = (o: KubeObject): boolean => !!o.metadata.deletionTimestamp && finalizers(o).includes(FINALIZER_FOREGROUND);
/** startsWaitingForDependentsOrphaned: being deleted with the orphan finalizer. */
export const isOrphaning = (o: KubeObject): boolean => !!o.metadata.deletionTimestamp && finalizers(o).includes(FINALIZER_ORPHAN);

/** The REST path of an object of a kind the collector handles. */
export function objectPath(kind: string, namespace: string, name: string): string {
  switch (kind) {
    case 'Deployment':
      return `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`;
    case 'ReplicaSet':
      return `/apis/apps/v1/namespaces/${namespace}/replicasets/${name}`;
    case 'Service':
      return `/api/v1/namespaces/${namespace}/services/${name}`;
    case 'EndpointSlice':
      return `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices/${name}`;
    default:
      return `/api/v1/namespaces/${namespace}/pods/${name}`;
  }
}

/** The REST path of an owner reference (to confirm its absence with a live GET). */
export const ownerPath = (namespace: string, r: OwnerRef): string => objectPath(r.kind, namespace, r.name);

/** What the collector knows of an owner: in the cache (with that uid), known absent, or to be confirmed. */
export type OwnerLookup = { state: 'present'; owner: KubeObject } | { state: 'absent' } | { state: 'unconfirmed' } | { state: 'unjudged' };

export interface Classified {
  solid: OwnerRef[];
  dangling: OwnerRef[];
  waiting: OwnerRef[];
  unconfirmed: OwnerRef[];
}

/** classifyReferences, with the lookups the manager can answer from its caches. */
export function classifyReferences(o: KubeObject, lookup: (r: OwnerRef) => OwnerLookup): Classified {
  const c: Classified = { solid: [], dangling: [], waiting: [], unconfirmed: [] };
  for (const r of refsOf(o)) {
    const l = lookup(r);
    if (l.state === 'unjudged') c.solid.push(r);
    else if (l.state === 'absent') c.dangling.push(r);
    else if (l.state === 'unconfirmed') c.unconfirmed.push(r);
    else if (isDeletingDependents(l.owner)) c.waiting.push(r);
    else c.solid.push(r);
  }
  return c;
}

export type GcAction =
  | { type: 'none' }
  | { type: 'confirm'; ref: OwnerRef }
  | { type: 'patch-owner-refs'; remove: string[] }
  | { type: 'delete'; policy: 'Foreground' | 'Background' | 'Orphan' };

/** attemptToDeleteItem for an item the collector has in its graph. */
export function attemptToDeleteItem(o: KubeObject, lookup: (r: OwnerRef) => OwnerLookup, hasDependents: boolean): GcAction {
  // "being deleted" is a one-way trip: wait for the final deletion (unless it waits on its own dependents, handled as an owner).
  if (o.metadata.deletionTimestamp) return { type: 'none' };
  if (refsOf(o).length === 0) return { type: 'none' };
  const c = classifyReferences(o, lookup);
  if (c.unconfirmed.length > 0) return { type: 'confirm', ref: c.unconfirmed[0]! };
  if (c.solid.length > 0) {
    if (c.dangling.length === 0 && c.waiting.length === 0) return { type: 'none' };
    return { type: 'patch-owner-refs', remove: [...c.dangling, ...c.waiting].map((r) => r.uid) };
  }
  if (c.waiting.length > 0 && hasDependents) return { type: 'delete', policy: 'Foreground' };
  const f = finalizers(o);
  return { type: 'delete', policy: f.includes(FINALIZER_ORPHAN) ? 'Orphan' : f.includes(FINALIZER_FOREGROUND) ? 'Foreground' : 'Background' };
}

/** node.blockingDependents: dependents whose reference to the owner has blockOwnerDeletion=true. */
export function blockingDependents(owner: KubeObject, dependents: KubeObject[]): KubeObject[] {
  return dependents.filter((d) => refsOf(d).some((r) => r.uid === owner.metadata.uid && r.blockOwnerDeletion === true));
}

/** deleteOwnerRefJSONMergePatch: the remaining ownerReferences (null when none remain) at the item's resourceVersion. */
export function deleteOwnerRefsPatch(o: KubeObject, uids: string[]): unknown {
  const keep = refsOf(o).filter((r) => !uids.includes(r.uid));
  return { metadata: { resourceVersion: o.metadata.resourceVersion, ownerReferences: keep.length ? keep : null } };
}

/** removeFinalizer's merge patch (objectForFinalizersPatch). */
export function removeFinalizerPatch(o: KubeObject, finalizer: string): unknown {
  const keep = finalizers(o).filter((f) => f !== finalizer);
  return { metadata: { resourceVersion: o.metadata.resourceVersion, finalizers: keep.length ? keep : null } };
}

/** deleteObject's options: preconditions uid and resourceVersion, and the propagation policy. */
export function deleteOptions(o: KubeObject, policy: 'Foreground' | 'Background' | 'Orphan'): unknown {
  return { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: o.metadata.uid, ...(o.metadata.resourceVersion ? { resourceVersion: o.metadata.resourceVersion } : {}) }, propagationPolicy: policy };
}

/** The per-item backoff after `failures` failures (ItemExponentialFailureRateLimiter). */
export const gcBackoffUs = (failures: number): number => Math.min(GC_BACKOFF_MAX_US, GC_BACKOFF_BASE_US * 2 ** Math.max(0, failures - 1));
