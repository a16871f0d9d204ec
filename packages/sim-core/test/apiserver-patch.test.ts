/**
 * PATCH through the apiserver model, by Content-Type as k8s.io/apiserver's handlers/patch.go
 * dispatches it: strategic merge patch (lists merged by their patchMergeKey, `$setElementOrder`
 * honoured), RFC 6902 JSON patch, JSON merge patch, the status and scale subresources, a
 * resourceVersion precondition, a patch that changes nothing (no write), and the failures — an
 * unsupported media type, a failed `test` operation, a bad directive — each with upstream's Status
 * and the stored object left as it was.
 */
import { describe, expect, it } from 'vitest';
import { FRONT_DOOR_RESPONSE, makeFrontDoor } from '../src/client/front-door';
import { Simulation } from '../src/kernel/simulation';
import { ms, seconds } from '../src/kernel/time';
import { ADMIN_CERT } from '../src/scenarios/tower-fleet';

const SMP = 'application/strategic-merge-patch+json';
const JSONPATCH = 'application/json-patch+json';
const MERGE = 'application/merge-patch+json';

function lab() {
  const sim = new Simulation('tower-fleet-fresh', { seed: 8, setup: (k, b) => k.spawn('laptop', 'test-client', makeFrontDoor(b.processes.apiserver, '127.0.0.1')) });
  sim.runUntil(seconds(1));
  let next = 1;
  const call = (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const reqId = next++;
    sim.addInput({ atUs: sim.now, type: 'command', to: 'laptop/test-client', kind: 'http', payload: { reqId, realConn: 'c1', remote: '10.89.97.10:5000', method, path, headers: { Accept: 'application/json', 'Content-Type': contentType }, ...(body !== undefined ? { body } : {}), cert: ADMIN_CERT } });
    const find = () => sim.trace.entries.find((e) => e.type === 'note' && e.kind === FRONT_DOOR_RESPONSE && (e.data as { reqId: number }).reqId === reqId);
    let res = undefined as ReturnType<typeof find>;
    for (let i = 0; i < 100 && !(res = find()); i++) sim.runFor(ms(10));
    return res!.data as { status: number; body: any };
  };
  return { call };
}

const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';
// Paused, so the deployment controller leaves it (and its resourceVersion) alone.
const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    paused: true,
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }, { name: 'sidecar', image: 'busybox:1.36' }] } },
  },
});

describe('PATCH by Content-Type', () => {
  const { call } = lab();
  const get = (name: string) => call('GET', `${DEPLOY}/${name}`).body;

  it('strategic merge patch: a new env var merges by name and keeps the others; the other container stays', () => {
    expect(call('POST', DEPLOY, deployment('smp')).status).toBe(201);
    const before = get('smp');
    const r = call('PATCH', `${DEPLOY}/smp`, { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'C', value: '3' }] }] } } } }, SMP);
    expect(r.status).toBe(200);
    const c = r.body.spec.template.spec.containers;
    expect(c.map((x: any) => x.name)).toEqual(['web', 'sidecar']);
    expect(c[0].image).toBe('nginx:1.27');
    // Without $setElementOrder the new element goes first: mergeSortedSlice puts patch items the
    // live list does not know ahead of the ones the patch leaves alone (as `kubectl patch` does).
    expect(c[0].env).toEqual([{ name: 'C', value: '3' }, { name: 'A', value: '1' }, { name: 'B', value: '2' }]);
    expect(Number(r.body.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(r.body.metadata.generation).toBe(before.metadata.generation + 1);
    expect(get('smp').spec).toEqual(r.body.spec);
  });

  it('the same patch as a JSON merge patch replaces the container list', () => {
    call('POST', DEPLOY, deployment('merge'));
    const r = call('PATCH', `${DEPLOY}/merge`, { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } }, MERGE);
    expect(r.status).toBe(200);
    // The list is replaced whole; the patched object is then defaulted as upstream decodes it (imagePullPolicy, …).
    expect(r.body.spec.template.spec.containers).toEqual([{ name: 'web', image: 'nginx:1.28', imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }]);
  });

  it('$setElementOrder (what kubectl apply sends) orders the merged list; $patch: delete removes by key', () => {
    call('POST', DEPLOY, deployment('order'));
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }],
            containers: [{ name: 'web', image: 'nginx:1.28', '$setElementOrder/env': [{ name: 'C' }, { name: 'A' }], env: [{ name: 'C', value: '3' }, { name: 'B', $patch: 'delete' }] }],
          },
        },
      },
    };
    const r = call('PATCH', `${DEPLOY}/order`, JSON.parse(JSON.stringify(patch)), SMP);
    expect(r.status).toBe(200);
    const c = r.body.spec.template.spec.containers;
    expect(c.map((x: any) => x.name)).toEqual(['sidecar', 'web']);
    expect(c[1].image).toBe('nginx:1.28');
    expect(c[1].env).toEqual([{ name: 'C', value: '3' }, { name: 'A', value: '1' }]);
    // Directives never reach the stored object.
    expect(JSON.stringify(get('order'))).not.toContain('$');
  });

  it('JSON patch: test, then replace and add', () => {
    call('POST', DEPLOY, deployment('jp'));
    const r = call('PATCH', `${DEPLOY}/jp`, [
      { op: 'test', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.27' },
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.28' },
      { op: 'add', path: '/metadata/labels', value: { tier: 'web' } },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
    ], JSONPATCH);
    expect(r.status).toBe(200);
    expect(r.body.spec.template.spec.containers.map((x: any) => x.image)).toEqual(['nginx:1.28']);
    expect(r.body.metadata.labels).toEqual({ tier: 'web' });
  });

  // ConfigMaps have no controller writing to them, so "nothing written" can compare whole objects.
  const CM = '/api/v1/namespaces/default/configmaps';
  const cm = () => call('GET', `${CM}/cm`).body;

  it('finalizers are a merged list of scalars; $deleteFromPrimitiveList takes one out', () => {
    expect(call('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', finalizers: ['example.com/a'] }, data: { a: '1' } }).status).toBe(201);
    const add = call('PATCH', `${CM}/cm`, { metadata: { finalizers: ['example.com/b', 'example.com/a'] } }, SMP);
    expect(add.body.metadata.finalizers).toEqual(['example.com/b', 'example.com/a']);
    const del = call('PATCH', `${CM}/cm`, { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/b'] } }, SMP);
    expect(del.body.metadata.finalizers).toEqual(['example.com/a']);
  });

  it('a failed JSON patch test operation: 422 with only the generic message, and nothing written', () => {
    const before = cm();
    const r = call('PATCH', `${CM}/cm`, [{ op: 'test', path: '/data/a', value: '2' }, { op: 'replace', path: '/data/a', value: '9' }], JSONPATCH);
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server rejected our request due to an error in our request', reason: 'Invalid', details: {}, code: 422 });
    const missing = call('PATCH', `${CM}/cm`, [{ op: 'remove', path: '/data/nope' }], JSONPATCH);
    expect(missing.status).toBe(422);
    expect(cm()).toEqual(before);
  });

  it('a Content-Type that is not a patch type: go-restful\'s 415; apply-patch+yaml: 415 naming what the lab takes', () => {
    const before = cm();
    const r = call('PATCH', `${CM}/cm`, { data: { a: '3' } }, 'application/json');
    expect(r.status).toBe(415);
    expect(r.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: '415: Unsupported Media Type', reason: 'UnsupportedMediaType', details: {}, code: 415 });
    const a = call('PATCH', `${CM}/cm?fieldManager=kubectl`, { data: { a: '3' } }, 'application/apply-patch+yaml');
    expect(a.status).toBe(415);
    expect(a.body.message).toBe('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json');
    expect(cm()).toEqual(before);
  });

  it('a bad directive or a list element without its merge key: upstream\'s text and status, nothing written', () => {
    const before = get('smp');
    const missingKey = call('PATCH', `${DEPLOY}/smp`, { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, SMP);
    expect(missingKey.status).toBe(500);
    expect(missingKey.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'map: map[image:x] does not contain declared merge key: name', code: 500 });
    const badRetain = call('PATCH', `${DEPLOY}/smp`, { spec: { strategy: { $retainKeys: 'type' } } }, SMP);
    expect(badRetain.status).toBe(400);
    expect(badRetain.body).toMatchObject({ reason: 'BadRequest', message: 'invalid patch format of retainKeys' });
    const notAnObject = call('PATCH', `${DEPLOY}/smp`, [{ op: 'add' }], SMP);
    expect(notAnObject.status).toBe(400);
    expect(notAnObject.body.message).toBe('json: cannot unmarshal array into Go value of type map[string]interface {}');
    const notJsonPatch = call('PATCH', `${DEPLOY}/smp`, { op: 'add' }, JSONPATCH);
    expect(notJsonPatch.status).toBe(400);
    expect(notJsonPatch.body.message).toBe('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    const badMerge = call('PATCH', `${DEPLOY}/smp`, 'x', MERGE);
    expect(badMerge.status).toBe(400);
    expect(badMerge.body.message).toBe('Invalid JSON Patch');
    const rename = call('PATCH', `${DEPLOY}/smp`, { metadata: { name: 'other' } }, SMP);
    expect(rename.status).toBe(400);
    expect(rename.body.message).toBe('the name of the object (other) does not match the name on the URL (smp)');
    const uid = call('PATCH', `${DEPLOY}/smp`, [{ op: 'replace', path: '/metadata/uid', value: 'x' }], JSONPATCH);
    expect(uid.status).toBe(422);
    expect(uid.body.message).toBe('Deployment.apps "smp" is invalid: metadata.uid: Invalid value: "x": field is immutable');
    // (The deployment controller may write the status meanwhile; the patches wrote nothing.)
    const after = get('smp');
    expect([after.spec, after.metadata.labels, after.metadata.uid]).toEqual([before.spec, before.metadata.labels, before.metadata.uid]);
  });

  it('a resourceVersion in the patch is a precondition: 409 Conflict when stale', () => {
    const cur = get('smp');
    const r = call('PATCH', `${DEPLOY}/smp`, { metadata: { resourceVersion: '1' }, spec: { replicas: 2 } }, SMP);
    expect(r.status).toBe(409);
    expect(r.body.message).toBe('Operation cannot be fulfilled on deployments.apps "smp": the object has been modified; please apply your changes to the latest version and try again');
    const ok = call('PATCH', `${DEPLOY}/smp`, { metadata: { resourceVersion: cur.metadata.resourceVersion }, spec: { replicas: 2 } }, SMP);
    expect(ok.status).toBe(200);
    expect(ok.body.spec.replicas).toBe(2);
  });

  it('a patch that changes nothing is not written: same resourceVersion', () => {
    const before = cm();
    for (const [body, ct] of [
      [{ data: { a: '1' }, metadata: { finalizers: ['example.com/a'] } }, SMP],
      [[{ op: 'test', path: '/data/a', value: '1' }], JSONPATCH],
      [{ metadata: { labels: null } }, MERGE],
    ] as const) {
      const r = call('PATCH', `${CM}/cm`, body, ct);
      expect(r.status).toBe(200);
      expect(r.body).toEqual(before);
    }
    expect(cm()).toEqual(before);
    const changed = call('PATCH', `${CM}/cm`, { data: { b: '2' } }, SMP);
    expect(Number(changed.body.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
  });

  it('the scale subresource takes a JSON patch of the Scale', () => {
    const r = call('PATCH', `${DEPLOY}/smp/scale`, [{ op: 'replace', path: '/spec/replicas', value: 4 }], JSONPATCH);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'Scale', spec: { replicas: 4 } });
    expect(get('smp').spec.replicas).toBe(4);
    const bad = call('PATCH', `${DEPLOY}/smp/scale`, { spec: { replicas: -1 } }, SMP);
    expect(bad.status).toBe(422);
  });

  it('the status subresource: a strategic merge patch merges pod conditions by type; the spec stays, metadata goes through', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'st' }, spec: { schedulerName: 'manual', containers: [{ name: 'c', image: 'nginx' }] } };
    expect(call('POST', '/api/v1/namespaces/default/pods', pod).status).toBe(201);
    const one = call('PATCH', '/api/v1/namespaces/default/pods/st/status', { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] } }, SMP);
    expect(one.status).toBe(200);
    const two = call('PATCH', '/api/v1/namespaces/default/pods/st/status', { metadata: { labels: { ignored: 'yes' } }, status: { '$setElementOrder/conditions': [{ type: 'Initialized' }, { type: 'PodScheduled' }], conditions: [{ type: 'Initialized', status: 'True' }] } }, SMP);
    expect(two.status).toBe(200);
    expect(two.body.status.conditions).toEqual([{ type: 'Initialized', status: 'True' }, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }]);
    // podStatusStrategy.PrepareForUpdate resets spec, deletionTimestamp and ownerReferences only:
    // labels and annotations sent to pods/status are stored (pkg/registry/core/pod/strategy.go).
    expect(two.body.metadata.labels).toEqual({ ignored: 'yes' });
    const specChange = call('PATCH', '/api/v1/namespaces/default/pods/st/status', { spec: { schedulerName: 'other' }, metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u' }] } }, SMP);
    expect(specChange.body.spec.schedulerName).toBe('manual');
    expect(specChange.body.metadata.ownerReferences).toBeUndefined();
    // The kubelet's uid precondition: a different uid is an immutable-field error.
    const stale = call('PATCH', '/api/v1/namespaces/default/pods/st/status', { metadata: { uid: 'not-this-pod' }, status: { phase: 'Running' } }, SMP);
    expect(stale.status).toBe(422);
    expect(stale.body.message).toBe('Pod "st" is invalid: metadata.uid: Invalid value: "not-this-pod": field is immutable');
  });

  it('an update of the main resource keeps the stored status (the registry strategy)', () => {
    const r = call('PATCH', '/api/v1/namespaces/default/pods/st', { metadata: { labels: { a: 'b' } }, status: { phase: 'Succeeded' } }, SMP);
    expect(r.status).toBe(200);
    expect(r.body.metadata.labels).toEqual({ ignored: 'yes', a: 'b' });
    expect(r.body.status.phase).toBe('Pending');
  });

  it('node taints have no merge key: a strategic patch replaces the list', () => {
    const nodes = call('GET', '/api/v1/nodes').body.items as any[];
    const n = nodes[0].metadata.name;
    call('PATCH', `/api/v1/nodes/${n}`, { spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] } }, SMP);
    const r = call('PATCH', `/api/v1/nodes/${n}`, { spec: { taints: [{ key: 'b', effect: 'NoSchedule' }] } }, SMP);
    expect(r.body.spec.taints).toEqual([{ key: 'b', effect: 'NoSchedule' }]);
  });
});
