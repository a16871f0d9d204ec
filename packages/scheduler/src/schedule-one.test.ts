// The scheduling cycle: numFeasibleNodesToFind (schedule_one_test.go TestNumFeasibleNodesToFind),
// the rotating start index (TestFairEvaluationForNodes), selectHost's heap and reservoir
// sampling, the FitError text (framework/types_test.go TestFitError_Error style), config
// resolution, and the Tower Fleet example.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Node, Pod } from './api/types';
import { ConfigError } from './framework/config';
import { fitErrorMessage } from './framework/fit-error';
import { createScheduler, numFeasibleNodesToFind, resolveConfig, selectHost, type Rand } from './schedule-one';
import { ClusterSnapshot } from './framework/snapshot';
import { makeNode, makePod } from './testing/wrappers';
import { seededRand, whatIf } from './what-if';

const fixed = (...vals: number[]): Rand & { calls: number[] } => {
  const calls: number[] = [];
  let i = 0;
  return {
    calls,
    intn(n: number) {
      calls.push(n);
      return vals.length ? vals[Math.min(i++, vals.length - 1)]! % n : 0;
    },
  };
};

describe('numFeasibleNodesToFind (TestNumFeasibleNodesToFind)', () => {
  const cases: [string, number, number, number][] = [
    ['not set percentageOfNodesToScore and nodes number not more than 50', 0, 10, 10],
    ['set percentageOfNodesToScore and nodes number not more than 50', 40, 10, 10],
    ['not set percentageOfNodesToScore and nodes number more than 50', 0, 1000, 420],
    ['set percentageOfNodesToScore and nodes number more than 50', 40, 1000, 400],
    ['not set percentageOfNodesToScore and nodes number more than 50*125', 0, 6000, 300],
    ['set percentageOfNodesToScore and nodes number more than 50*125', 40, 6000, 2400],
  ];
  for (const [name, pct, n, want] of cases) it(name, () => expect(numFeasibleNodesToFind(pct, n)).toBe(want));
  it('5000 nodes (scheduler_perf SchedulingBasic): 50 - 40 = 10% = 500', () => expect(numFeasibleNodesToFind(0, 5000)).toBe(500));
  it('never below 100 once there are 100 nodes', () => expect(numFeasibleNodesToFind(1, 150)).toBe(100));
});

describe('rotating start index (TestFairEvaluationForNodes)', () => {
  it('walks on from where the last cycle stopped', () => {
    const nodes = Array.from({ length: 500 }, (_, i) => makeNode(String(i), { cpu: '4', memory: '32Gi', pods: '110' }));
    const s = createScheduler();
    const snap = new ClusterSnapshot({ nodes });
    const toFind = numFeasibleNodesToFind(0, 500); // 230
    expect(toFind).toBe(230);
    for (let i = 0; i < 4; i++) {
      const r = s.schedulePod(snap, makePod().obj(), seededRand(i), { explain: false });
      expect(r.feasibleNodes).toBe(toFind);
      expect(s.nextStartNodeIndex).toBe(((i + 1) * toFind) % 500);
    }
  });
});

describe('selectHost', () => {
  it('returns the single best node without drawing', () => {
    const r = fixed();
    expect(selectHost([10, 30, 20], 3, r)).toEqual({ selected: 1, top: [1, 2, 0] });
    expect(r.calls).toEqual([]);
  });
  it('pops ties in container/heap order and reservoir-samples with Intn(2), Intn(3), …', () => {
    // heap.Init on equal totals leaves [0 1 2]; Pop takes 0, then 2, then 1.
    const zero = fixed(0);
    expect(selectHost([5, 5, 5], 3, zero)).toEqual({ selected: 1, top: [1, 2, 0] });
    expect(zero.calls).toEqual([2, 3]);
    const one = fixed(1);
    expect(selectHost([5, 5, 5], 3, one).selected).toBe(0);
  });
  it('draws once per tied top node, and not for lower ones', () => {
    const r = fixed(1, 1, 1, 1);
    selectHost([7, 9, 9, 1, 9, 3], 3, r);
    expect(r.calls).toEqual([2, 3]);
  });
});

describe('FitError message', () => {
  const cpuNode = (name: string, taints?: Node['spec'] extends infer S ? (S extends { taints?: infer T } ? T : never) : never) => makeNode(name, { cpu: '1', memory: '1Gi', pods: '110' }, { taints: taints ?? undefined });
  const nodes = [cpuNode('n1', [{ key: 'node-role', value: 'x', effect: 'NoSchedule' }]), cpuNode('n2'), cpuNode('n3')];
  const big = () => makePod('big').req({ cpu: '2' }).obj();
  it("upstream's histogram: reasons counted, sorted, then the preemption dry run's message", () => {
    const r = createScheduler().scheduleOne({ nodes, pods: [] }, big(), seededRand(1));
    expect(r.selected).toBeNull();
    expect(r.message).toBe('0/3 nodes are available: 1 node(s) had untolerated taint {node-role: x}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..');
    expect(r.filtered).toEqual({ n1: 'node(s) had untolerated taint {node-role: x}', n2: 'Insufficient cpu', n3: 'Insufficient cpu' });
    expect(r.filteredBy).toEqual({ n1: 'TaintToleration', n2: 'NodeResourcesFit', n3: 'NodeResourcesFit' });
  });
  it('without a PostFilter plugin the message ends after the filter histogram', () => {
    const cfg = { profiles: [{ plugins: { multiPoint: { disabled: [{ name: 'DefaultPreemption' }] } } }] };
    const r = createScheduler(cfg).scheduleOne({ nodes, pods: [] }, big(), seededRand(1));
    expect(r.message).toBe('0/3 nodes are available: 1 node(s) had untolerated taint {node-role: x}, 2 Insufficient cpu.');
  });
  it('a node failing two resources counts under both; preemption: not eligible for preemptionPolicy=Never', () => {
    const p = makePod('hungry').req({ cpu: '2', memory: '2Gi' }).obj();
    p.spec.preemptionPolicy = 'Never';
    const r = createScheduler().scheduleOne({ nodes: nodes.slice(1), pods: [] }, p, seededRand(1));
    expect(r.message).toBe('0/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory. preemption: not eligible due to preemptionPolicy=Never..');
  });
  it('lower-priority victims make preemption possible: no postFilter text, a nominated node', () => {
    const low = makePod('low').node('n2').req({ cpu: '800m' }).priority(0).obj();
    const p = makePod('high').req({ cpu: '500m' }).priority(1000).obj();
    const r = createScheduler().scheduleOne({ nodes, pods: [low] }, p, seededRand(1));
    // n3 fits outright, so this is scheduled; force n3 out with a second low pod
    expect(r.selected).toBe('n3');
    const low3 = makePod('low3').node('n3').req({ cpu: '800m' }).obj();
    const r2 = createScheduler().scheduleOne({ nodes, pods: [low, low3] }, p, seededRand(1));
    expect(r2.selected).toBeNull();
    expect(r2.nominatedNodeName).toBe('n2');
    expect(r2.message).toBe('0/3 nodes are available: 1 node(s) had untolerated taint {node-role: x}, 2 Insufficient cpu.');
  });
  it('sorts as strings, as Go sort.Strings does: "10 …" before "2 …"', () => {
    const statuses = new Map<string, { code: 'Unschedulable'; reasons: string[] }>();
    for (let i = 0; i < 10; i++) statuses.set(`a${i}`, { code: 'Unschedulable', reasons: ['Insufficient memory'] });
    statuses.set('b0', { code: 'Unschedulable', reasons: ['Insufficient cpu'] });
    statuses.set('b1', { code: 'Unschedulable', reasons: ['Insufficient cpu'] });
    expect(fitErrorMessage(12, { nodeToStatus: { statuses, absent: { code: 'UnschedulableAndUnresolvable', reasons: [] } }, preFilterMsg: '', postFilterMsg: '', unschedulablePlugins: new Set() })).toBe('0/12 nodes are available: 10 Insufficient memory, 2 Insufficient cpu.');
  });
  it('a PreFilter rejection gives its message once, not per node', () => {
    const p = makePod('pinned').obj();
    p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }, { key: 'metadata.name', operator: 'In', values: ['b'] }] }] } } };
    const r = createScheduler().scheduleOne({ nodes, pods: [] }, p, seededRand(1));
    expect(r.message).toBe('0/3 nodes are available: pod affinity terms conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..');
  });
  it('nodes outside a PreFilterResult count as "didn\'t satisfy plugin(s)"', () => {
    const p = makePod('pinned').req({ cpu: '2' }).obj();
    p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }] } } };
    const cfg = { profiles: [{ plugins: { postFilter: { disabled: [{ name: '*' }] } } }] };
    const r = createScheduler(cfg).scheduleOne({ nodes, pods: [] }, p, seededRand(1));
    expect(r.message).toBe("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
    expect(r.evaluatedNodes).toBe(1);
  });
});

describe('KubeSchedulerConfiguration', () => {
  it('defaults to the v1.33 profile and weights', () => {
    const c = resolveConfig();
    const p = c.profiles[0]!;
    expect(p.schedulerName).toBe('default-scheduler');
    expect(p.points.filter).toEqual(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'VolumeRestrictions', 'NodeVolumeLimits', 'VolumeBinding', 'VolumeZone', 'PodTopologySpread', 'InterPodAffinity']);
    expect(p.points.score).toEqual(['TaintToleration', 'NodeAffinity', 'NodeResourcesFit', 'VolumeBinding', 'PodTopologySpread', 'InterPodAffinity', 'NodeResourcesBalancedAllocation', 'ImageLocality']);
    expect(p.weights).toMatchObject({ TaintToleration: 3, NodeAffinity: 2, PodTopologySpread: 2, InterPodAffinity: 2, NodeResourcesFit: 1, NodeResourcesBalancedAllocation: 1, ImageLocality: 1 });
    expect(p.points.postFilter).toEqual(['DefaultPreemption']);
  });
  it('score.enabled re-weights a default plugin and moves it first (expandMultiPointPlugins order)', () => {
    const c = resolveConfig('apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- plugins:\n    score:\n      enabled:\n      - name: ImageLocality\n        weight: 5\n      disabled:\n      - name: TaintToleration\n');
    const p = c.profiles[0]!;
    expect(p.points.score[0]).toBe('ImageLocality');
    expect(p.points.score).not.toContain('TaintToleration');
    expect(p.points.filter).toContain('TaintToleration');
    expect(p.weights['ImageLocality']).toBe(5);
  });
  it('errors name the field', () => {
    expect(() => resolveConfig({ profiles: [{ plugins: { score: { enabled: [{ name: 'NodeName' }] } } }] })).toThrow('profiles[0].plugins.score.enabled[0]: Invalid value: "NodeName": plugin does not extend score plugin');
    expect(() => resolveConfig({ profiles: [{ plugins: { filter: { enabled: [{ name: 'Nope' }] } } }] })).toThrow('profiles[0].plugins.filter.enabled[0]: Invalid value: "Nope": plugin does not exist');
    expect(() => resolveConfig({ percentageOfNodesToScore: 101 })).toThrow(ConfigError);
    expect(() => createScheduler({ profiles: [{ pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'Fancy' } } }] }] })).toThrow('args.scoringStrategy.type: Unsupported value: "Fancy"');
    expect(() => resolveConfig({ apiVersion: 'kubescheduler.config.k8s.io/v1beta3' })).toThrow('apiVersion: Unsupported value');
  });
  it('an unknown schedulerName is an error result, not a throw', () => {
    const p = makePod().obj();
    p.spec.schedulerName = 'other';
    const r = createScheduler().scheduleOne({ nodes: [makeNode('a', { cpu: '1', memory: '1Gi', pods: '10' })] }, p, seededRand(0));
    expect(r.outcome).toBe('Error');
    expect(r.message).toBe('profile not found for scheduler name "other"');
  });
});

const example = (f: string) => parseAllDocuments(readFileSync(new URL(`../../../docs/examples/scheduler/${f}`, import.meta.url), 'utf8')).map((d) => d.toJS());

describe('Tower Fleet example (docs/examples/scheduler)', () => {
  const objs = example('cluster.yaml');
  const nodes = objs.filter((o) => o.kind === 'Node') as Node[];
  const pods = objs.filter((o) => o.kind === 'Pod') as Pod[];
  const pod = example('pod.yaml')[0] as Pod;
  it('explains the placement with raw, normalized and weighted scores', () => {
    const r = createScheduler().scheduleOne({ nodes, pods }, pod, seededRand(1));
    expect(r.selected).toBe('k3s-master');
    expect(r.totals).toEqual({ 'k3s-master': 488, 'k3s-worker-1': 478, 'k3s-worker-2': 480 });
    // LeastAllocated on k3s-worker-1: cpu (4000-(250+250+100+250))*100/4000 = 78, memory
    // (8324997120-(128+128+200+128)Mi)*100/8324997120 = 92 → (78+92)/2 = 85.
    expect(r.scores['k3s-worker-1']!['NodeResourcesFit']).toEqual({ raw: 85, normalized: 85, weighted: 85 });
    expect(r.scores['k3s-master']!['TaintToleration']).toEqual({ raw: 0, normalized: 100, weighted: 300 });
    expect(r.skipped.score).toEqual(['NodeAffinity', 'VolumeBinding', 'PodTopologySpread', 'InterPodAffinity']);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
  it('keeps the cache in step with the objects it is given', () => {
    const s = createScheduler();
    s.scheduleOne({ nodes, pods }, pod, seededRand(1));
    const placed = { ...pod, spec: { ...pod.spec, nodeName: 'k3s-master' } };
    const r2 = s.scheduleOne({ nodes, pods: [...pods, placed] }, { ...pod, metadata: { ...pod.metadata, name: 'nginx-2' } }, seededRand(1));
    const fresh = createScheduler().scheduleOne({ nodes, pods: [...pods, placed] }, { ...pod, metadata: { ...pod.metadata, name: 'nginx-2' } }, seededRand(1));
    expect(r2.totals).toEqual(fresh.totals);
    const r3 = s.scheduleOne({ nodes: nodes.slice(1), pods }, pod, seededRand(1));
    expect(r3.numAllNodes).toBe(2);
    expect(Object.keys(r3.totals).sort()).toEqual(['k3s-worker-1', 'k3s-worker-2']);
  });
  it('what-if: a taint and MostAllocated move pods', () => {
    const podsToPlace = example('pods.yaml') as Pod[];
    const variant = example('variant.yaml')[0] as { config: unknown };
    const tainted = nodes.map((n) => (n.metadata.name === 'k3s-worker-2' ? { ...n, spec: { ...n.spec, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } } : n));
    const rep = whatIf({ cluster: { nodes, pods }, pods: podsToPlace }, { cluster: { nodes: tainted, pods }, pods: podsToPlace, config: variant.config as never }, () => seededRand(7));
    expect(rep.base.map((p) => p.node)).toEqual(rep.base.map((p) => p.result.selected));
    expect(rep.variant.find((p) => p.pod === 'default/gpu-job')!.node).toBe('k3s-worker-2');
    expect(rep.variant.filter((p) => p.pod !== 'default/gpu-job').every((p) => p.node !== 'k3s-worker-2')).toBe(true);
    expect(rep.moved.length).toBeGreaterThan(0);
  });
});

describe('selectHost matches a literal port of upstream (container/heap, draw while popping)', () => {
  // schedule_one.go selectHost as written: heap.Init, Pop, reservoir-sample while popping.
  function upstreamSelectHost(totals: number[], count: number, rand: Rand): { selected: number; top: number[] } {
    const h = totals.map((_, i) => i);
    const less = (i: number, j: number) => totals[h[i]!]! > totals[h[j]!]!;
    const swap = (i: number, j: number) => ([h[i], h[j]] = [h[j]!, h[i]!]);
    const down = (i0: number, n: number) => {
      let i = i0;
      for (;;) {
        const j1 = 2 * i + 1;
        if (j1 >= n || j1 < 0) break;
        let j = j1;
        if (j1 + 1 < n && less(j1 + 1, j1)) j = j1 + 1;
        if (!less(j, i)) break;
        swap(i, j);
        i = j;
      }
    };
    for (let i = Math.trunc(h.length / 2) - 1; i >= 0; i--) down(i, h.length);
    const pop = () => {
      const n = h.length - 1;
      swap(0, n);
      down(0, n);
      return h.pop()!;
    };
    let cnt = 1;
    let sel = 0;
    const sorted = [pop()];
    if (h.length === 0) return { selected: sorted[0]!, top: sorted };
    for (let ns = pop(); ; ns = pop()) {
      if (totals[ns] !== totals[sorted[0]!] && sorted.length === count) break;
      if (totals[ns] === totals[sorted[0]!]) {
        cnt++;
        if (rand.intn(cnt) === 0) sel = cnt - 1;
      }
      sorted.push(ns);
      if (h.length === 0) break;
    }
    if (sel !== 0) [sorted[0], sorted[sel]] = [sorted[sel]!, sorted[0]!];
    return { selected: sorted[0]!, top: sorted.slice(0, count) };
  }
  it('same node, same top list, same draws', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 60 }), fc.integer(), (totals, seed) => {
        const a = seededRand(seed);
        const b = seededRand(seed);
        const drawsA: number[] = [];
        const drawsB: number[] = [];
        const ra = { intn: (n: number) => (drawsA.push(n), a.intn(n)) };
        const rb = { intn: (n: number) => (drawsB.push(n), b.intn(n)) };
        expect(selectHost(totals, 3, ra)).toEqual(upstreamSelectHost(totals, 3, rb));
        expect(drawsA).toEqual(drawsB);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('a PreFilterResult narrower than the start index', () => {
  it('walks the narrowed list modulo its own length', () => {
    const nodes = Array.from({ length: 10 }, (_, i) => makeNode(`n${i}`, { cpu: '4', memory: '8Gi', pods: '110' }));
    const s = createScheduler();
    const snap = new ClusterSnapshot({ nodes });
    for (let i = 0; i < 7; i++) s.schedulePod(snap, makePod().obj(), seededRand(i), { explain: false });
    expect(s.nextStartNodeIndex).toBe(0); // 10 nodes processed each time
    s.nextStartNodeIndex = 7;
    const p = makePod('pinned').obj();
    p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n5'] }] }] } } };
    const r = s.schedulePod(snap, p, seededRand(1));
    expect(['n2', 'n5']).toContain(r.selected);
    expect(r.feasibleNodes).toBe(2);
    expect(s.nextStartNodeIndex).toBe(9);
  });
});

describe('scheduleOne does not depend on what the Scheduler saw before', () => {
  it('the same objects give the same walk, tie-break and explanation as a fresh Scheduler', () => {
    const nodes = ['n1', 'n2', 'n3', 'n4'].map((n) => makeNode(n, { cpu: '4', memory: '8Gi', pods: '110' }, { labels: { 'kubernetes.io/hostname': n } }));
    const pod = makePod('tie').req({ cpu: '100m' }).obj();
    const used = makeScheduler();
    used.scheduleOne({ nodes: [nodes[0]!, nodes[2]!], pods: [] }, pod, seededRand(3));
    used.scheduleOne({ nodes: [...nodes].reverse(), pods: [makePod('x').node('n2').obj()] }, pod, seededRand(3));
    used.nextStartNodeIndex = 0;
    const a = used.scheduleOne({ nodes, pods: [] }, pod, seededRand(9));
    const b = makeScheduler().scheduleOne({ nodes, pods: [] }, pod, seededRand(9));
    expect(a).toEqual(b);
  });
});

function makeScheduler() {
  return createScheduler();
}
