import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rolloutStatus, surgeAndUnavailable } from './deployment';
import { computeHash, safeEncodeString, fnv32a } from './hash';
import { calculateStatus, controllerOf, slowStartBatches, rankPodsForDeletion } from './replicaset';
import { buildWorld, deployment } from './testing/world';

describe('controller helpers', () => {
  it('slow start batches are 1, 2, 4, … (SlowStartInitialBatchSize = 1)', () => {
    expect(slowStartBatches(3)).toEqual([1, 2]);
    expect(slowStartBatches(10)).toEqual([1, 2, 4, 3]);
    expect(slowStartBatches(0)).toEqual([]);
  });
  it('maxSurge rounds up, maxUnavailable down (25% of 3 → 1 and 0)', () => {
    expect(surgeAndUnavailable(deployment('a', 3))).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(surgeAndUnavailable(deployment('a', 10))).toEqual({ maxSurge: 3, maxUnavailable: 2 });
  });
  it('FNV-32a and SafeEncodeString as upstream', () => {
    expect(fnv32a(new TextEncoder().encode(''))).toBe(0x811c9dc5);
    expect(fnv32a(new TextEncoder().encode('a'))).toBe(0xe40c292c);
    expect(safeEncodeString('0123456789')).toBe('24bcdfghjk'.split('').map((_, i) => 'bcdfghjklmnpqrstvwxz2456789'[(48 + i) % 27]).join(''));
    expect(computeHash({ a: 1 })).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });
  it('deletion ranking: unscheduled, then pending, then not ready first', () => {
    const p = (name: string, node: string, phase: string, ready: boolean) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, creationTimestamp: '2025-01-01T00:00:00Z' }, spec: { nodeName: node }, status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });
    expect(rankPodsForDeletion([p('ready', 'n', 'Running', true), p('unsched', '', 'Pending', false), p('pending', 'n', 'Pending', false), p('notready', 'n', 'Running', false)]).map((x) => x.metadata.name)).toEqual(['unsched', 'pending', 'notready', 'ready']);
  });
});

describe('deployment → replicaset → scheduler → kubelet, end to end (fake apiserver)', () => {
  it('3 replicas become Running with IPs in their nodes\' /24s; rollout status reads done', () => {
    const w = buildWorld({ seed: 5, nodes: 3 });
    w.call(1_000_000, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 3, 'httpd:2.4'));
    w.k.runUntil(60_000_000);
    const st = w.api().store;
    const d = st['deployments']!['default/web']!;
    const rss = Object.values(st['replicasets'] ?? {});
    expect(rss).toHaveLength(1);
    expect(rss[0]!.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    const pods = Object.values(st['pods'] ?? {});
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.status.phase).toBe('Running');
      const node = w.nodes.find((n) => n.metadata.name === p.spec.nodeName)!;
      expect(p.status.podIP.split('.').slice(0, 3).join('.')).toBe(node.spec.podCIDR.split('.').slice(0, 3).join('.'));
      expect(p.metadata.labels!['pod-template-hash']).toBe(rss[0]!.metadata.labels!['pod-template-hash']);
    }
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(3);
    expect(d.status.availableReplicas).toBe(3);
    expect(d.status.conditions.map((c: any) => `${c.type}=${c.status}/${c.reason}`)).toEqual(['Available=True/MinimumReplicasAvailable', 'Progressing=True/NewReplicaSetAvailable']);
    expect(rolloutStatus(d)).toEqual({ done: true, message: 'deployment "web" successfully rolled out\n' });
  });

  it('scale up and down converge; a template change rolls over to a new ReplicaSet', () => {
    const w = buildWorld({ seed: 9, nodes: 3, cachedImages: ['nginx', 'httpd:2.4'] });
    w.call(1_000_000, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 3));
    w.k.runUntil(10_000_000);
    const running = () => Object.values(w.api().store['pods'] ?? {}).filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp).length;
    expect(running()).toBe(3);
    const d5 = structuredClone(w.api().store['deployments']!['default/web']!);
    d5.spec.replicas = 5;
    w.call(11_000_000, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web', d5);
    w.k.runUntil(20_000_000);
    expect(running()).toBe(5);
    const d1 = structuredClone(w.api().store['deployments']!['default/web']!);
    d1.spec.replicas = 1;
    w.call(21_000_000, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web', d1);
    w.k.runUntil(30_000_000);
    expect(Object.keys(w.api().store['pods'] ?? {})).toHaveLength(1);
    const d2 = structuredClone(w.api().store['deployments']!['default/web']!);
    d2.spec.replicas = 4;
    d2.spec.template.spec.containers[0].image = 'httpd:2.4';
    w.call(31_000_000, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web', d2);
    w.k.runUntil(60_000_000);
    const rss = Object.values(w.api().store['replicasets']!);
    expect(rss.map((r) => r.spec.replicas).sort()).toEqual([0, 4]);
    const pods = Object.values(w.api().store['pods']!);
    expect(pods).toHaveLength(4);
    expect(pods.every((p) => p.spec.containers[0].image === 'httpd:2.4' && p.status.phase === 'Running')).toBe(true);
    const d = w.api().store['deployments']!['default/web']!;
    expect(rolloutStatus(d).done).toBe(true);
    expect(d.status.observedGeneration).toBe(d.metadata.generation);
  });
});

describe('property: controllers converge (fake apiserver, 3 nodes)', () => {
  type Policy = 'Background' | 'Foreground' | 'Orphan';
  type Op = { type: 'create' | 'scale' | 'delete'; name: string; replicas: number; policy: Policy };
  const policy = fc.constantFrom<Policy>('Background', 'Foreground', 'Orphan');
  const op = fc.record({ type: fc.constantFrom<'create' | 'scale' | 'delete'>('create', 'scale', 'delete'), name: fc.constantFrom('a', 'b', 'c'), replicas: fc.integer({ min: 0, max: 4 }), policy });

  /** The ReplicaSet controller's counts kept from pod deltas are calculateStatus over the pods its informer has. */
  function checkCounts(w: ReturnType<typeof buildWorld>) {
    const kcm = w.k.process('cp/kube-controller-manager').state as any;
    const pods = Object.values(kcm.informers.pods.cache) as any[];
    for (const rs of Object.values(kcm.informers.replicasets.cache) as any[]) {
      const c = kcm.rsCounts[rs.metadata.uid];
      if (!c?.valid || c.sig !== JSON.stringify([rs.spec?.template?.metadata?.labels ?? null, rs.spec?.selector?.matchLabels ?? null])) continue;
      const want = calculateStatus(rs, pods.filter((p) => controllerOf(p)?.uid === rs.metadata.uid && p.metadata.namespace === rs.metadata.namespace));
      expect({ replicas: c.replicas, ready: c.ready, fullyLabeled: c.fullyLabeled }, rs.metadata.name).toEqual({ replicas: want.replicas, ready: want.readyReplicas, fullyLabeled: want.fullyLabeledReplicas });
    }
  }

  /** Runs the ops 4 s apart, waits 40 s, and checks what the controllers and the garbage collector must have reached. */
  function run(ops: Op[], seed: number) {
    const w = buildWorld({ seed, nodes: 3, cachedImages: ['nginx'] });
    let t = 1_000_000;
    // The lab's Deployment controller adopts no orphans, so a name deleted with Orphan is not created again.
    const orphaned = new Set<string>();
    const orphanRs = new Set<string>();
    for (const o of ops) {
      w.k.runUntil(t);
      checkCounts(w);
      const path = `/apis/apps/v1/namespaces/default/deployments`;
      const cur = w.api().store['deployments']?.[`default/${o.name}`];
      if (o.type === 'create' && !orphaned.has(o.name)) w.call(t, 'POST', path, deployment(o.name, o.replicas));
      else if (o.type === 'scale' && cur) {
        const d = structuredClone(cur);
        d.spec.replicas = o.replicas;
        w.call(t, 'PUT', `${path}/${o.name}`, d);
      } else if (o.type === 'delete' && cur) {
        w.call(t, 'DELETE', `${path}/${o.name}`, { propagationPolicy: o.policy });
        if (o.policy === 'Orphan') {
          orphaned.add(o.name);
          // Its ReplicaSets not already being deleted must survive it.
          for (const r of Object.values(w.api().store['replicasets'] ?? {})) if (r.metadata.ownerReferences?.[0]?.uid === cur.metadata.uid && !r.metadata.deletionTimestamp) orphanRs.add(r.metadata.uid!);
        }
      }
      t += 4_000_000;
    }
    for (let u = t; u <= t + 40_000_000; u += 2_000_000) {
      w.k.runUntil(u);
      checkCounts(w);
    }
    const st = w.api().store;
    const deps = Object.values(st['deployments'] ?? {});
    const rss = Object.values(st['replicasets'] ?? {});
    const pods = Object.values(st['pods'] ?? {});
    for (const d of deps) {
      const mine = new Set(rss.filter((r) => r.metadata.ownerReferences?.[0]?.uid === d.metadata.uid).map((r) => r.metadata.uid));
      const running = pods.filter((p) => mine.has(p.metadata.ownerReferences?.[0]?.uid) && !p.metadata.deletionTimestamp && p.status?.phase === 'Running');
      expect(running.length, `deployment ${d.metadata.name}`).toBe(d.spec.replicas);
    }
    const depUids = new Set(deps.map((d) => d.metadata.uid));
    const rsUids = new Set(rss.map((r) => r.metadata.uid));
    // Every deletion finished: nothing is left waiting on the garbage collector's finalizers.
    for (const o of [...deps, ...rss, ...pods]) expect(o.metadata.finalizers, `${o.metadata.name} still has finalizers`).toBeUndefined();
    for (const d of deps) expect(d.metadata.deletionTimestamp, `deployment ${d.metadata.name} is still being deleted`).toBeUndefined();
    for (const r of rss) {
      if (r.metadata.ownerReferences?.length) expect(depUids.has(r.metadata.ownerReferences[0]!.uid), `ReplicaSet ${r.metadata.name} outlived its Deployment`).toBe(true);
      else {
        // Orphaned: its Deployment was deleted with Orphan; it keeps its pods running.
        expect(orphaned.has(r.metadata.labels!['app']!), `ReplicaSet ${r.metadata.name} lost its owner reference`).toBe(true);
        const running = pods.filter((p) => p.metadata.ownerReferences?.[0]?.uid === r.metadata.uid && !p.metadata.deletionTimestamp && p.status?.phase === 'Running');
        expect(running.length, `orphaned ReplicaSet ${r.metadata.name}`).toBe(r.spec.replicas);
      }
    }
    // No pod is left without its ReplicaSet after a cascading delete; orphaned ReplicaSets are still there.
    for (const p of pods) expect(rsUids.has(p.metadata.ownerReferences?.[0]?.uid), `pod ${p.metadata.name} outlived its ReplicaSet`).toBe(true);
    for (const uid of orphanRs) expect(rsUids.has(uid), 'an orphaned ReplicaSet was deleted').toBe(true);
    return { deletes: ops.filter((o) => o.type === 'delete').length };
  }

  it('after random create/scale/delete (any propagation policy): Running pods = spec.replicas per Deployment, no object outlives its owner, and orphans keep running without the reference', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 1000 }), (ops: Op[], seed) => {
        run(ops, seed);
      }),
      { numRuns: 25, seed: 20261206 },
    );
  });

  it('three Deployments, then mostly deletes with random propagation policies: cascades finish, orphans survive without the reference', () => {
    const create = fc.record({ type: fc.constant<'create'>('create'), name: fc.constantFrom('a', 'b', 'c'), replicas: fc.integer({ min: 1, max: 3 }), policy });
    const later = fc.record({ type: fc.constantFrom<'create' | 'scale' | 'delete'>('delete', 'delete', 'scale', 'create'), name: fc.constantFrom('a', 'b', 'c'), replicas: fc.integer({ min: 0, max: 3 }), policy });
    fc.assert(
      fc.property(fc.tuple(create, create, create), fc.array(later, { minLength: 2, maxLength: 5 }), fc.integer({ min: 1, max: 1000 }), (first, rest, seed) => {
        run([{ ...first[0], name: 'a' }, { ...first[1], name: 'b' }, { ...first[2], name: 'c' }, ...rest], seed);
      }),
      { numRuns: 15, seed: 20261207 },
    );
  });
});
