import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../kernel/rng';
import { rbacObjects } from '../../scenarios/tower-fleet-objects';
import type { Attributes } from './attributes';
import { forbiddenMessage } from './attributes';
import { authorizeNode } from './node';
import { appliesToUser, authorizeRBAC, resourceMatches, ruleAllows, type RbacData } from './rbac';

const objs = rbacObjects(new RngStreams(1).stream('t')) as any[];
const data: RbacData = {
  clusterRoles: objs.filter((o) => o.kind === 'ClusterRole'),
  clusterRoleBindings: objs.filter((o) => o.kind === 'ClusterRoleBinding'),
  roles: [],
  roleBindings: [],
};

const attrs = (over: Partial<Attributes>): Attributes => ({
  user: { username: 'alice', groups: ['system:authenticated'] },
  verb: 'list',
  isResourceRequest: true,
  path: '/api/v1/namespaces/default/pods',
  apiGroup: '',
  apiVersion: 'v1',
  namespace: 'default',
  resource: 'pods',
  subresource: '',
  name: '',
  ...over,
});

describe('RBAC', () => {
  it('system:masters is allowed everything through cluster-admin, with upstream\'s reason', () => {
    const r = authorizeRBAC(data, attrs({ user: { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] } }));
    expect(r).toEqual({ decision: 'allow', authorizer: 'RBAC', reason: 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"' });
  });

  it('a user with no binding gets no opinion and upstream\'s forbidden text', () => {
    const a = attrs({});
    expect(authorizeRBAC(data, a).decision).toBe('no-opinion');
    expect(forbiddenMessage(a)).toBe('User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
    expect(forbiddenMessage(attrs({ namespace: '', resource: 'nodes' }))).toBe('User "alice" cannot list resource "nodes" in API group "" at the cluster scope');
    expect(forbiddenMessage(attrs({ isResourceRequest: false, verb: 'get', path: '/metrics' }))).toBe('User "alice" cannot get path "/metrics"');
  });

  it('anonymous may read /healthz and /version (system:public-info-viewer), nothing else', () => {
    const anon = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
    expect(authorizeRBAC(data, attrs({ user: anon, isResourceRequest: false, verb: 'get', path: '/healthz' })).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"',
    );
    expect(authorizeRBAC(data, attrs({ user: anon })).decision).toBe('no-opinion');
  });

  it('resourceNames restrict: the scheduler may update its own leader lease only', () => {
    const sched = { username: 'system:kube-scheduler', groups: ['system:authenticated'] };
    const a = (name: string, verb = 'update') => attrs({ user: sched, verb, apiGroup: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system', name });
    expect(authorizeRBAC(data, a('kube-scheduler')).decision).toBe('allow');
    expect(authorizeRBAC(data, a('kube-controller-manager')).decision).toBe('no-opinion');
    expect(authorizeRBAC(data, a('', 'create')).decision).toBe('allow');
  });

  // evaluation_helpers_test.go style cases
  it.each([
    [['*'], 'pods', '', true],
    [['pods'], 'pods', '', true],
    [['pods'], 'pods/status', 'status', false],
    [['*/status'], 'pods/status', 'status', true],
    [['pods/*'], 'pods/status', 'status', false],
    [['pods/status'], 'pods/status', 'status', true],
  ])('resourceMatches(%j, %s)', (resources, combined, sub, want) => {
    expect(resourceMatches({ verbs: ['get'], resources }, combined, sub)).toBe(want);
  });

  it('service-account subjects default to the binding namespace', () => {
    const u = { username: 'system:serviceaccount:monitoring:prometheus', groups: [] };
    expect(appliesToUser(u, { kind: 'ServiceAccount', name: 'prometheus' }, 'monitoring')).toBe(true);
    expect(appliesToUser(u, { kind: 'ServiceAccount', name: 'prometheus' }, '')).toBe(false);
    expect(appliesToUser(u, { kind: 'ServiceAccount', name: 'prometheus', namespace: 'default' }, 'monitoring')).toBe(false);
  });

  it('non-resource URL rules match exactly or by trailing *', () => {
    expect(ruleAllows(attrs({ isResourceRequest: false, verb: 'get', path: '/healthz/etcd' }), { verbs: ['get'], nonResourceURLs: ['/healthz/*'] })).toBe(true);
    expect(ruleAllows(attrs({ isResourceRequest: false, verb: 'get', path: '/healthz' }), { verbs: ['get'], nonResourceURLs: ['/healthz/*'] })).toBe(false);
  });

  it('Node authorizer: a kubelet may renew only its own lease in kube-node-lease', () => {
    const node = { username: 'system:node:k3s-worker-1', groups: ['system:nodes', 'system:authenticated'] };
    const a = (ns: string, name: string) => attrs({ user: node, verb: 'update', apiGroup: 'coordination.k8s.io', resource: 'leases', namespace: ns, name });
    expect(authorizeNode(a('kube-node-lease', 'k3s-worker-1')).decision).toBe('allow');
    expect(authorizeNode(a('kube-node-lease', 'k3s-worker-2')).decision).toBe('no-opinion');
    expect(authorizeNode(a('default', 'k3s-worker-1')).decision).toBe('no-opinion');
  });
});
