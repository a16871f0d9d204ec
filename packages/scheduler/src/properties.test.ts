// Properties (fast-check): scores stay in [0, 100] after normalizing; placing pods one at a time
// never overcommits a node's allocatable; the order nodes are listed in changes nothing but the
// choice among exact ties; LeastAllocated never rises when a pod asks for more.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Node, Pod, Taint } from './api/types';
import { leastResourceScorer } from './plugins/node-resources/least-allocated';
import { createScheduler } from './schedule-one';
import { makeNode, makePod } from './testing/wrappers';
import { placePods, seededRand } from './what-if';
import { podResources } from './util/pod-resources';
import { quantityMilliValue, quantityValue } from './util/quantity';

const taintArb = fc.constantFrom<Taint[] | undefined>(undefined, [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }], [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }]);
const nodeArb = (i: number) =>
  fc.record({ cpu: fc.integer({ min: 1, max: 16 }), memGi: fc.integer({ min: 1, max: 64 }), pods: fc.integer({ min: 1, max: 20 }), zone: fc.constantFrom('a', 'b', 'c'), taints: taintArb, image: fc.boolean() }).map(
    (n): Node =>
      makeNode(`node-${i}`, { cpu: String(n.cpu), memory: `${n.memGi}Gi`, pods: String(n.pods) }, {
        labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': n.zone },
        taints: n.taints,
        images: n.image ? [{ names: ['nginx:1.27'], sizeBytes: 200 * 1024 * 1024 }] : undefined,
      }),
  );
const clusterArb = fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => nodeArb(i))));
const podArb = (name: string) =>
  fc.record({ cpuM: fc.integer({ min: 0, max: 4000 }), memMi: fc.integer({ min: 0, max: 8192 }), containers: fc.integer({ min: 0, max: 2 }), tolerate: fc.boolean(), app: fc.constantFrom('web', 'db') }).map((p): Pod => {
    const w = makePod(name).labels({ app: p.app });
    for (let i = 0; i < p.containers; i++) w.req(i === 0 ? { cpu: `${p.cpuM}m`, memory: `${p.memMi}Mi` } : {});
    const pod = w.obj();
    for (const c of pod.spec.containers ?? []) c.image = 'nginx:1.27';
    if (p.tolerate) pod.spec.tolerations = [{ key: 'dedicated', operator: 'Exists' }];
    return pod;
  });
const podsArb = fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => podArb(`p${i}`))));

describe('scheduler properties', () => {
  it('every normalized score is in [0, 100] and totals are the weighted sums', () => {
    fc.assert(
      fc.property(clusterArb, podArb('incoming'), fc.integer(), (nodes, pod, seed) => {
        const r = createScheduler().scheduleOne({ nodes, pods: [] }, pod, seededRand(seed));
        for (const [node, per] of Object.entries(r.scores)) {
          let total = 0;
          for (const [plugin, s] of Object.entries(per)) {
            expect(s.normalized).toBeGreaterThanOrEqual(0);
            expect(s.normalized).toBeLessThanOrEqual(100);
            expect(Number.isInteger(s.raw)).toBe(true);
            expect(s.weighted).toBe(s.normalized * r.weights[plugin]!);
            total += s.weighted;
          }
          expect(r.totals[node]).toBe(total);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("a bound pod never overcommits a node's allocatable (cpu, memory, pods)", () => {
    fc.assert(
      fc.property(clusterArb, podsArb, fc.integer(), (nodes, pods, seed) => {
        const placed = placePods(createScheduler(), { nodes }, pods, seededRand(seed));
        for (const n of nodes) {
          const mine = placed.filter((p) => p.node === n.metadata.name).map((p) => pods.find((q) => `default/${q.metadata.name}` === p.pod)!);
          const cpu = mine.reduce((a, p) => a + podResources(p).requests.milliCPU, 0);
          const mem = mine.reduce((a, p) => a + podResources(p).requests.memory, 0);
          expect(cpu).toBeLessThanOrEqual(quantityMilliValue(n.status!.allocatable!['cpu']!));
          expect(mem).toBeLessThanOrEqual(quantityValue(n.status!.allocatable!['memory']!));
          expect(mine.length).toBeLessThanOrEqual(quantityValue(n.status!.allocatable!['pods']!));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('node order changes nothing but the pick among exact ties', () => {
    fc.assert(
      fc.property(clusterArb, podArb('incoming'), fc.integer(), fc.integer(), (nodes, pod, seed, shuffleSeed) => {
        const r = seededRand(shuffleSeed);
        const shuffled = [...nodes];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = r.intn(i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const a = createScheduler().scheduleOne({ nodes, pods: [] }, pod, seededRand(seed));
        const b = createScheduler().scheduleOne({ nodes: shuffled, pods: [] }, pod, seededRand(seed));
        expect(b.totals).toEqual(a.totals);
        expect(b.filtered).toEqual(a.filtered);
        expect(b.message).toEqual(a.message);
        if (a.selected === null) expect(b.selected).toBeNull();
        else if (Object.keys(a.totals).length > 1) {
          const best = Math.max(...Object.values(a.totals));
          expect(a.totals[a.selected]).toBe(best);
          expect(b.totals[b.selected!]).toBe(best);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('LeastAllocated never rises when the requests rise', () => {
    const scorer = leastResourceScorer([
      { name: 'cpu', weight: 1 },
      { name: 'memory', weight: 3 },
    ]);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e7 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.integer({ min: 0, max: 2e7 }),
        fc.integer({ min: 0, max: 2 ** 41 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 0, max: 2 ** 30 }),
        (capCpu, capMem, reqCpu, reqMem, dCpu, dMem) => {
          const before = scorer([reqCpu, reqMem], [capCpu, capMem]);
          const after = scorer([reqCpu + dCpu, reqMem + dMem], [capCpu, capMem]);
          expect(after).toBeLessThanOrEqual(before);
          expect(before).toBeGreaterThanOrEqual(0);
          expect(before).toBeLessThanOrEqual(100);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
