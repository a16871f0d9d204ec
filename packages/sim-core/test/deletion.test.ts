/**
 * Deletion through kube-apiserver and the controllers, as a client drives it: propagation
 * policies (Background, Foreground, Orphan) and the garbage collector, finalizers and
 * preconditions in the registry, and a namespace's deletion by the namespace controller — the
 * NamespaceLifecycle admission refusing new content while it terminates and refusing to delete
 * the system namespaces.
 */
import { describe, expect, it } from 'vitest';
import { FRONT_DOOR_RESPONSE, makeFrontDoor } from '../src/client/front-door';
import { Simulation } from '../src/kernel/simulation';
import { ms, seconds } from '../src/kernel/time';
import { ADMIN_CERT } from '../src/scenarios/tower-fleet';

const CLIENT = 'laptop/test-client';

function lab(seed: number) {
  const sim = new Simulation('tower-fleet', { seed, setup: (k, b) => k.spawn('laptop', 'test-client', makeFrontDoor(b.processes.apiserver, '127.0.0.1')) });
  sim.runUntil(seconds(2));
  let next = 1;
  const call = (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const reqId = next++;
    sim.addInput({ atUs: sim.now, type: 'command', to: CLIENT, kind: 'http', payload: { reqId, realConn: 'c1', remote: '10.89.97.10:5000', method, path, headers: { Accept: 'application/json', 'Content-Type': contentType }, ...(body !== undefined ? { body } : {}), cert: ADMIN_CERT } });
    const find = () => sim.trace.entries.find((e) => e.type === 'note' && e.kind === FRONT_DOOR_RESPONSE && (e.data as { reqId: number }).reqId === reqId);
    let res = undefined as ReturnType<typeof find>;
    for (let i = 0; i < 200 && !(res = find()); i++) sim.runFor(ms(10));
    return (res?.data ?? {}) as { status: number; body: any };
  };
  const list = (path: string) => (call('GET', path).body.items ?? []) as any[];
  return { sim, call, list };
}

const NGINX_PODS = '/api/v1/namespaces/default/pods?labelSelector=app%3Dnginx';
const nginxRs = (list: (p: string) => any[]) => list('/apis/apps/v1/namespaces/default/replicasets').filter((r) => r.metadata.name.startsWith('nginx-'));

describe('propagation policies and the garbage collector', () => {
  it('Background: the Deployment goes at once (Status Success with its uid), its ReplicaSet and pods after it', () => {
    const { sim, call, list } = lab(11);
    const uid = call('GET', '/apis/apps/v1/namespaces/default/deployments/nginx').body.metadata.uid;
    const del = call('DELETE', '/apis/apps/v1/namespaces/default/deployments/nginx', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'nginx', group: 'apps', kind: 'deployments', uid } });
    expect(call('GET', '/apis/apps/v1/namespaces/default/deployments/nginx').status).toBe(404);
    sim.runFor(seconds(40));
    expect(nginxRs(list)).toEqual([]);
    expect(list(NGINX_PODS)).toEqual([]);
  });

  it('Foreground: the Deployment waits with foregroundDeletion until its ReplicaSet (itself in the foreground) and pods are gone', () => {
    const { sim, call, list } = lab(12);
    expect(list(NGINX_PODS)).toHaveLength(3);
    const del = call('DELETE', '/apis/apps/v1/namespaces/default/deployments/nginx', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' });
    // The object stays: 200 with it, marked.
    expect(del.status).toBe(200);
    expect(del.body.kind).toBe('Deployment');
    expect(del.body.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(del.body.metadata.deletionTimestamp).toBeDefined();
    expect(del.body.metadata.deletionGracePeriodSeconds).toBe(0);
    let rsForeground = false;
    let podsGoneAt = -1;
    let rsGoneAt = -1;
    let deployGoneAt = -1;
    for (let i = 0; i < 3000 && deployGoneAt < 0; i++) {
      sim.runFor(ms(20));
      const d = call('GET', '/apis/apps/v1/namespaces/default/deployments/nginx');
      const rss = nginxRs(list);
      const pods = list(NGINX_PODS);
      if (rss.some((r) => r.metadata.deletionTimestamp && r.metadata.finalizers?.includes('foregroundDeletion'))) rsForeground = true;
      if (pods.length === 0 && podsGoneAt < 0) podsGoneAt = i;
      if (rss.length === 0 && rsGoneAt < 0) rsGoneAt = i;
      if (d.status === 404) deployGoneAt = i;
      else expect(d.body.metadata.finalizers).toEqual(['foregroundDeletion']);
      // While the Deployment is there, no pod lost its owner chain.
      if (d.status === 200) for (const p of pods) expect(rss.map((r) => r.metadata.uid)).toContain(p.metadata.ownerReferences[0].uid);
    }
    expect(rsForeground).toBe(true);
    expect(podsGoneAt).toBeGreaterThanOrEqual(0);
    expect(rsGoneAt).toBeGreaterThanOrEqual(podsGoneAt);
    expect(deployGoneAt).toBeGreaterThanOrEqual(rsGoneAt);
  });

  it('Orphan: the Deployment goes once it is removed from its ReplicaSet, which keeps running its pods', () => {
    const { sim, call, list } = lab(13);
    const before = nginxRs(list);
    expect(before).toHaveLength(1);
    expect(before[0].metadata.ownerReferences[0]).toMatchObject({ kind: 'Deployment', name: 'nginx', controller: true, blockOwnerDeletion: true });
    const del = call('DELETE', '/apis/apps/v1/namespaces/default/deployments/nginx', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Orphan' });
    expect(del.status).toBe(200);
    expect(del.body.metadata.finalizers).toEqual(['orphan']);
    sim.runFor(seconds(2));
    expect(call('GET', '/apis/apps/v1/namespaces/default/deployments/nginx').status).toBe(404);
    sim.runFor(seconds(40));
    const rs = nginxRs(list);
    expect(rs.map((r) => r.metadata.uid)).toEqual([before[0].metadata.uid]);
    expect(rs[0].metadata.ownerReferences).toBeUndefined();
    const pods = list(NGINX_PODS);
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.deletionTimestamp).toBeUndefined();
      expect(p.metadata.ownerReferences.map((r: any) => r.uid)).toEqual([rs[0].metadata.uid]);
    }
  });

  it('a uid precondition that does not match is a 409 in the registry\'s words; the object stays', () => {
    const { call } = lab(14);
    const uid = call('GET', '/apis/apps/v1/namespaces/default/deployments/nginx').body.metadata.uid;
    const del = call('DELETE', '/apis/apps/v1/namespaces/default/deployments/nginx', { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'a9b9c9d9-0000-0000-0000-000000000000' } });
    expect(del.status).toBe(409);
    expect(del.body).toMatchObject({ reason: 'Conflict', message: `Operation cannot be fulfilled on Deployment.apps "nginx": the UID in the precondition (a9b9c9d9-0000-0000-0000-000000000000) does not match the UID in record (${uid}). The object might have been deleted and then recreated`, details: { name: 'nginx', group: 'apps', kind: 'Deployment' } });
    const rv = call('DELETE', '/apis/apps/v1/namespaces/default/deployments/nginx', { preconditions: { resourceVersion: '1' } });
    expect(rv.status).toBe(409);
    expect(rv.body.message).toMatch(/^Operation cannot be fulfilled on Deployment\.apps "nginx": the ResourceVersion in the precondition \(1\) does not match the ResourceVersion in record \(\d+\)\. The object might have been modified$/);
    const bad = call('DELETE', '/apis/apps/v1/namespaces/default/deployments/nginx?propagationPolicy=Sideways');
    expect(bad.status).toBe(422);
    expect(bad.body.message).toBe('DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"');
    expect(call('GET', '/apis/apps/v1/namespaces/default/deployments/nginx').status).toBe(200);
  });

  it('an object with a finalizer is only marked; the update that empties its finalizers deletes it', () => {
    const { call } = lab(15);
    expect(call('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] }, data: { a: 'b' } }).status).toBe(201);
    const del = call('DELETE', '/api/v1/namespaces/default/configmaps/held');
    expect(del.status).toBe(200);
    expect(del.body.metadata).toMatchObject({ name: 'held', finalizers: ['example.com/hold'], deletionGracePeriodSeconds: 0 });
    expect(del.body.metadata.deletionTimestamp).toBeDefined();
    expect(call('GET', '/api/v1/namespaces/default/configmaps/held').status).toBe(200);
    // A second delete changes nothing: still there.
    expect(call('DELETE', '/api/v1/namespaces/default/configmaps/held').status).toBe(200);
    const patch = call('PATCH', '/api/v1/namespaces/default/configmaps/held', { metadata: { finalizers: null } }, 'application/merge-patch+json');
    expect(patch.status).toBe(200);
    expect(call('GET', '/api/v1/namespaces/default/configmaps/held').status).toBe(404);
  });

  it('deletecollection deletes every object of the collection and answers the list as it was', () => {
    const { call, list } = lab(16);
    for (const n of ['a', 'b']) call('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, labels: { set: 'x' } } });
    call('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    const del = call('DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=set%3Dx');
    expect(del.status).toBe(200);
    expect(del.body.kind).toBe('ConfigMapList');
    expect(del.body.items.map((i: any) => i.metadata.name)).toEqual(['a', 'b']);
    expect(list('/api/v1/namespaces/default/configmaps').map((i) => i.metadata.name)).toEqual(['c']);
  });
});

describe('namespace deletion', () => {
  it('a namespace is created with the kubernetes finalizer; deleted, it is Terminating, refuses new content, is emptied, then goes', () => {
    const { sim, call, list } = lab(17);
    const created = call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
    expect(created.status).toBe(201);
    expect(created.body.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(created.body.status).toEqual({ phase: 'Active' });
    expect(created.body.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'demo' });
    const web = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } } };
    expect(call('POST', '/apis/apps/v1/namespaces/demo/deployments', web).status).toBe(201);
    sim.runFor(seconds(30));
    expect(list('/api/v1/namespaces/demo/pods').filter((p) => p.status.phase === 'Running')).toHaveLength(2);

    const del = call('DELETE', '/api/v1/namespaces/demo', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
    expect(del.status).toBe(200);
    expect(del.body.kind).toBe('Namespace');
    expect(del.body.status.phase).toBe('Terminating');
    expect(del.body.metadata.deletionTimestamp).toBeDefined();
    expect(del.body.spec.finalizers).toEqual(['kubernetes']);

    const refused = call('POST', '/api/v1/namespaces/demo/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "late" is forbidden: unable to create new content in namespace demo because it is being terminated',
      reason: 'Forbidden',
      details: { name: 'late', kind: 'configmaps', causes: [{ reason: 'NamespaceTerminating', message: 'namespace demo is being terminated', field: 'metadata.namespace' }] },
      code: 403,
    });
    // A second delete answers the namespace as it is.
    const again = call('DELETE', '/api/v1/namespaces/demo');
    expect(again.status).toBe(200);
    expect(again.body.status.phase).toBe('Terminating');

    // The controller waits 5 s, deletes the pods first and waits for them, then everything else.
    let sawConditions: any[] | undefined;
    let gone = false;
    for (let i = 0; i < 120 && !gone; i++) {
      sim.runFor(ms(500));
      const ns = call('GET', '/api/v1/namespaces/demo');
      if (ns.status === 404) gone = true;
      else if (ns.body.status.conditions) sawConditions = ns.body.status.conditions;
    }
    expect(gone).toBe(true);
    expect(sawConditions?.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      'NamespaceDeletionDiscoveryFailure=False/ResourcesDiscovered',
      'NamespaceDeletionGroupVersionParsingFailure=False/ParsedGroupVersions',
      'NamespaceDeletionContentFailure=False/ContentDeleted',
      'NamespaceContentRemaining=False/ContentRemoved',
      'NamespaceFinalizersRemaining=False/ContentRemoved',
    ]);
    expect(list('/api/v1/namespaces/demo/pods')).toEqual([]);
    expect(list('/apis/apps/v1/namespaces/demo/deployments')).toEqual([]);
    expect(list('/apis/apps/v1/namespaces/demo/replicasets')).toEqual([]);
    expect(list('/api/v1/namespaces/demo/serviceaccounts')).toEqual([]);
    // The name is free again.
    expect(call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } }).status).toBe(201);
  });

  it('the system namespaces may not be deleted', () => {
    const { call } = lab(18);
    for (const ns of ['default', 'kube-system', 'kube-public']) {
      const r = call('DELETE', `/api/v1/namespaces/${ns}`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ reason: 'Forbidden', message: `namespaces "${ns}" is forbidden: this namespace may not be deleted`, details: { name: ns, kind: 'namespaces' } });
    }
    expect(call('GET', '/api/v1/namespaces/default').body.status.phase).toBe('Active');
  });
});
