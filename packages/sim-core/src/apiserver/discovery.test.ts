import { describe, expect, it } from 'vitest';
import { AGG_V2, AGG_V2BETA1, discovery } from './discovery';

// The Accept headers kubectl sends (../shared/references/kubectl-wire.md §3).
const ACCEPT_130 = `${AGG_V2},${AGG_V2BETA1},application/json`;
const ACCEPT_127 = `${AGG_V2BETA1},application/json`;

describe('API discovery', () => {
  it('aggregated v2 for kubectl 1.30+, with the media type echoed; the core group has no name', () => {
    const r = discovery('/api', ACCEPT_130, '10.89.97.201:6443')!;
    expect(r.headers['Content-Type']).toBe(AGG_V2);
    const body = r.body as any;
    expect(body.apiVersion).toBe('apidiscovery.k8s.io/v2');
    expect(body.items[0].metadata).toEqual({ creationTimestamp: null });
    const pods = body.items[0].versions[0].resources.find((x: any) => x.resource === 'pods');
    expect(pods).toMatchObject({ responseKind: { group: '', version: 'v1', kind: 'Pod' }, scope: 'Namespaced', singularResource: 'pod', shortNames: ['po'], categories: ['all'] });
    expect(pods.subresources.map((x: any) => x.subresource)).toEqual(['binding', 'eviction', 'log', 'status']);
    const nodes = body.items[0].versions[0].resources.find((x: any) => x.resource === 'nodes');
    expect(nodes.scope).toBe('Cluster');
  });

  it('v2beta1 for kubectl 1.27–1.29', () => {
    const r = discovery('/apis', ACCEPT_127, '10.89.97.201:6443')!;
    expect(r.headers['Content-Type']).toBe(AGG_V2BETA1);
    const apps = (r.body as any).items.find((g: any) => g.metadata.name === 'apps');
    const deploy = apps.versions[0].resources.find((x: any) => x.resource === 'deployments');
    expect(deploy.shortNames).toEqual(['deploy']);
    expect(deploy.subresources.find((x: any) => x.subresource === 'scale').responseKind).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('legacy discovery otherwise: APIVersions, APIGroupList, APIResourceList with subresources as resource/sub', () => {
    expect(discovery('/api', 'application/json, */*', '10.89.97.201:6443')!.body).toEqual({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.89.97.201:6443' }] });
    const groups = (discovery('/apis', undefined, 'x')!.body as any).groups.map((g: any) => g.name);
    expect(groups).toContain('apps');
    expect(groups).toContain('rbac.authorization.k8s.io');
    const v1 = discovery('/api/v1', 'application/json', 'x')!.body as any;
    expect(v1.kind).toBe('APIResourceList');
    expect(v1.resources.map((r: any) => r.name)).toContain('pods/status');
    expect(v1.resources.find((r: any) => r.name === 'namespaces').verbs).not.toContain('deletecollection');
    expect((discovery('/apis/apps/v1', undefined, 'x')!.body as any).resources.find((r: any) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('storage: pvc/pv/quota in the core group with status, storage.k8s.io after rbac with storageclasses (sc)', () => {
    const core = (discovery('/api', ACCEPT_130, 'x')!.body as any).items[0].versions[0].resources;
    const pvc = core.find((x: any) => x.resource === 'persistentvolumeclaims');
    expect(pvc).toMatchObject({ scope: 'Namespaced', singularResource: 'persistentvolumeclaim', shortNames: ['pvc'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] });
    expect(pvc.subresources.map((x: any) => x.subresource)).toEqual(['status']);
    expect(core.find((x: any) => x.resource === 'persistentvolumes')).toMatchObject({ scope: 'Cluster', shortNames: ['pv'] });
    expect(core.find((x: any) => x.resource === 'resourcequotas')).toMatchObject({ scope: 'Namespaced', shortNames: ['quota'] });
    const groups = (discovery('/apis', undefined, 'x')!.body as any).groups.map((g: any) => g.name);
    expect(groups.indexOf('storage.k8s.io')).toBe(groups.indexOf('rbac.authorization.k8s.io') + 1);
    const sc = (discovery('/apis/storage.k8s.io/v1', undefined, 'x')!.body as any).resources;
    expect(sc).toEqual([{ name: 'storageclasses', singularName: 'storageclass', namespaced: false, kind: 'StorageClass', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['sc'] }]);
  });

  it('paths that are not discovery are not answered here', () => {
    expect(discovery('/apis/nope.example.com', undefined, 'x')).toBeUndefined();
    expect(discovery('/apis/apps/v9', undefined, 'x')).toBeUndefined();
    expect(discovery('/metrics', undefined, 'x')).toBeUndefined();
  });
});
