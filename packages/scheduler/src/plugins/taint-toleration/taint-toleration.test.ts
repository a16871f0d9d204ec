// Ported from pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go
// (TestTaintTolerationScore, TestTaintTolerationFilter) at v1.33: the Filter reason is v1.33's
// `node(s) had untolerated taint {key: value}` (later releases say `taint(s)`), and the Gt/Lt
// toleration cases (added after v1.33) are left out.
import { describe, expect, it } from 'vitest';
import type { Node, Pod, Taint, Toleration } from '../../api/types';
import { makeNode, runFilter, runScore } from '../../testing/wrappers';
import { TaintToleration } from './taint-toleration';

const nodeWithTaints = (name: string, taints: Taint[]): Node => makeNode(name, undefined, { taints });
const podWithTolerations = (name: string, tolerations: Toleration[]): Pod => ({ metadata: { name, namespace: 'default' }, spec: { tolerations } });
const P = 'PreferNoSchedule';
const NS = 'NoSchedule';

describe('TaintToleration Score (TestTaintTolerationScore)', () => {
  const cases: { name: string; pod: Pod; nodes: Node[]; expected: number[] }[] = [
    {
      name: 'node with taints tolerated by the pod, gets a higher score than those node with intolerable taints',
      pod: podWithTolerations('pod1', [{ key: 'foo', operator: 'Equal', value: 'bar', effect: P }]),
      nodes: [nodeWithTaints('nodeA', [{ key: 'foo', value: 'bar', effect: P }]), nodeWithTaints('nodeB', [{ key: 'foo', value: 'blah', effect: P }])],
      expected: [100, 0],
    },
    {
      name: 'the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable taints a node has',
      pod: podWithTolerations('pod1', [
        { key: 'cpu-type', operator: 'Equal', value: 'arm64', effect: P },
        { key: 'disk-type', operator: 'Equal', value: 'ssd', effect: P },
      ]),
      nodes: [
        nodeWithTaints('nodeA', []),
        nodeWithTaints('nodeB', [{ key: 'cpu-type', value: 'arm64', effect: P }]),
        nodeWithTaints('nodeC', [
          { key: 'cpu-type', value: 'arm64', effect: P },
          { key: 'disk-type', value: 'ssd', effect: P },
        ]),
      ],
      expected: [100, 100, 100],
    },
    {
      name: 'the more intolerable taints a node has, the lower score it gets.',
      pod: podWithTolerations('pod1', [{ key: 'foo', operator: 'Equal', value: 'bar', effect: P }]),
      nodes: [
        nodeWithTaints('nodeA', []),
        nodeWithTaints('nodeB', [{ key: 'cpu-type', value: 'arm64', effect: P }]),
        nodeWithTaints('nodeC', [
          { key: 'cpu-type', value: 'arm64', effect: P },
          { key: 'disk-type', value: 'ssd', effect: P },
        ]),
      ],
      expected: [100, 50, 0],
    },
    {
      name: 'only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority function',
      pod: podWithTolerations('pod1', [
        { key: 'cpu-type', operator: 'Equal', value: 'arm64', effect: NS },
        { key: 'disk-type', operator: 'Equal', value: 'ssd', effect: NS },
      ]),
      nodes: [
        nodeWithTaints('nodeA', []),
        nodeWithTaints('nodeB', [{ key: 'cpu-type', value: 'arm64', effect: NS }]),
        nodeWithTaints('nodeC', [
          { key: 'cpu-type', value: 'arm64', effect: P },
          { key: 'disk-type', value: 'ssd', effect: P },
        ]),
      ],
      expected: [100, 100, 0],
    },
    {
      name: 'Default behaviour No taints and tolerations, lands on node with no taints',
      pod: podWithTolerations('pod1', []),
      nodes: [nodeWithTaints('nodeA', []), nodeWithTaints('nodeB', [{ key: 'cpu-type', value: 'arm64', effect: P }])],
      expected: [100, 0],
    },
  ];
  for (const c of cases) it(c.name, () => expect(runScore(new TaintToleration(), c.pod, c.nodes, [], true).scores).toEqual(c.expected));
});

describe('TaintToleration Filter (TestTaintTolerationFilter, v1.33 wording)', () => {
  const cases: { name: string; pod: Pod; node: Node; want?: string }[] = [
    { name: "A pod having no tolerations can't be scheduled onto a node with nonempty taints", pod: podWithTolerations('pod1', []), node: nodeWithTaints('nodeA', [{ key: 'dedicated', value: 'user1', effect: NS }]), want: 'node(s) had untolerated taint {dedicated: user1}' },
    { name: 'A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule', pod: podWithTolerations('pod1', [{ key: 'dedicated', value: 'user1', effect: NS }]), node: nodeWithTaints('nodeA', [{ key: 'dedicated', value: 'user1', effect: NS }]) },
    {
      name: "A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
      pod: podWithTolerations('pod1', [{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: NS }]),
      node: nodeWithTaints('nodeA', [{ key: 'dedicated', value: 'user1', effect: NS }]),
      want: 'node(s) had untolerated taint {dedicated: user1}',
    },
    { name: 'A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node', pod: podWithTolerations('pod1', [{ key: 'foo', operator: 'Exists', effect: NS }]), node: nodeWithTaints('nodeA', [{ key: 'foo', value: 'bar', effect: NS }]) },
    {
      name: 'A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled onto the node',
      pod: podWithTolerations('pod1', [
        { key: 'dedicated', operator: 'Equal', value: 'user2', effect: NS },
        { key: 'foo', operator: 'Exists', effect: NS },
      ]),
      node: nodeWithTaints('nodeA', [
        { key: 'dedicated', value: 'user2', effect: NS },
        { key: 'foo', value: 'bar', effect: NS },
      ]),
    },
    {
      name: "A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match, can't be scheduled onto the node",
      pod: podWithTolerations('pod1', [{ key: 'foo', operator: 'Equal', value: 'bar', effect: P }]),
      node: nodeWithTaints('nodeA', [{ key: 'foo', value: 'bar', effect: NS }]),
      want: 'node(s) had untolerated taint {foo: bar}',
    },
    { name: 'The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node', pod: podWithTolerations('pod1', [{ key: 'foo', operator: 'Equal', value: 'bar' }]), node: nodeWithTaints('nodeA', [{ key: 'foo', value: 'bar', effect: NS }]) },
    { name: "The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node", pod: podWithTolerations('pod1', [{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: NS }]), node: nodeWithTaints('nodeA', [{ key: 'dedicated', value: 'user1', effect: P }]) },
    { name: 'The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node', pod: podWithTolerations('pod1', []), node: nodeWithTaints('nodeA', [{ key: 'dedicated', value: 'user1', effect: P }]) },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = runFilter(new TaintToleration(), c.pod, c.node);
      if (!c.want) expect(s).toBeNull();
      else expect(s).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: [c.want] });
    });
  }
});
