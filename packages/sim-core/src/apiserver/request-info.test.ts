import { describe, expect, it } from 'vitest';
import { parseRequestInfo } from './request-info';

// After k8s.io/apiserver/pkg/endpoints/request/requestinfo_test.go TestGetAPIRequestInfo (the cases without special verbs/subresource prefixes).
describe('parseRequestInfo (upstream cases)', () => {
  it.each([
    ['GET', '/api/v1/namespaces', 'list', '', 'v1', '', 'namespaces', '', ''],
    ['GET', '/api/v1/namespaces/other', 'get', '', 'v1', '', 'namespaces', '', 'other'],
    ['GET', '/api/v1/namespaces/other/pods', 'list', '', 'v1', 'other', 'pods', '', ''],
    ['GET', '/api/v1/namespaces/other/pods/foo', 'get', '', 'v1', 'other', 'pods', '', 'foo'],
    ['HEAD', '/api/v1/namespaces/other/pods/foo', 'get', '', 'v1', 'other', 'pods', '', 'foo'],
    ['GET', '/api/v1/pods', 'list', '', 'v1', '', 'pods', '', ''],
    ['GET', '/api/v1/namespaces/other/pods?watch=true', 'watch', '', 'v1', 'other', 'pods', '', ''],
    ['POST', '/api/v1/namespaces/other/pods', 'create', '', 'v1', 'other', 'pods', '', ''],
    ['PUT', '/api/v1/namespaces/other/pods/foo', 'update', '', 'v1', 'other', 'pods', '', 'foo'],
    ['PATCH', '/api/v1/namespaces/other/pods/foo', 'patch', '', 'v1', 'other', 'pods', '', 'foo'],
    ['DELETE', '/api/v1/namespaces/other/pods/foo', 'delete', '', 'v1', 'other', 'pods', '', 'foo'],
    ['DELETE', '/api/v1/namespaces/other/pods', 'deletecollection', '', 'v1', 'other', 'pods', '', ''],
    ['GET', '/api/v1/namespaces/other/pods/foo/status', 'get', '', 'v1', 'other', 'pods', 'status', 'foo'],
    ['PUT', '/api/v1/namespaces/other/finalize', 'update', '', 'v1', '', 'namespaces', 'finalize', 'other'],
    ['PUT', '/api/v1/namespaces/other/status', 'update', '', 'v1', '', 'namespaces', 'status', 'other'],
    ['GET', '/apis/extensions/v1beta1/namespaces/other/extensions', 'list', 'extensions', 'v1beta1', 'other', 'extensions', '', ''],
    ['GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/k3s-worker-1', 'get', 'coordination.k8s.io', 'v1', 'kube-node-lease', 'leases', '', 'k3s-worker-1'],
    ['GET', '/api/v1/nodes?limit=500', 'list', '', 'v1', '', 'nodes', '', ''],
  ])('%s %s', (method, path, verb, group, version, ns, resource, sub, name) => {
    const r = parseRequestInfo(method, path);
    expect(r.isResourceRequest).toBe(true);
    expect([r.verb, r.apiGroup, r.apiVersion, r.namespace, r.resource, r.subresource, r.name]).toEqual([verb, group, version, ns, resource, sub, name]);
  });

  it.each(['/', '/healthz', '/version', '/api', '/apis', '/apis/apps', '/metrics'])('%s is a non-resource request', (p) => {
    const r = parseRequestInfo('GET', p);
    expect(r.isResourceRequest).toBe(false);
    expect(r.verb).toBe('get');
  });
});
