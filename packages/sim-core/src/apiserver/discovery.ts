/**
 * API discovery: what kubectl asks first (`/api`, `/apis`) to learn which resources exist, their
 * kinds, scopes, verbs, short names and categories.
 *
 * Two forms, as kube-apiserver v1.33 serves them:
 *  - aggregated discovery (apidiscovery.k8s.io/v2, and v2beta1 for kubectl 1.27–1.29): one
 *    APIGroupDiscoveryList for `/api` (the core group, no name) and one for `/apis`, sent only when
 *    the Accept header asks for it, with that exact media type echoed in Content-Type;
 *  - legacy discovery otherwise: APIVersions (`/api`), APIGroupList (`/apis`), APIGroup
 *    (`/apis/<group>`) and APIResourceList (`/api/v1`, `/apis/<group>/<version>`), where
 *    subresources appear as `pods/status`.
 *
 * Upstream: k8s.io/apiserver/pkg/endpoints/discovery/aggregated/handler.go (content negotiation,
 * v2 and v2beta1), discovery/legacy.go, discovery/group.go, discovery/version.go,
 * k8s.io/api/apidiscovery/v2/types.go (APIResourceDiscovery: resource, responseKind, scope,
 * singularResource, verbs, shortNames, categories, subresources), endpoints/installer.go
 * (verbs per storage interface, subresources as "<resource>/<sub>").
 * Leaves out: resources the lab does not implement (jobs, csidrivers, …): kubectl answers
 * `the server doesn't have a resource type` for them, where a real k3s would list them; the
 * k3s CRD groups (helm.cattle.io, k3s.cattle.io, traefik); ETag/304 on discovery.
 */
import { RESOURCES, type ResourceDef } from './storage/keys';

export const AGG_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const AGG_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

interface Sub {
  subresource: string;
  kind: { group: string; version: string; kind: string };
  verbs: string[];
}

/** Subresources the lab serves, with their response kinds (installer.go registers them as "<resource>/<sub>"). */
export function subresourcesOf(r: ResourceDef): Sub[] {
  const self = { group: r.group, version: r.version, kind: r.kind };
  const status = (): Sub => ({ subresource: 'status', kind: self, verbs: ['get', 'patch', 'update'] });
  const scale = (): Sub => ({ subresource: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
  switch (r.resource) {
    case 'pods':
      return [
        { subresource: 'binding', kind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] },
        { subresource: 'eviction', kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] },
        { subresource: 'log', kind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] },
        status(),
      ];
    case 'nodes':
    case 'namespaces':
    case 'services':
    case 'persistentvolumeclaims':
    case 'persistentvolumes':
    case 'resourcequotas':
      return [status()];
    case 'deployments':
    case 'replicasets':
      return [scale(), status()];
    case 'daemonsets':
      return [status()];
    case 'serviceaccounts':
      return [{ subresource: 'token', kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'] }];
    default:
      return [];
  }
}

/** API groups in the order kube-apiserver lists them (the core group is separate, under /api). */
export function groups(): { name: string; versions: string[] }[] {
  // pkg/controlplane/apiserver/aggregator.go DefaultGenericAPIServicePriorities: storage.k8s.io (16800) after rbac (17000).
  const order = ['apps', 'authentication.k8s.io', 'authorization.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io'];
  const present = new Set(RESOURCES.map((r) => r.group).filter((g) => g !== ''));
  return order.filter((g) => present.has(g)).map((g) => ({ name: g, versions: [...new Set(RESOURCES.filter((r) => r.group === g).map((r) => r.version))] }));
}

const resourcesIn = (group: string, version: string) => RESOURCES.filter((r) => r.group === group && r.version === version).sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));

function aggregatedResource(r: ResourceDef): unknown {
  return {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames?.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories?.length ? { categories: r.categories } : {}),
    ...(subresourcesOf(r).length ? { subresources: subresourcesOf(r).map((s) => ({ subresource: s.subresource, responseKind: s.kind, verbs: s.verbs })) } : {}),
  };
}

function aggregatedList(apiVersion: string, items: { name?: string; versions: string[]; group: string }[]): unknown {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion,
    metadata: {},
    items: items.map((g) => ({
      metadata: { ...(g.name ? { name: g.name } : {}), creationTimestamp: null },
      versions: g.versions.map((v) => ({ version: v, resources: resourcesIn(g.group, v).map(aggregatedResource), freshness: 'Current' })),
    })),
  };
}

function legacyResourceList(group: string, version: string): unknown {
  const resources: unknown[] = [];
  for (const r of resourcesIn(group, version)) {
    resources.push({ name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, ...(r.shortNames?.length ? { shortNames: r.shortNames } : {}), ...(r.categories?.length ? { categories: r.categories } : {}) });
    for (const s of subresourcesOf(r)) resources.push({ name: `${r.resource}/${s.subresource}`, singularName: '', namespaced: r.namespaced, ...(s.kind.group !== r.group ? { group: s.kind.group, version: s.kind.version } : {}), kind: s.kind.kind, verbs: s.verbs });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

const groupVersion = (g: string, v: string) => ({ groupVersion: `${g}/${v}`, version: v });

/**
 * The discovery document for a non-resource path, or undefined when the path is not a
 * discovery path. `serverAddress` is what APIVersions/APIGroup report for clients on any CIDR.
 */
export function discovery(path: string, accept: string | undefined, serverAddress: string): { status: number; headers: Record<string, string>; body: unknown } | undefined {
  const p = path.replace(/\/+$/, '') || '/';
  const wants = (accept ?? '').split(',').map((x) => x.trim().replace(/\s+/g, ''));
  // The first aggregated media type in the client's Accept list wins (content negotiation in order).
  const agg = wants.find((w) => w === AGG_V2 || w === AGG_V2BETA1);
  const json = (body: unknown, ct = 'application/json') => ({ status: 200, headers: { 'Content-Type': ct }, body });
  const cidrs = [{ clientCIDR: '0.0.0.0/0', serverAddress }];
  if (p === '/api') {
    if (agg) return json(aggregatedList(agg === AGG_V2 ? 'apidiscovery.k8s.io/v2' : 'apidiscovery.k8s.io/v2beta1', [{ group: '', versions: ['v1'] }]), agg);
    return json({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: cidrs });
  }
  if (p === '/apis') {
    if (agg) return json(aggregatedList(agg === AGG_V2 ? 'apidiscovery.k8s.io/v2' : 'apidiscovery.k8s.io/v2beta1', groups().map((g) => ({ group: g.name, name: g.name, versions: g.versions }))), agg);
    return json({ kind: 'APIGroupList', apiVersion: 'v1', groups: groups().map((g) => ({ name: g.name, versions: g.versions.map((v) => groupVersion(g.name, v)), preferredVersion: groupVersion(g.name, g.versions[0]!) })) });
  }
  if (p === '/api/v1') return json(legacyResourceList('', 'v1'));
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(p);
  if (m) {
    const g = groups().find((x) => x.name === m[1]);
    if (!g) return undefined;
    if (!m[2]) return json({ kind: 'APIGroup', apiVersion: 'v1', name: g.name, versions: g.versions.map((v) => groupVersion(g.name, v)), preferredVersion: groupVersion(g.name, g.versions[0]!) });
    if (!g.versions.includes(m[2])) return undefined;
    return json(legacyResourceList(g.name, m[2]));
  }
  return undefined;
}
