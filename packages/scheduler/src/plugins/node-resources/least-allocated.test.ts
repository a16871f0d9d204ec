// Ported from pkg/scheduler/framework/plugins/noderesources/least_allocated_test.go
// (TestLeastAllocatedScoringStrategy). Node capacities are st.MakeNode().Capacity quantities:
// cpu "4000" is 4000 cores; the pod and node scale together, so the ratios are upstream's.
import { describe, expect, it } from 'vitest';
import type { Pod, Node } from '../../api/types';
import { ConfigError } from '../../framework/config';
import { makeNode, makePod, runScore } from '../../testing/wrappers';
import { validatePluginArgs } from '../registry';
import { Fit } from './fit';
import type { ResourceSpec } from './resource-allocation';

const extendedRes = 'abc.com/xyz';
const defaultResources: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];
const extendedResourceSet: ResourceSpec[] = [...defaultResources, { name: extendedRes, weight: 1 }];
const cap = (cpu: string, memory: string, extra: Record<string, string> = {}) => ({ cpu, memory, ...extra });
const twoReqs = () => makePod().req({ cpu: '1000', memory: '2000' }).req({ cpu: '2000', memory: '3000' });

interface Case {
  name: string;
  pod: Pod;
  nodes: Node[];
  existing?: Pod[];
  resources: ResourceSpec[];
  expected?: number[];
  wantErrField?: string;
}

const cases: Case[] = [
  { name: 'nothing scheduled, nothing requested', pod: makePod().obj(), nodes: [makeNode('node1', cap('4000', '10000')), makeNode('node2', cap('4000', '10000'))], resources: defaultResources, expected: [100, 100] },
  { name: 'nothing scheduled, resources requested, differently sized nodes', pod: twoReqs().obj(), nodes: [makeNode('node1', cap('4000', '10000')), makeNode('node2', cap('6000', '10000'))], resources: defaultResources, expected: [37, 50] },
  {
    name: 'no resources requested, pods scheduled',
    pod: makePod().obj(),
    nodes: [makeNode('node1', cap('4000', '10000')), makeNode('node2', cap('4000', '10000'))],
    existing: [makePod().node('node1').obj(), makePod().node('node1').obj(), makePod().node('node2').obj(), makePod().node('node2').obj()],
    resources: defaultResources,
    expected: [100, 100],
  },
  {
    name: 'no resources requested, pods scheduled with resources',
    pod: makePod().obj(),
    nodes: [makeNode('node1', cap('10000', '20000')), makeNode('node2', cap('10000', '20000'))],
    existing: [
      makePod().node('node1').req({ cpu: '3000', memory: '0' }).obj(),
      makePod().node('node1').req({ cpu: '3000', memory: '0' }).obj(),
      makePod().node('node2').req({ cpu: '3000', memory: '0' }).obj(),
      makePod().node('node2').req({ cpu: '3000', memory: '5000' }).obj(),
    ],
    resources: defaultResources,
    expected: [70, 57],
  },
  {
    name: 'resources requested, pods scheduled with resources',
    pod: twoReqs().obj(),
    nodes: [makeNode('node1', cap('10000', '20000')), makeNode('node2', cap('10000', '20000'))],
    existing: [makePod().node('node1').req({ cpu: '3000', memory: '0' }).obj(), makePod().node('node2').req({ cpu: '3000', memory: '5000' }).obj()],
    resources: defaultResources,
    expected: [57, 45],
  },
  {
    name: 'resources requested, pods scheduled with resources, differently sized nodes',
    pod: twoReqs().obj(),
    nodes: [makeNode('node1', cap('10000', '20000')), makeNode('node2', cap('10000', '50000'))],
    existing: [makePod().node('node1').req({ cpu: '3000', memory: '0' }).obj(), makePod().node('node2').req({ cpu: '3000', memory: '5000' }).obj()],
    resources: defaultResources,
    expected: [57, 60],
  },
  {
    name: 'requested resources exceed node capacity',
    pod: makePod().req({ cpu: '3000', memory: '0' }).obj(),
    nodes: [makeNode('node1', cap('4000', '10000')), makeNode('node2', cap('4000', '10000'))],
    existing: [makePod().node('node1').req({ cpu: '3000', memory: '0' }).obj(), makePod().node('node2').req({ cpu: '3000', memory: '5000' }).obj()],
    resources: defaultResources,
    expected: [50, 25],
  },
  {
    name: 'zero node resources, pods scheduled with resources',
    pod: makePod().obj(),
    nodes: [makeNode('node1'), makeNode('node2')],
    existing: [makePod().node('node1').req({ cpu: '3000', memory: '0' }).obj(), makePod().node('node2').req({ cpu: '3000', memory: '5000' }).obj()],
    resources: defaultResources,
    expected: [0, 0],
  },
  {
    name: 'nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes',
    pod: twoReqs().node('node1').obj(),
    nodes: [makeNode('node1', cap('4000', '10000')), makeNode('node2', cap('6000', '10000'))],
    resources: [
      { name: 'memory', weight: 2 },
      { name: 'cpu', weight: 1 },
    ],
    expected: [41, 50],
  },
  { name: 'resource with negative weight', pod: twoReqs().obj(), nodes: [makeNode('node1', cap('4000', '10000'))], resources: [{ name: 'memory', weight: -1 }, { name: 'cpu', weight: 1 }], wantErrField: 'scoringStrategy.resources[0].weight' },
  { name: 'resource with zero weight', pod: twoReqs().obj(), nodes: [makeNode('node1', cap('4000', '10000'))], resources: [{ name: 'memory', weight: 1 }, { name: 'cpu', weight: 0 }], wantErrField: 'scoringStrategy.resources[1].weight' },
  { name: 'resource weight larger than MaxNodeScore', pod: twoReqs().obj(), nodes: [makeNode('node1', cap('4000', '10000'))], resources: [{ name: 'memory', weight: 1 }, { name: 'cpu', weight: 101 }], wantErrField: 'scoringStrategy.resources[1].weight' },
  {
    name: 'bypass extended resource if the pod does not request',
    pod: twoReqs().obj(),
    nodes: [makeNode('node1', cap('6000', '10000')), makeNode('node2', cap('6000', '10000', { [extendedRes]: '4' }))],
    resources: extendedResourceSet,
    expected: [50, 50],
  },
  {
    name: 'honor extended resource if the pod requests',
    pod: makePod().req({ cpu: '3000', memory: '5000', [extendedRes]: '2' }).obj(),
    nodes: [makeNode('node1', cap('6000', '10000', { [extendedRes]: '4' })), makeNode('node2', cap('6000', '10000', { [extendedRes]: '10' }))],
    resources: extendedResourceSet,
    expected: [50, 60],
  },
  {
    name: "if the node doesn't have a resource",
    pod: makePod().req({ cpu: '3000', memory: '4000' }).obj(),
    nodes: [makeNode('node1', cap('6000', '10000')), makeNode('node2', cap('6000', '10000', { [extendedRes]: '4' }))],
    resources: [
      { name: extendedRes, weight: 2 },
      { name: 'cpu', weight: 1 },
      { name: 'memory', weight: 1 },
    ],
    expected: [55, 55],
  },
];

describe('NodeResourcesFit LeastAllocated (least_allocated_test.go)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const args = { scoringStrategy: { type: 'LeastAllocated' as const, resources: c.resources } };
      if (c.wantErrField) {
        expect(() => validatePluginArgs('NodeResourcesFit', args)).toThrow(ConfigError);
        try {
          validatePluginArgs('NodeResourcesFit', args);
        } catch (e) {
          expect((e as ConfigError).field).toBe(c.wantErrField);
        }
        return;
      }
      validatePluginArgs('NodeResourcesFit', args);
      const { scores } = runScore(new Fit(args), c.pod, c.nodes, c.existing ?? []);
      expect(scores).toEqual(c.expected);
    });
  }
});
