// Ported from pkg/scheduler/framework/plugins/noderesources/balanced_allocation_test.go
// (TestNodeResourcesBalancedAllocation; the DRA extended-resource cases are post-v1.33 and left
// out). makeNodeMilli is the package's makeNode: 4000 is 4000 MILLIcores, memory in bytes.
import { describe, expect, it } from 'vitest';
import type { Node, Pod, PodSpec } from '../../api/types';
import { makeNodeMilli, makePod, runScore } from '../../testing/wrappers';
import { BalancedAllocation } from './balanced-allocation';

let n = 0;
const pod = (spec: PodSpec): Pod => ({ metadata: { name: `p${n++}`, namespace: 'default' }, spec: structuredClone(spec) });
const c = (cpu: string, memory: string, extra: Record<string, string> = {}) => ({ resources: { requests: { cpu, memory, ...extra } } });
const cpuAndMemoryAndGPU: PodSpec = { nodeName: 'node1', containers: [c('1000m', '2000'), c('2000m', '3000', { 'nvidia.com/gpu': '3' })] };
const cpuOnly: PodSpec = { nodeName: 'node1', containers: [c('1000m', '0'), c('2000m', '0')] };
const cpuAndMemory: PodSpec = { nodeName: 'node2', containers: [c('1000m', '2000'), c('2000m', '3000')] };
const unbound = (s: PodSpec): PodSpec => ({ ...s, nodeName: undefined });
const defaultSet = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];
const withGPU = [...defaultSet, { name: 'nvidia.com/gpu', weight: 1 }];
const scalar = { 'nvidia.com/gpu': 8 };

const cases: { name: string; pod: Pod; nodes: Node[]; pods?: Pod[]; resources: { name: string; weight: number }[]; expected?: number[]; skip?: boolean; runPreScore?: boolean }[] = [
  { name: 'nothing scheduled, nothing requested, skip in PreScore', pod: makePod().obj(), nodes: [makeNodeMilli('node1', 4000, 10000), makeNodeMilli('node2', 4000, 10000)], resources: defaultSet, skip: true },
  { name: 'nothing scheduled, resources requested, differently sized nodes', pod: pod(unbound(cpuAndMemory)), nodes: [makeNodeMilli('node1', 4000, 10000), makeNodeMilli('node2', 6000, 10000)], resources: defaultSet, expected: [87, 100] },
  { name: 'resources requested, pods scheduled with resources', pod: pod(unbound(cpuAndMemory)), nodes: [makeNodeMilli('node1', 10000, 20000), makeNodeMilli('node2', 10000, 20000)], pods: [pod(cpuOnly), pod(cpuAndMemory)], resources: defaultSet, expected: [82, 95] },
  {
    name: 'resources requested, pods scheduled with resources, differently sized nodes',
    pod: pod(unbound(cpuAndMemory)),
    nodes: [makeNodeMilli('node1', 10000, 20000), makeNodeMilli('node2', 10000, 50000)],
    pods: [pod(cpuOnly), pod(cpuAndMemory)],
    resources: defaultSet,
    expected: [82, 80],
  },
  { name: 'requested resources at node capacity', pod: pod(unbound(cpuOnly)), nodes: [makeNodeMilli('node1', 6000, 10000), makeNodeMilli('node2', 6000, 10000)], pods: [pod(cpuOnly), pod(cpuAndMemory)], resources: defaultSet, expected: [50, 75] },
  {
    name: 'include scalar resource on a node for balanced resource allocation',
    pod: makePod().req({ memory: '0', 'nvidia.com/gpu': '1' }).obj(),
    nodes: [makeNodeMilli('node1', 3500, 40000, scalar), makeNodeMilli('node2', 3500, 40000, scalar)],
    pods: [pod(cpuAndMemory), pod(cpuAndMemoryAndGPU)],
    resources: withGPU,
    expected: [70, 65],
  },
  { name: 'node without the scalar resource should skip the scalar resource', pod: pod(unbound(cpuAndMemory)), nodes: [makeNodeMilli('node1', 3500, 40000, scalar), makeNodeMilli('node2', 3500, 40000)], pods: [], resources: withGPU, expected: [63, 63] },
  {
    name: 'resources requested, pods scheduled with resources if PreScore not called',
    pod: pod(unbound(cpuAndMemory)),
    nodes: [makeNodeMilli('node1', 10000, 20000), makeNodeMilli('node2', 10000, 20000)],
    pods: [pod(cpuOnly), pod(cpuAndMemory)],
    resources: defaultSet,
    expected: [82, 95],
    runPreScore: false,
  },
];

describe('NodeResourcesBalancedAllocation (balanced_allocation_test.go)', () => {
  for (const t of cases) {
    it(t.name, () => {
      const p = new BalancedAllocation({ resources: t.resources });
      const plugin = t.runPreScore === false ? { name: p.name, score: p.score.bind(p) } : p;
      const r = runScore(plugin, t.pod, t.nodes, t.pods ?? []);
      if (t.skip) {
        expect(r.preScore).toBe('Skip');
        return;
      }
      expect(r.scores).toEqual(t.expected);
    });
  }
});
