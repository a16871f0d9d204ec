/**
 * Deletion as kube-apiserver's registry does it, pure: the DeleteOptions a DELETE carries, their
 * validation and preconditions, graceful deletion (pods), finalizers (an object that has any is
 * only marked: deletionTimestamp, deletionGracePeriodSeconds 0), the garbage collector's
 * `orphan` and `foregroundDeletion` finalizers from the propagation policy, the namespace
 * registry's two-phase delete, and what a delete answers.
 *
 * Upstream (v1.33): k8s.io/apiserver/pkg/endpoints/handlers/delete.go (DeleteResource: options
 * from a non-empty body, otherwise from the query; 200, or 202 when the object stays and
 * orphanDependents=false was asked), pkg/registry/rest/delete.go (BeforeDelete:
 * ValidateDeleteOptions, the uid/resourceVersion preconditions' 409s worded with the Kind,
 * negative grace → 1, only a shorter grace period may replace a pending one),
 * pkg/registry/generic/registry/store.go (Delete, updateForGracefulDeletionAndFinalizers,
 * deletionFinalizersForGarbageCollection, shouldOrphanDependents, shouldDeleteDependents,
 * markAsDeleting, ShouldDeleteDuringUpdate, finalizeDelete: Status Success with details {name,
 * group, kind: the resource, uid} unless the store sets ReturnDeletedObject),
 * pkg/registry/core/pod/strategy.go (CheckGracefulDelete), pkg/registry/apps/deployment and
 * replicaset strategy.go (DefaultGarbageCollectionPolicy: DeleteDependents for apps/v1),
 * pkg/registry/core/namespace/storage/storage.go (REST.Delete: the uid precondition,
 * deletionTimestamp and phase Terminating, orphan/foregroundDeletion from the options, the
 * namespace itself answered while spec.finalizers remain; ShouldDeleteNamespaceDuringUpdate),
 * apimachinery pkg/apis/meta/v1/validation/validation.go (ValidateDeleteOptions).
 * Leaves out: admission on delete other than NamespaceLifecycle (in kube-apiserver.ts), the
 * per-store ShouldDeleteDuringUpdate hooks beyond the namespace's, TTLs. Where Go iterates a map
 * (the namespace's new metadata.finalizers), the lab keeps the existing order and appends.
 */
import type { KubeObject } from '../objects/meta';
import { rfc3339 } from '../objects/meta';
import { invalid, notSupported, type FieldError } from './validation/field';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

/** metav1.DeleteOptions (the fields the registry reads). */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

/** The parts of a resource's registry strategy deletion consults. */
export interface DeleteStrategy {
  /** RESTGracefulDeleteStrategy: pods. */
  gracefulPod: boolean;
  /** GarbageCollectionDeleteStrategy.DefaultGarbageCollectionPolicy ('' when the strategy has none). */
  defaultGC: '' | 'DeleteDependents' | 'OrphanDependents' | 'Unsupported';
}

/** Stores with ReturnDeletedObject: true (a completed delete answers the object, not a Status). */
export const RETURNS_DELETED_OBJECT = new Set(['pods', 'services', 'serviceaccounts', 'namespaces']);

/** NamespaceLifecycle's immortal namespaces (plugin/namespace/lifecycle Register: default, kube-system, kube-public). */
export const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public'];

export function deleteStrategyFor(group: string, resource: string): DeleteStrategy {
  return { gracefulPod: group === '' && resource === 'pods', defaultGC: group === 'apps' ? 'DeleteDependents' : '' };
}

/**
 * The delete's plan: leave the object as it is and answer as a finished delete does ('none': a
 * graceful deletion already pending), leave it as it is and answer it ('unchanged': marked
 * already, GuaranteedUpdate writes nothing new), write it marked ('update'), remove it
 * ('delete'), or write it marked and then remove it ('update-then-delete': a graceful delete whose
 * grace period is 0, as a pod's final delete).
 */
export type DeletePlan =
  | { ok: true; action: 'none' | 'unchanged' | 'update' | 'delete' | 'update-then-delete'; object: KubeObject }
  | { ok: false; code: 409 | 422; message: string; qualified: string; invalid?: FieldError[] };

const finalizersOf = (o: KubeObject): string[] => ((o.metadata.finalizers as string[] | undefined) ?? []).slice();

function setFinalizers(o: KubeObject, f: string[]): void {
  if (f.length) o.metadata.finalizers = f;
  else delete o.metadata.finalizers;
}

/** DeleteResource: the options from a non-empty body, else from the query (the parameter codec). */
export function deleteOptionsFrom(body: unknown, query: URLSearchParams): { ok: true; options: DeleteOptions } | { ok: false; message: string } {
  if (body !== undefined && body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    const o: DeleteOptions = {};
    if (typeof b['gracePeriodSeconds'] === 'number') o.gracePeriodSeconds = b['gracePeriodSeconds'];
    if (typeof b['propagationPolicy'] === 'string') o.propagationPolicy = b['propagationPolicy'];
    if (typeof b['orphanDependents'] === 'boolean') o.orphanDependents = b['orphanDependents'];
    if (Array.isArray(b['dryRun'])) o.dryRun = (b['dryRun'] as unknown[]).map(String);
    const pre = b['preconditions'] as { uid?: unknown; resourceVersion?: unknown } | undefined;
    if (pre && typeof pre === 'object') o.preconditions = { ...(typeof pre.uid === 'string' ? { uid: pre.uid } : {}), ...(typeof pre.resourceVersion === 'string' ? { resourceVersion: pre.resourceVersion } : {}) };
    return { ok: true, options: o };
  }
  const o: DeleteOptions = {};
  const grace = query.get('gracePeriodSeconds');
  if (grace !== null) {
    if (!/^-?\d+$/.test(grace)) return { ok: false, message: `strconv.ParseInt: parsing ${JSON.stringify(grace)}: invalid syntax` };
    o.gracePeriodSeconds = Number(grace);
  }
  const pp = query.get('propagationPolicy');
  if (pp !== null) o.propagationPolicy = pp;
  const orphan = query.get('orphanDependents');
  if (orphan !== null) {
    if (!['true', 'false', '1', '0', 't', 'f', 'T', 'F', 'TRUE', 'FALSE', 'True', 'False'].includes(orphan)) return { ok: false, message: `strconv.ParseBool: parsing ${JSON.stringify(orphan)}: invalid syntax` };
    o.orphanDependents = ['true', '1', 't', 'T', 'TRUE', 'True'].includes(orphan);
  }
  const dry = query.getAll('dryRun');
  if (dry.length) o.dryRun = dry;
  return { ok: true, options: o };
}

/** ValidateDeleteOptions. */
export function validateDeleteOptions(o: DeleteOptions): FieldError[] {
  const errs: FieldError[] = [];
  if (o.orphanDependents !== undefined && o.propagationPolicy !== undefined) errs.push(invalid('propagationPolicy', o.propagationPolicy, 'orphanDependents and deletionPropagation cannot be both set'));
  if (o.propagationPolicy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(o.propagationPolicy)) errs.push(notSupported('propagationPolicy', o.propagationPolicy, ['Foreground', 'Background', 'Orphan', 'nil']));
  for (const d of o.dryRun ?? []) if (d !== 'All') errs.push(notSupported('dryRun', o.dryRun, ['All']));
  return errs;
}

export const isDryRun = (o: DeleteOptions): boolean => (o.dryRun ?? []).includes('All');

/** The "Kind.group" the BeforeDelete conflicts name (schema.GroupResource{Group, Resource: Kind}). */
const kindQualified = (o: KubeObject): string => {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '';
  return group ? `${o.kind}.${group}` : o.kind;
};

/** rest.BeforeDelete: validation, preconditions, and (graceful strategies) the deletion timestamp. */
function beforeDelete(o: KubeObject, opts: DeleteOptions, strategy: DeleteStrategy, nowMs: number): { graceful: boolean; pending: boolean } | Extract<DeletePlan, { ok: false }> {
  const errs = validateDeleteOptions(opts);
  if (errs.length) return { ok: false, code: 422, message: '', qualified: 'DeleteOptions.meta.k8s.io', invalid: errs };
  const pre = opts.preconditions;
  if (pre?.uid !== undefined && pre.uid !== o.metadata.uid) return { ok: false, code: 409, qualified: kindQualified(o), message: `the UID in the precondition (${pre.uid}) does not match the UID in record (${o.metadata.uid ?? ''}). The object might have been deleted and then recreated` };
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== o.metadata.resourceVersion) return { ok: false, code: 409, qualified: kindQualified(o), message: `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${o.metadata.resourceVersion ?? ''}). The object might have been modified` };
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) opts.gracePeriodSeconds = 1;
  const dgp = o.metadata.deletionGracePeriodSeconds as number | undefined;
  if (dgp !== undefined && dgp !== null && dgp < 0) o.metadata.deletionGracePeriodSeconds = 1;
  if (!strategy.gracefulPod) return { graceful: false, pending: false };
  if (o.metadata.deletionTimestamp) {
    const cur = o.metadata.deletionGracePeriodSeconds as number | undefined | null;
    if (cur === undefined || cur === null || cur === 0) return { graceful: false, pending: false };
    if (opts.gracePeriodSeconds !== undefined) {
      if (opts.gracePeriodSeconds >= cur) return { graceful: false, pending: true };
      const ts = Date.parse(o.metadata.deletionTimestamp) - cur * 1000 + opts.gracePeriodSeconds * 1000;
      o.metadata.deletionTimestamp = rfc3339(ts);
      o.metadata.deletionGracePeriodSeconds = opts.gracePeriodSeconds;
      return { graceful: true, pending: false };
    }
    opts.gracePeriodSeconds = cur;
    return { graceful: false, pending: true };
  }
  // podStrategy.CheckGracefulDelete: the request's grace, else the pod's; unscheduled and
  // terminated pods go at once.
  let period = opts.gracePeriodSeconds ?? (o.spec?.terminationGracePeriodSeconds as number | undefined) ?? 0;
  if (!o.spec?.nodeName) period = 0;
  if (o.status?.phase === 'Failed' || o.status?.phase === 'Succeeded') period = 0;
  if (period < 0) period = 1;
  opts.gracePeriodSeconds = period;
  o.metadata.deletionTimestamp = rfc3339(nowMs + period * 1000);
  o.metadata.deletionGracePeriodSeconds = period;
  if ((o.metadata.generation ?? 0) > 0) o.metadata.generation = Number(o.metadata.generation) + 1;
  return { graceful: true, pending: false };
}

function shouldOrphanDependents(o: KubeObject, opts: DeleteOptions, strategy: DeleteStrategy): boolean {
  if (strategy.defaultGC === 'Unsupported') return false;
  if (opts.orphanDependents !== undefined) return opts.orphanDependents;
  if (opts.propagationPolicy === 'Orphan') return true;
  if (opts.propagationPolicy === 'Background' || opts.propagationPolicy === 'Foreground') return false;
  for (const f of finalizersOf(o)) {
    if (f === FINALIZER_ORPHAN) return true;
    if (f === FINALIZER_FOREGROUND) return false;
  }
  return strategy.defaultGC === 'OrphanDependents';
}

function shouldDeleteDependents(o: KubeObject, opts: DeleteOptions, strategy: DeleteStrategy): boolean {
  if (strategy.defaultGC === 'Unsupported') return false;
  if (opts.orphanDependents !== undefined) return false;
  if (opts.propagationPolicy === 'Foreground') return true;
  if (opts.propagationPolicy === 'Background' || opts.propagationPolicy === 'Orphan') return false;
  for (const f of finalizersOf(o)) {
    if (f === FINALIZER_FOREGROUND) return true;
    if (f === FINALIZER_ORPHAN) return false;
  }
  return false;
}

/** deletionFinalizersForGarbageCollection (the lab's apiserver runs with the garbage collector on). */
export function deletionFinalizersForGarbageCollection(o: KubeObject, opts: DeleteOptions, strategy: DeleteStrategy): [boolean, string[]] {
  const orphan = shouldOrphanDependents(o, opts, strategy);
  const foreground = shouldDeleteDependents(o, opts, strategy);
  const old = finalizersOf(o);
  const next = old.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
  if (orphan) next.push(FINALIZER_ORPHAN);
  if (foreground) next.push(FINALIZER_FOREGROUND);
  const a = new Set(old);
  const b = new Set(next);
  if (a.size === b.size && [...a].every((f) => b.has(f))) return [false, old];
  return [true, next];
}

/** markAsDeleting: deletionTimestamp now (unless already earlier), deletionGracePeriodSeconds 0. */
function markAsDeleting(o: KubeObject, nowMs: number): void {
  if (!o.metadata.deletionTimestamp && (o.metadata.generation ?? 0) > 0) o.metadata.generation = Number(o.metadata.generation) + 1;
  const now = rfc3339(nowMs);
  if (!o.metadata.deletionTimestamp || Date.parse(o.metadata.deletionTimestamp) > Date.parse(now)) o.metadata.deletionTimestamp = now;
  o.metadata.deletionGracePeriodSeconds = 0;
}

/**
 * Store.Delete on the object as read (the lab reads it once and writes with a compare on its
 * mod_revision, so the read is also updateForGracefulDeletionAndFinalizers' "existing").
 */
export function planDelete(current: KubeObject, options: DeleteOptions, strategy: DeleteStrategy, nowMs: number): DeletePlan {
  const o = structuredClone(current);
  const opts = structuredClone(options);
  const bd = beforeDelete(o, opts, strategy, nowMs);
  if ('ok' in bd) return bd;
  if (bd.pending) return { ok: true, action: 'none', object: current };
  const pendingFinalizers = finalizersOf(o).length > 0;
  const [shouldUpdateFinalizers] = deletionFinalizersForGarbageCollection(o, opts, strategy);
  if (!bd.graceful && !pendingFinalizers && !shouldUpdateFinalizers) return { ok: true, action: 'delete', object: current };
  // updateForGracefulDeletionAndFinalizers: BeforeDelete again on the existing object, then the finalizers.
  const e = structuredClone(current);
  const opts2 = structuredClone(options);
  const bd2 = beforeDelete(e, opts2, strategy, nowMs);
  if ('ok' in bd2) return bd2;
  if (bd2.pending) return { ok: true, action: 'none', object: current };
  const [needsUpdate, fins] = deletionFinalizersForGarbageCollection(e, opts2, strategy);
  if (needsUpdate) setFinalizers(e, fins);
  const pf = finalizersOf(e).length > 0;
  if (!bd2.graceful) {
    if (!pf) return { ok: true, action: 'delete', object: current };
    markAsDeleting(e, nowMs);
    return { ok: true, action: JSON.stringify(e) === JSON.stringify(current) ? 'unchanged' : 'update', object: e };
  }
  if (pf || (opts2.gracePeriodSeconds ?? 0) > 0) return { ok: true, action: 'update', object: e };
  return { ok: true, action: 'update-then-delete', object: e };
}

/** shouldHaveOrphanFinalizer / shouldHaveDeleteDependentsFinalizer (namespace storage). */
const nsShouldHave = (opts: DeleteOptions, f: string, have: boolean): boolean => {
  if (opts.orphanDependents !== undefined) return f === FINALIZER_ORPHAN ? opts.orphanDependents : !opts.orphanDependents;
  if (opts.propagationPolicy !== undefined) return opts.propagationPolicy === (f === FINALIZER_ORPHAN ? 'Orphan' : 'Foreground');
  return have;
};

/** The namespace registry's Delete: first mark it Terminating; delete it only once spec.finalizers is empty. */
export function planNamespaceDelete(current: KubeObject, options: DeleteOptions, nowMs: number): DeletePlan {
  const pre = options.preconditions;
  if (pre?.uid !== undefined && pre.uid !== current.metadata.uid) return { ok: false, code: 409, qualified: 'namespaces', message: `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}` };
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) return { ok: false, code: 409, qualified: 'namespaces', message: `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}` };
  if (!current.metadata.deletionTimestamp) {
    const o = structuredClone(current);
    o.metadata.deletionTimestamp = rfc3339(nowMs);
    o.status = { ...(o.status ?? {}), phase: 'Terminating' };
    const cur = finalizersOf(o);
    let next = cur.slice();
    for (const f of [FINALIZER_ORPHAN, FINALIZER_FOREGROUND]) {
      const want = nsShouldHave(options, f, cur.includes(f));
      if (want && !next.includes(f)) next.push(f);
      if (!want) next = next.filter((x) => x !== f);
    }
    setFinalizers(o, next);
    return { ok: true, action: 'update', object: o };
  }
  if (((current.spec?.finalizers as string[] | undefined) ?? []).length > 0) return { ok: true, action: 'none', object: current };
  return planDelete(current, options, { gracefulPod: false, defaultGC: '' }, nowMs);
}

/** ShouldDeleteDuringUpdate (and the namespace's: spec.finalizers empty too): an update that empties the finalizers of an object being deleted with no grace period left deletes it. */
export function shouldDeleteDuringUpdate(existing: KubeObject, obj: KubeObject, namespace: boolean): boolean {
  if (finalizersOf(obj).length > 0) return false;
  if (!existing.metadata.deletionTimestamp) return false;
  const g = existing.metadata.deletionGracePeriodSeconds as number | undefined | null;
  if (!(g === undefined || g === null || g === 0)) return false;
  if (namespace && ((obj.spec?.finalizers as string[] | undefined) ?? []).length > 0) return false;
  return true;
}

/** finalizeDelete: what a completed delete answers. */
export function deletedResponse(group: string, resource: string, o: KubeObject): unknown {
  if (RETURNS_DELETED_OBJECT.has(resource) && group === '') return o;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: o.metadata.name, ...(group ? { group } : {}), kind: resource, uid: o.metadata.uid } };
}
