// Ported from pkg/scheduler/framework/plugins/noderesources/most_allocated_test.go
// (TestMostAllocatedScoringStrategy).
import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../api/types';
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

const cases: { name: string; pod: Pod; nodes: Node[]; existing?: Pod[]; resources: ResourceSpec[]; expected?: number[]; wantErrField?: string }[] = [
  { name: 'nothing scheduled, nothing requested', pod: makePod().obj(), nodes: [makeNode('node1', cap('4000', '10000')), makeNode('node2', cap('4000', '10000'))], resources: defaultResources, expected: [0, 0] },
  { name: 'nothing scheduled, resources requested, differently sized nodes', pod: twoReqs().obj(), nodes: [makeNode('node1', cap('4000', '10000')), makeNode('node2', cap('6000', '10000'))], resources: defaultResources, expected: [62, 50] },
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
    expected: [30, 42],
  },
  {
    name: 'resources requested, pods scheduled with resources',
    pod: twoReqs().obj(),
    nodes: [makeNode('node1', cap('10000', '20000')), makeNode('node2', cap('10000', '20000'))],
    existing: [makePod().node('node1').req({ cpu: '3000', memory: '0' }).obj(), makePod().node('node2').req({ cpu: '3000', memory: '5000' }).obj()],
    resources: defaultResources,
    expected: [42, 55],
  },
  {
    name: 'resources requested equal node capacity',
    pod: makePod().req({ cpu: '2000', memory: '4000' }).req({ cpu: '3000', memory: '5000' }).obj(),
    nodes: [makeNode('node1', cap('5000', '10000')), makeNode('node2', cap('10000', '9000'))],
    resources: defaultResources,
    expected: [95, 75],
  },
  {
    name: 'nothing scheduled, resources requested, differently sized nodes, memory weighted 2',
    pod: twoReqs().obj(),
    nodes: [makeNode('node1', cap('4000', '10000')), makeNode('node2', cap('6000', '10000'))],
    resources: [
      { name: 'memory', weight: 2 },
      { name: 'cpu', weight: 1 },
    ],
    expected: [58, 50],
  },
  {
    // a container without requests counts 100m / 200Mi (NonZeroRequested)
    name: 'no resources requested, pods scheduled, nonzero request for resource',
    pod: makePod().container('container').obj(),
    nodes: [makeNode('node1', cap('250m', '1000Mi')), makeNode('node2', cap('250m', '1000Mi'))],
    existing: [makePod().node('node1').container('container').obj(), makePod().node('node1').container('container').obj()],
    resources: defaultResources,
    expected: [80, 30],
  },
  { name: 'resource with negative weight', pod: twoReqs().obj(), nodes: [makeNode('node2', cap('4000', '10000'))], resources: [{ name: 'memory', weight: -1 }, { name: 'cpu', weight: 1 }], wantErrField: 'scoringStrategy.resources[0].weight' },
  { name: 'resource with zero weight', pod: twoReqs().obj(), nodes: [makeNode('node2', cap('4000', '10000'))], resources: [{ name: 'memory', weight: 1 }, { name: 'cpu', weight: 0 }], wantErrField: 'scoringStrategy.resources[1].weight' },
  { name: 'resource weight larger than MaxNodeScore', pod: twoReqs().obj(), nodes: [makeNode('node2', cap('4000', '10000'))], resources: [{ name: 'memory', weight: 101 }], wantErrField: 'scoringStrategy.resources[0].weight' },
  { name: 'bypass extended resource if the pod does not request', pod: twoReqs().obj(), nodes: [makeNode('node1', cap('6000', '10000')), makeNode('node2', cap('6000', '10000', { [extendedRes]: '4' }))], resources: extendedResourceSet, expected: [50, 50] },
  {
    name: 'honor extended resource if the pod request',
    pod: makePod().node('node1').req({ cpu: '3000', memory: '5000', [extendedRes]: '2' }).obj(),
    nodes: [makeNode('node1', cap('6000', '10000', { [extendedRes]: '4' })), makeNode('node2', cap('6000', '10000', { [extendedRes]: '10' }))],
    resources: extendedResourceSet,
    expected: [50, 40],
  },
  {
    name: "if the node doesn't have a resource",
    pod: makePod().node('node1').req({ cpu: '3000', memory: '4000' }).obj(),
    nodes: [makeNode('node1', cap('6000', '10000')), makeNode('node2', cap('6000', '10000', { [extendedRes]: '4' }))],
    resources: [
      { name: extendedRes, weight: 2 },
      { name: 'cpu', weight: 1 },
      { name: 'memory', weight: 1 },
    ],
    expected: [45, 45],
  },
];

describe('NodeResourcesFit MostAllocated (most_allocated_test.go)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const args = { scoringStrategy: { type: 'MostAllocated' as const, resources: c.resources } };
      if (c.wantErrField) {
        let err: unknown;
        try {
          validatePluginArgs('NodeResourcesFit', args);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).field).toBe(c.wantErrField);
        return;
      }
      const { scores } = runScore(new Fit(args), c.pod, c.nodes, c.existing ?? []);
      expect(scores).toEqual(c.expected);
    });
  }
});
