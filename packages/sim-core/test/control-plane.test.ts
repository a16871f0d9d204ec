/**
 * The controllers a learner breaks things against, driven through kube-apiserver like a client:
 * the garbage collector's background cascade after `kubectl delete deployment`, and a worker
 * cut off from the cluster — NotReady (Unknown) after node-monitor-grace-period (50 s), the
 * unreachable taints, its pods evicted when their 300 s tolerations run out and replaced
 * elsewhere, and the node Ready again once it is back.
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
  const call = (method: string, path: string, body?: unknown) => {
    const reqId = next++;
    sim.addInput({ atUs: sim.now, type: 'command', to: CLIENT, kind: 'http', payload: { reqId, realConn: 'c1', remote: '10.89.97.10:5000', method, path, headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, ...(body !== undefined ? { body } : {}), cert: ADMIN_CERT } });
    const find = () => sim.trace.entries.find((e) => e.type === 'note' && e.kind === FRONT_DOOR_RESPONSE && (e.data as { reqId: number }).reqId === reqId);
    let res = undefined as ReturnType<typeof find>;
    for (let i = 0; i < 200 && !(res = find()); i++) sim.runFor(ms(10));
    return (res?.data ?? {}) as { status: number; body: any };
  };
  const list = (path: string) => (call('GET', path).body.items ?? []) as any[];
  return { sim, call, list };
}

describe('garbage collector', () => {
  it('deleting a Deployment (Background) removes its ReplicaSet, then its pods', () => {
    const { sim, call, list } = lab(5);
    expect(list('/api/v1/namespaces/default/pods?labelSelector=app%3Dnginx')).toHaveLength(3);
    const del = call('DELETE', '/apis/apps/v1/namespaces/default/deployments/nginx', { propagationPolicy: 'Background' });
    expect(del.status).toBe(200);
    sim.runFor(seconds(2));
    expect(list('/apis/apps/v1/namespaces/default/replicasets').map((r) => r.metadata.name).filter((n: string) => n.startsWith('nginx-'))).toEqual([]);
    // Pods go gracefully: Terminating first, gone once their kubelets have stopped them.
    sim.runFor(seconds(40));
    expect(list('/api/v1/namespaces/default/pods?labelSelector=app%3Dnginx')).toEqual([]);
    // Objects with owners of kinds the manager does not watch (the helm-install Job pods) are left alone.
    expect(list('/api/v1/namespaces/kube-system/pods').some((p) => p.metadata.name.startsWith('helm-install-traefik'))).toBe(true);
  });
});

describe('node lifecycle and taint eviction', () => {
  it('a partitioned worker goes Unknown after 50 s, is tainted, its pods are replaced after 300 s, and it comes back', () => {
    const { sim, call, list } = lab(6);
    const onW2 = list('/api/v1/namespaces/default/pods').filter((p) => p.spec.nodeName === 'k3s-worker-2').map((p) => p.metadata.name as string);
    expect(onW2.length).toBeGreaterThan(0);
    const cut = sim.now;
    sim.addInput({ atUs: cut, type: 'fault', fault: { kind: 'partition', hosts: ['k3s-worker-2'] } });
    // Its last lease renewal was < 10 s before the cut; 50 s grace, checked every 5 s.
    sim.runFor(seconds(40));
    const ready = (n: string) => call('GET', `/api/v1/nodes/${n}`).body.status.conditions.find((c: any) => c.type === 'Ready');
    expect(ready('k3s-worker-2').status).toBe('True');
    sim.runFor(seconds(30));
    const r = ready('k3s-worker-2');
    expect(r).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    const taints = call('GET', '/api/v1/nodes/k3s-worker-2').body.spec.taints.map((t: any) => `${t.key}:${t.effect}`);
    expect(taints).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    expect(ready('k3s-worker-1').status).toBe('True');
    // Pods tolerate unreachable for 300 s (DefaultTolerationSeconds): still there at +250 s.
    sim.runFor(seconds(180));
    expect(list('/api/v1/namespaces/default/pods').filter((p) => onW2.includes(p.metadata.name) && p.metadata.deletionTimestamp)).toEqual([]);
    sim.runFor(seconds(130));
    // Evicted: Terminating (the cut-off kubelet cannot finish them), and replaced on the other nodes.
    const pods = list('/api/v1/namespaces/default/pods');
    for (const name of onW2) expect(pods.find((p) => p.metadata.name === name)?.metadata.deletionTimestamp).toBeDefined();
    const live = pods.filter((p) => !p.metadata.deletionTimestamp && (p.metadata.labels?.app === 'nginx' || p.metadata.labels?.app === 'api'));
    expect(live.length).toBe(4);
    expect(live.every((p) => p.spec.nodeName !== 'k3s-worker-2' && p.status.phase === 'Running')).toBe(true);
    // Heal: the kubelet posts Ready again, the taints go, and it finishes the evicted pods.
    sim.addInput({ atUs: sim.now, type: 'fault', fault: { kind: 'heal' } });
    sim.runFor(seconds(60));
    expect(ready('k3s-worker-2').status).toBe('True');
    expect(call('GET', '/api/v1/nodes/k3s-worker-2').body.spec.taints ?? []).toEqual([]);
  });
});

describe('EndpointSlice and Endpoints controllers', () => {
  it('a Service\'s slice and Endpoints follow its pods: terminating, then replaced', () => {
    const { sim, call, list } = lab(7);
    const slice = () => list('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dnginx')[0];
    const s0 = slice();
    expect(s0.metadata.name).toMatch(/^nginx-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(s0.metadata.labels['endpointslice.kubernetes.io/managed-by']).toBe('endpointslice-controller.k8s.io');
    expect(s0.metadata.ownerReferences[0]).toMatchObject({ kind: 'Service', name: 'nginx', controller: true });
    expect(s0.ports).toEqual([{ name: '', port: 80, protocol: 'TCP' }]);
    const pods = list('/api/v1/namespaces/default/pods?labelSelector=app%3Dnginx');
    expect(s0.endpoints.map((e: any) => e.addresses[0]).sort()).toEqual(pods.map((p) => p.status.podIP).sort());
    expect(s0.endpoints.every((e: any) => e.conditions.ready && e.conditions.serving && !e.conditions.terminating && e.targetRef.kind === 'Pod')).toBe(true);
    expect(call('GET', '/api/v1/namespaces/default/endpoints/nginx').body.subsets[0].addresses).toHaveLength(3);
    const victim = pods[0];
    call('DELETE', `/api/v1/namespaces/default/pods/${victim.metadata.name}`);
    // While it terminates (nginx exits on SIGTERM within moments) it stays in the slice, not ready;
    // the legacy Endpoints drop it at once.
    let during: any;
    for (let i = 0; i < 200 && !during; i++) {
      sim.runFor(ms(2));
      during = (slice().endpoints as any[]).find((e) => e.targetRef.name === victim.metadata.name && e.conditions.terminating);
    }
    expect(during?.conditions).toEqual({ ready: false, serving: true, terminating: true });
    expect(call('GET', '/api/v1/namespaces/default/endpoints/nginx').body.subsets[0].addresses.map((a: any) => a.targetRef.name)).not.toContain(victim.metadata.name);
    sim.runFor(seconds(20));
    const after = slice().endpoints;
    expect(after).toHaveLength(3);
    expect(after.map((e: any) => e.targetRef.name)).not.toContain(victim.metadata.name);
    expect(after.every((e: any) => e.conditions.ready)).toBe(true);
  });
});

describe('ServiceAccount controller', () => {
  it('a new namespace gets its "default" ServiceAccount', () => {
    const { sim, call } = lab(9);
    expect(call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } }).status).toBe(201);
    sim.runFor(ms(200));
    const sa = call('GET', '/api/v1/namespaces/demo/serviceaccounts/default');
    expect(sa.status).toBe(200);
    expect(sa.body.metadata).toMatchObject({ name: 'default', namespace: 'demo' });
  });
});
