/**
 * Where kube-apiserver keeps each resource in etcd. The prefix is the storage prefix ("/registry",
 * as k3s leaves it) and the resource's etcd path, which for most resources is its name but not
 * for all: nodes live under /registry/minions, services under /registry/services/specs, and
 * endpoints under /registry/services/endpoints (historical names kept for compatibility).
 * Namespaced objects: <prefix>/<path>/<namespace>/<name>; cluster-scoped: <prefix>/<path>/<name>.
 *
 * Upstream: pkg/registry/core/node/storage/storage.go (DefaultQualifiedResource "nodes",
 * store KeyRootFunc "/minions"), pkg/registry/core/service/storage/storage.go ("/services/specs"),
 * pkg/registry/core/endpoint/storage/storage.go ("/services/endpoints"); persistentvolumeclaims,
 * persistentvolumes, resourcequotas (pkg/registry/core/<resource>/storage/storage.go) and storageclasses
 * (pkg/registry/storage/storageclass/storage/storage.go) keep the default: the resource name.
 * k8s.io/apiserver/pkg/registry/generic/registry/store.go (NamespaceKeyFunc, NoNamespaceKeyFunc).
 */

export const STORAGE_PREFIX = '/registry';

export interface ResourceDef {
  resource: string;
  kind: string;
  listKind: string;
  group: string;
  version: string;
  namespaced: boolean;
  etcdPath: string;
  /** Discovery's singularResource (the kind, lower-cased). */
  singular: string;
  shortNames?: string[];
  /** Discovery categories: "all" makes `kubectl get all` list the resource. */
  categories?: string[];
  verbs: string[];
  /** Not stored: a create-only review (SelfSubjectReview, SelfSubjectAccessReview, …) answered at once. */
  virtual?: boolean;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function def(resource: string, kind: string, group: string, version: string, namespaced: boolean, etcdPath = resource, shortNames?: string[], extra: Partial<ResourceDef> = {}): ResourceDef {
  return { resource, kind, listKind: `${kind}List`, group, version, namespaced, etcdPath, singular: kind.toLowerCase(), ...(shortNames ? { shortNames } : {}), verbs: ALL_VERBS, ...extra };
}

const review = (resource: string, kind: string, group: string, namespaced = false): ResourceDef => def(resource, kind, group, 'v1', namespaced, '', undefined, { verbs: ['create'], virtual: true });

// Short names, categories and verbs as v1.33's discovery lists them (pkg/registry/**/storage:
// ShortNames(), Categories(); namespaces have no deletecollection).
export const RESOURCES: ResourceDef[] = [
  def('namespaces', 'Namespace', '', 'v1', false, 'namespaces', ['ns'], { verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  def('nodes', 'Node', '', 'v1', false, 'minions', ['no']),
  def('pods', 'Pod', '', 'v1', true, 'pods', ['po'], { categories: ['all'] }),
  def('services', 'Service', '', 'v1', true, 'services/specs', ['svc'], { categories: ['all'] }),
  def('endpoints', 'Endpoints', '', 'v1', true, 'services/endpoints', ['ep']),
  def('events', 'Event', '', 'v1', true, 'events', ['ev']),
  def('serviceaccounts', 'ServiceAccount', '', 'v1', true, 'serviceaccounts', ['sa']),
  def('secrets', 'Secret', '', 'v1', true),
  def('configmaps', 'ConfigMap', '', 'v1', true, 'configmaps', ['cm']),
  def('persistentvolumeclaims', 'PersistentVolumeClaim', '', 'v1', true, 'persistentvolumeclaims', ['pvc']),
  def('persistentvolumes', 'PersistentVolume', '', 'v1', false, 'persistentvolumes', ['pv']),
  def('resourcequotas', 'ResourceQuota', '', 'v1', true, 'resourcequotas', ['quota']),
  def('deployments', 'Deployment', 'apps', 'v1', true, 'deployments', ['deploy'], { categories: ['all'] }),
  def('replicasets', 'ReplicaSet', 'apps', 'v1', true, 'replicasets', ['rs'], { categories: ['all'] }),
  def('daemonsets', 'DaemonSet', 'apps', 'v1', true, 'daemonsets', ['ds'], { categories: ['all'] }),
  def('endpointslices', 'EndpointSlice', 'discovery.k8s.io', 'v1', true),
  def('leases', 'Lease', 'coordination.k8s.io', 'v1', true),
  def('roles', 'Role', 'rbac.authorization.k8s.io', 'v1', true),
  def('rolebindings', 'RoleBinding', 'rbac.authorization.k8s.io', 'v1', true),
  def('clusterroles', 'ClusterRole', 'rbac.authorization.k8s.io', 'v1', false),
  def('clusterrolebindings', 'ClusterRoleBinding', 'rbac.authorization.k8s.io', 'v1', false),
  def('storageclasses', 'StorageClass', 'storage.k8s.io', 'v1', false, 'storageclasses', ['sc']),
  review('selfsubjectreviews', 'SelfSubjectReview', 'authentication.k8s.io'),
  review('tokenreviews', 'TokenReview', 'authentication.k8s.io'),
  review('localsubjectaccessreviews', 'LocalSubjectAccessReview', 'authorization.k8s.io', true),
  review('selfsubjectaccessreviews', 'SelfSubjectAccessReview', 'authorization.k8s.io'),
  review('selfsubjectrulesreviews', 'SelfSubjectRulesReview', 'authorization.k8s.io'),
  review('subjectaccessreviews', 'SubjectAccessReview', 'authorization.k8s.io'),
];

export function findResource(group: string, version: string, resource: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

export function resourceForKind(apiVersion: string, kind: string): ResourceDef | undefined {
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  return RESOURCES.find((r) => r.group === group && r.version === version && r.kind === kind);
}

export const apiVersionOf = (r: ResourceDef): string => (r.group ? `${r.group}/${r.version}` : r.version);

/** The etcd key of one object. */
export function objectKey(r: ResourceDef, namespace: string | undefined, name: string): string {
  return r.namespaced ? `${STORAGE_PREFIX}/${r.etcdPath}/${namespace}/${name}` : `${STORAGE_PREFIX}/${r.etcdPath}/${name}`;
}

/** The etcd key prefix of a list: every namespace (namespace "") or one. Ends with "/". */
export function listPrefix(r: ResourceDef, namespace: string): string {
  return r.namespaced && namespace ? `${STORAGE_PREFIX}/${r.etcdPath}/${namespace}/` : `${STORAGE_PREFIX}/${r.etcdPath}/`;
}
