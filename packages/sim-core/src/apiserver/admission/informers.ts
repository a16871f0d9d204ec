/**
 * The admission plugins' informers inside kube-apiserver: DefaultStorageClass reads StorageClasses
 * and ResourceQuota reads ResourceQuotas from listers fed by the server's own shared informer
 * factory. Here the server lists both from etcd when it starts (before it serves, like the RBAC and
 * namespace informers) and then keeps them from the writes it commits itself.
 *
 * Upstream: k8s.io/apiserver/pkg/admission/initializer (WantsExternalKubeInformerFactory),
 * plugin/pkg/admission/storage/storageclass/setdefault (storageclasses lister),
 * k8s.io/apiserver/pkg/admission/plugin/resourcequota/resource_access.go (quota lister, plus a
 * live lookup when the lister has none for a namespace, and the updatedQuotas cache of its own
 * status writes).
 * Leaves out: writes made through another kube-apiserver (HA scenarios) reach these caches only
 * when this server restarts — there is no watch.
 */
import type { KubeObject } from '../../objects/meta';

export const ADMISSION_INFORMERS = ['storageclasses', 'resourcequotas'] as const;
export type AdmissionInformer = (typeof ADMISSION_INFORMERS)[number];

/** Objects by "namespace/name" (cluster-scoped: "name"), per resource. */
export type AdmissionCaches = Record<AdmissionInformer, Record<string, KubeObject>>;

export const newAdmissionCaches = (): AdmissionCaches => ({ storageclasses: {}, resourcequotas: {} });

const keyOf = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);

export const isAdmissionInformer = (resource: string): resource is AdmissionInformer => (ADMISSION_INFORMERS as readonly string[]).includes(resource);

/** The initial list. */
export function loadAdmissionCache(caches: AdmissionCaches, resource: AdmissionInformer, objects: KubeObject[]): void {
  caches[resource] = {};
  for (const o of objects) caches[resource][keyOf(o)] = o;
}

/** A committed write (an ADDED, MODIFIED or DELETED watch event of the resource). */
export function observeAdmissionWrite(caches: AdmissionCaches | undefined, resource: string, type: string, obj: KubeObject): void {
  if (!caches || !isAdmissionInformer(resource)) return;
  if (type === 'DELETED') delete caches[resource][keyOf(obj)];
  else caches[resource][keyOf(obj)] = obj;
}

export const storageClassesOf = (caches: AdmissionCaches | undefined): KubeObject[] => Object.values(caches?.storageclasses ?? {});

/** The quotas of a namespace, in name order. */
export function quotasIn(caches: AdmissionCaches | undefined, namespace: string): KubeObject[] {
  return Object.keys(caches?.resourcequotas ?? {})
    .filter((k) => k.startsWith(`${namespace}/`))
    .sort()
    .map((k) => caches!.resourcequotas[k]!);
}
