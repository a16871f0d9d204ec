/**
 * The garbage collector's background cascade, pure: objects whose owners are gone are deleted.
 * `kubectl delete deployment web` deletes only the Deployment (propagationPolicy Background);
 * the collector then deletes its ReplicaSets, and then their pods (gracefully).
 *
 * Upstream (v1.33): pkg/controller/garbagecollector/garbagecollector.go (attemptToDeleteItem:
 * an item whose owners are all absent — "dangling", confirmed by a live GET of the owner that
 * answers 404 or another uid — is deleted with a uid precondition and the propagation policy
 * its own finalizers ask for, Background otherwise), graph_builder.go (the dependency graph from
 * ownerReferences across every resource), operations.go (deleteObject).
 * Leaves out: foreground deletion (the foregroundDeletion finalizer, blockOwnerDeletion) and
 * orphaning (the orphan finalizer) — the lab's apiserver has no finalizers yet, so those
 * policies act as Background; owners of kinds the lab's controller manager does not watch
 * (Job, DaemonSet) are never judged absent; removing dangling references when some owners remain.
 */
import type { KubeObject } from '../objects/meta';

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

/** The owner kinds this collector can judge: the ones whose informers the manager runs. */
export const WATCHED_OWNER_KINDS = ['Deployment', 'ReplicaSet'];

/**
 * The owners of `o` that are not in the caches (by kind, namespace, name and uid). An object is a
 * deletion candidate when every one of its owners is absent; owners of unwatched kinds count as
 * present.
 */
export function absentOwners(o: KubeObject, caches: Record<string, Record<string, KubeObject>>): OwnerRef[] {
  const refs = (o.metadata.ownerReferences ?? []) as OwnerRef[];
  if (refs.length === 0) return [];
  const absent: OwnerRef[] = [];
  for (const r of refs) {
    if (!WATCHED_OWNER_KINDS.includes(r.kind)) return [];
    const owner = caches[r.kind]?.[`${o.metadata.namespace}/${r.name}`];
    if (owner && owner.metadata.uid === r.uid) return [];
    absent.push(r);
  }
  return absent;
}

/** The REST path of an owner reference (to confirm its absence with a live GET). */
export function ownerPath(namespace: string, r: OwnerRef): string {
  const plural = r.kind === 'Deployment' ? 'deployments' : 'replicasets';
  return `/apis/apps/v1/namespaces/${namespace}/${plural}/${r.name}`;
}

/** The DELETE the collector sends for a dangling dependent: Background, with a uid precondition. */
export function deleteOptions(o: KubeObject): unknown {
  return { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: o.metadata.uid }, propagationPolicy: 'Background' };
}
