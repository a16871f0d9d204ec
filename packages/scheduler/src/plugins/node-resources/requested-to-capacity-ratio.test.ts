// Ported from pkg/scheduler/framework/plugins/noderesources/requested_to_capacity_ratio_test.go:
// TestRequestedToCapacityRatioScoringStrategy, TestBrokenLinearFunction,
// TestResourceBinPackingSingleExtended, TestResourceBinPackingMultipleExtended. makeNodeMilli is
// the package's makeNode(name, milliCPU, memory, extended): 4000 is 4000 MILLIcores.
import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../api/types';
import { makeNode, makeNodeMilli, makePod, runScore } from '../../testing/wrappers';
import { buildBrokenLinearFunction } from '../helper/shape-score';
import { Fit } from './fit';

const defaultResources = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];
const shape = [
  { utilization: 0, score: 10 },
  { utilization: 100, score: 0 },
];
const cap = (cpu: string, memory: string) => ({ cpu, memory });

describe('RequestedToCapacityRatio scoring strategy', () => {
  const cases: { name: string; pod: Pod; nodes: Node[]; existing: Pod[]; expected: number[] }[] = [
    {
      name: 'nothing scheduled, nothing requested (default - least requested nodes have priority)',
      pod: makePod().obj(),
      nodes: [makeNode('node1', cap('4000', '10000')), makeNode('node2', cap('4000', '10000'))],
      existing: [makePod().node('node1').obj(), makePod().node('node1').obj()],
      expected: [100, 100],
    },
    {
      name: 'nothing scheduled, resources requested, differently sized nodes (default - least requested nodes have priority)',
      pod: makePod().req({ cpu: '1000', memory: '2000' }).req({ cpu: '2000', memory: '3000' }).obj(),
      nodes: [makeNode('node1', cap('4000', '10000')), makeNode('node2', cap('6000', '10000'))],
      existing: [makePod().node('node1').obj(), makePod().node('node1').obj()],
      expected: [38, 50],
    },
    {
      name: 'no resources requested, pods scheduled with resources (default - least requested nodes have priority)',
      pod: makePod().obj(),
      nodes: [makeNode('node1', cap('4000', '10000')), makeNode('node2', cap('6000', '10000'))],
      existing: [makePod().node('node1').req({ cpu: '3000', memory: '5000' }).obj(), makePod().node('node2').req({ cpu: '3000', memory: '5000' }).obj()],
      expected: [38, 50],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const fit = new Fit({ scoringStrategy: { type: 'RequestedToCapacityRatio', resources: defaultResources, requestedToCapacityRatio: { shape } } });
      expect(runScore(fit, c.pod, c.nodes, c.existing).scores).toEqual(c.expected);
    });
  }
});

describe('BuildBrokenLinearFunction (TestBrokenLinearFunction)', () => {
  const tests = [
    { points: [{ utilization: 10, score: 1 }, { utilization: 90, score: 9 }], a: [[-10, 1], [0, 1], [9, 1], [10, 1], [15, 1], [19, 1], [20, 2], [89, 8], [90, 9], [99, 9], [100, 9], [110, 9]] },
    { points: [{ utilization: 0, score: 2 }, { utilization: 40, score: 10 }, { utilization: 100, score: 0 }], a: [[-10, 2], [0, 2], [20, 6], [30, 8], [40, 10], [70, 5], [100, 0], [110, 0]] },
    { points: [{ utilization: 0, score: 2 }, { utilization: 40, score: 2 }, { utilization: 100, score: 2 }], a: [[-10, 2], [0, 2], [20, 2], [30, 2], [40, 2], [70, 2], [100, 2], [110, 2]] },
  ];
  tests.forEach((t, i) =>
    it(`case_${i}`, () => {
      const f = buildBrokenLinearFunction(t.points);
      for (const [p, want] of t.a) expect(f(p!)).toBe(want);
    }),
  );
  it('truncates toward zero on a negative slope (int64 division)', () => {
    // 10 + (0-10)*(15-0)/(100-0) = 10 + trunc(-1.5) = 9 (Math.floor would give 8)
    expect(buildBrokenLinearFunction([{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }])(15)).toBe(9);
  });
});

const binPack = (resources: { name: string; weight: number }[]) => new Fit({ scoringStrategy: { type: 'RequestedToCapacityRatio', resources, requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 1 }] } } });

describe('TestResourceBinPackingSingleExtended', () => {
  const n = () => [makeNodeMilli('node1', 4000, 10000 * 1024 * 1024, { 'intel.com/foo': 8 }), makeNodeMilli('node2', 4000, 10000 * 1024 * 1024, { 'intel.com/foo': 4 })];
  const cases = [
    { name: 'nothing scheduled, nothing requested', pod: makePod().obj(), pods: [] as Pod[], expected: [0, 0] },
    { name: 'resources requested, pods scheduled with less resources', pod: makePod().req({ 'intel.com/foo': '2' }).obj(), pods: [makePod().obj()], expected: [2, 5] },
    { name: 'resources requested, pods scheduled with resources, on node with existing pod running', pod: makePod().req({ 'intel.com/foo': '2' }).obj(), pods: [makePod().req({ 'intel.com/foo': '2' }).node('node2').obj()], expected: [2, 10] },
    { name: 'resources requested, pods scheduled with more resources', pod: makePod().req({ 'intel.com/foo': '4' }).obj(), pods: [makePod().obj()], expected: [5, 10] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(runScore(binPack([{ name: 'intel.com/foo', weight: 1 }]), c.pod, n(), c.pods.filter((p) => p.spec.nodeName)).scores).toEqual(c.expected);
    });
  }
});

describe('TestResourceBinPackingMultipleExtended', () => {
  const n = () => [
    makeNodeMilli('node1', 4000, 10000 * 1024 * 1024, { 'intel.com/foo': 8, 'intel.com/bar': 4 }),
    makeNodeMilli('node2', 4000, 10000 * 1024 * 1024, { 'intel.com/foo': 4, 'intel.com/bar': 8 }),
  ];
  const pod1 = () => makePod().req({ 'intel.com/foo': '2', 'intel.com/bar': '2' });
  const pod2 = () => makePod().req({ 'intel.com/foo': '4', 'intel.com/bar': '2' });
  const cases = [
    { name: 'nothing scheduled, nothing requested', pod: makePod().obj(), pods: [] as Pod[], expected: [0, 0] },
    { name: 'resources requested, pods scheduled with less resources', pod: pod1().obj(), pods: [], expected: [4, 3] },
    { name: 'resources requested, pods scheduled with resources, on node with existing pod running', pod: pod1().obj(), pods: [pod2().node('node2').obj()], expected: [4, 7] },
    { name: 'resources requested, pods scheduled with more resources', pod: pod2().obj(), pods: [], expected: [5, 5] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const fit = binPack([
        { name: 'intel.com/foo', weight: 3 },
        { name: 'intel.com/bar', weight: 5 },
      ]);
      expect(runScore(fit, c.pod, n(), c.pods).scores).toEqual(c.expected);
    });
  }
});
