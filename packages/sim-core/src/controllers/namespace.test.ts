import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../objects/meta';
import { nsBackoffUs, onSyncResponse, requeueAfterUs, startSync, type ContentResource, type SyncResult } from './namespace';

const DELETED = '2025-11-09T12:00:00Z';
const at = (s: number) => Date.parse(DELETED) + s * 1000;
const iso = (s: number) => new Date(at(s)).toISOString().replace('.000Z', 'Z');
const RES: ContentResource[] = [
  { group: 'apps', version: 'v1', resource: 'deployments' },
  { group: '', version: 'v1', resource: 'pods' },
];
const ns = (): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', uid: 'n-1', resourceVersion: '10', deletionTimestamp: DELETED }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } });
const running = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 30 }, status: { phase: 'Running' } });
const req = (r: SyncResult) => (r.type === 'request' ? `${r.req.method} ${r.req.path}` : r.type);

describe('namespace controller sync (namespaced_resources_deleter.go)', () => {
  it('pods first: while they terminate nothing else is deleted, and the sync asks to come back after estimate/2+1 s', () => {
    const { sync, next } = startSync('demo', RES);
    expect(req(next)).toBe('GET /api/v1/namespaces/demo');
    // The pods' estimate is their 30 s grace, 5 s after the namespace's deletion.
    expect(req(onSyncResponse(sync, 200, ns(), at(5), iso(5)))).toBe('GET /api/v1/namespaces/demo/pods');
    const del = onSyncResponse(sync, 200, { items: [running('a'), running('b')] }, at(5), iso(5));
    expect(del).toEqual({ type: 'request', req: { method: 'DELETE', path: '/api/v1/namespaces/demo/pods', body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } } });
    expect(req(onSyncResponse(sync, 200, { items: [] }, at(5), iso(5)))).toBe('GET /api/v1/namespaces/demo/pods');
    // Two pods remain: the conditions are written (all ok: ordered deletion leaves the totals out), then the outcome.
    const cond = onSyncResponse(sync, 200, { items: [running('a'), running('b')] }, at(5), iso(5));
    expect(req(cond)).toBe('PUT /api/v1/namespaces/demo/status');
    const written = (cond as { req: { body: KubeObject } }).req.body.status.conditions.map((c: any) => `${c.type}=${c.status}/${c.reason}: ${c.message}`);
    expect(written).toEqual([
      'NamespaceDeletionDiscoveryFailure=False/ResourcesDiscovered: All resources successfully discovered',
      'NamespaceDeletionGroupVersionParsingFailure=False/ParsedGroupVersions: All legacy kube types successfully parsed',
      'NamespaceDeletionContentFailure=False/ContentDeleted: All content successfully deleted, may be waiting on finalization',
      'NamespaceContentRemaining=False/ContentRemoved: All content successfully removed',
      'NamespaceFinalizersRemaining=False/ContentRemoved: All content successfully removed',
    ]);
    const out = onSyncResponse(sync, 200, {}, at(5), iso(5));
    expect(out).toEqual({ type: 'remaining', estimate: 30 });
    expect(requeueAfterUs(out, 0)).toBe(16_000_000);
  });

  it('then everything else; items that stay without a finalizer are an error in the conditions; the finalize goes through the subresource', () => {
    const { sync } = startSync('demo', RES);
    onSyncResponse(sync, 200, ns(), at(40), iso(40));
    onSyncResponse(sync, 200, { items: [] }, at(40), iso(40)); // estimate: no pods
    onSyncResponse(sync, 200, {}, at(40), iso(40)); // deletecollection pods
    expect(req(onSyncResponse(sync, 200, { items: [] }, at(40), iso(40)))).toBe('DELETE /apis/apps/v1/namespaces/demo/deployments');
    expect(req(onSyncResponse(sync, 200, {}, at(40), iso(40)))).toBe('GET /apis/apps/v1/namespaces/demo/deployments');
    const cond = onSyncResponse(sync, 200, { items: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }] }, at(40), iso(40));
    const conds = (cond as { req: { body: KubeObject } }).req.body.status.conditions;
    expect(conds.find((c: any) => c.type === 'NamespaceDeletionContentFailure')).toMatchObject({ status: 'True', reason: 'ContentDeletionFailed', message: 'Failed to delete all resource types, 1 remaining: unexpected items still remain in namespace: demo for gvr: apps/v1, Resource=deployments' });
    expect(conds.find((c: any) => c.type === 'NamespaceContentRemaining')).toMatchObject({ status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: deployments.apps has 1 resource instances' });
    const out = onSyncResponse(sync, 200, {}, at(40), iso(40));
    expect(out).toEqual({ type: 'error', error: 'unexpected items still remain in namespace: demo for gvr: apps/v1, Resource=deployments' });
    expect(requeueAfterUs(out, 1)).toBe(5_000);
    expect(nsBackoffUs(20)).toBe(60_000_000);

    // Next time all is gone: the conditions change back to ok, then the finalize (stale resourceVersion → 409 → read → again).
    const again = startSync('demo', RES).sync;
    const n = ns();
    n.status.conditions = conds;
    onSyncResponse(again, 200, n, at(41), iso(41));
    onSyncResponse(again, 200, { items: [] }, at(41), iso(41));
    onSyncResponse(again, 200, {}, at(41), iso(41));
    onSyncResponse(again, 200, { items: [] }, at(41), iso(41));
    onSyncResponse(again, 200, {}, at(41), iso(41));
    expect(req(onSyncResponse(again, 200, { items: [] }, at(41), iso(41)))).toBe('PUT /api/v1/namespaces/demo/status');
    const fin = onSyncResponse(again, 200, {}, at(41), iso(41));
    expect(fin).toMatchObject({ type: 'request', req: { method: 'PUT', path: '/api/v1/namespaces/demo/finalize', body: { apiVersion: 'v1', kind: 'Namespace', spec: {} } } });
    expect(req(onSyncResponse(again, 409, { message: 'conflict' }, at(41), iso(41)))).toBe('GET /api/v1/namespaces/demo');
    expect(req(onSyncResponse(again, 200, ns(), at(41), iso(41)))).toBe('PUT /api/v1/namespaces/demo/finalize');
    expect(onSyncResponse(again, 200, {}, at(41), iso(41))).toEqual({ type: 'ok' });
  });

  it('a namespace already gone, or not being deleted, ends the sync', () => {
    expect(onSyncResponse(startSync('demo', RES).sync, 404, {}, at(0), iso(0))).toEqual({ type: 'ok' });
    const live = ns();
    delete live.metadata.deletionTimestamp;
    expect(onSyncResponse(startSync('demo', RES).sync, 200, live, at(0), iso(0))).toEqual({ type: 'ok' });
  });
});
