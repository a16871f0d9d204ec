// Ported from pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go:
// TestNodeAffinityPriority (all cases but the invalid-label-key one: we do not validate label
// key syntax) and a selection of TestNodeAffinity's PreFilter/Filter cases.
import { describe, expect, it } from 'vitest';
import type { Affinity, Node, NodeSelectorTerm, Pod } from '../../api/types';
import { ClusterSnapshot } from '../../framework/snapshot';
import { CycleState } from '../../framework/types';
import { makeNode, runScore } from '../../testing/wrappers';
import { ErrReasonPod, NodeAffinity, type NodeAffinityArgs } from './node-affinity';

const label1 = { foo: 'bar' };
const label2 = { key: 'value' };
const label3 = { az: 'az1' };
const label4 = { abc: 'az11', def: 'az22' };
const label5 = { foo: 'bar', key: 'value', az: 'az1' };
const inReq = (key: string, ...values: string[]) => ({ key, operator: 'In', values });
const affinity1: Affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 2, preference: { matchExpressions: [inReq('foo', 'bar')] } }] } };
const affinity2: Affinity = {
  nodeAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 2, preference: { matchExpressions: [inReq('foo', 'bar')] } },
      { weight: 4, preference: { matchExpressions: [inReq('key', 'value')] } },
      { weight: 5, preference: { matchExpressions: [inReq('foo', 'bar'), inReq('key', 'value'), inReq('az', 'az1')] } },
    ],
  },
};
const node = (name: string, labels: Record<string, string>): Node => makeNode(name, undefined, { labels });
const pod = (affinity?: Affinity, nodeSelector?: Record<string, string>): Pod => ({ metadata: { name: 'p', namespace: 'default' }, spec: { affinity, nodeSelector } });

describe('NodeAffinity Score (TestNodeAffinityPriority)', () => {
  const cases: { name: string; pod: Pod; nodes: Node[]; expected?: number[]; args?: NodeAffinityArgs; runPreScore?: boolean; skip?: boolean }[] = [
    { name: 'all nodes are same priority as NodeAffinity is nil', pod: pod(), nodes: [node('node1', label1), node('node2', label2), node('node3', label3)], expected: [0, 0, 0], runPreScore: false },
    { name: 'Skip is returned in PreScore when NodeAffinity is nil', pod: pod(), nodes: [node('node1', label1)], skip: true },
    { name: "no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero", pod: pod(affinity1), nodes: [node('node1', label4), node('node2', label2), node('node3', label3)], expected: [0, 0, 0] },
    { name: 'only node1 matches the preferred scheduling requirements of pod', pod: pod(affinity1), nodes: [node('node1', label1), node('node2', label2), node('node3', label3)], expected: [100, 0, 0] },
    { name: 'all nodes matches the preferred scheduling requirements of pod but with different priorities ', pod: pod(affinity2), nodes: [node('node1', label1), node('node5', label5), node('node2', label2)], expected: [18, 100, 36] },
    { name: 'added affinity', pod: pod(), nodes: [node('node1', label1), node('node2', label2)], expected: [100, 0], args: { addedAffinity: affinity1.nodeAffinity } },
    {
      name: 'added affinity and pod has default affinity',
      pod: pod(affinity1),
      nodes: [node('node1', label1), node('node2', label2), node('node3', label5)],
      expected: [40, 60, 100],
      args: { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 3, preference: { matchExpressions: [inReq('key', 'value')] } }] } },
    },
    { name: 'calculate the priorities correctly even if PreScore is not called', pod: pod(affinity2), nodes: [node('node1', label1), node('node5', label5), node('node2', label2)], expected: [18, 100, 36], runPreScore: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = new NodeAffinity(c.args ?? {});
      const plugin = c.runPreScore === false ? { name: p.name, score: p.score.bind(p), normalizeScore: p.normalizeScore.bind(p) } : p;
      const r = runScore(plugin, c.pod, c.nodes, [], true);
      if (c.skip) expect(r.preScore).toBe('Skip');
      else expect(r.scores).toEqual(c.expected);
    });
  }
});

describe('NodeAffinity PreFilter/Filter (TestNodeAffinity)', () => {
  const required = (...terms: NodeSelectorTerm[]): Affinity => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
  const cases: { name: string; pod: Pod; labels?: Record<string, string>; nodeName?: string; wantPreFilterNodes?: string[] | null; wantPreFilterStatus?: string; fits: boolean; preFilterSkip?: boolean }[] = [
    { name: 'no selector', pod: pod(), fits: true, preFilterSkip: true },
    { name: 'missing labels', pod: pod(undefined, { foo: 'bar' }), fits: false },
    { name: 'same labels', pod: pod(undefined, { foo: 'bar' }), labels: { foo: 'bar' }, fits: true },
    { name: 'node labels are superset', pod: pod(undefined, { foo: 'bar' }), labels: { foo: 'bar', baz: 'blah' }, fits: true },
    { name: 'node labels are subset', pod: pod(undefined, { foo: 'bar', baz: 'blah' }), labels: { foo: 'bar' }, fits: false },
    { name: 'Pod with matchExpressions using In operator that matches the existing node', pod: pod(required({ matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar', 'value2'] }] })), labels: { foo: 'bar' }, fits: true },
    { name: 'Pod with matchExpressions using Gt operator that matches the existing node', pod: pod(required({ matchExpressions: [{ key: 'kernel-version', operator: 'Gt', values: ['0204'] }] })), labels: { 'kernel-version': '0206' }, fits: true },
    { name: 'Pod with matchExpressions using NotIn operator that matches the existing node', pod: pod(required({ matchExpressions: [{ key: 'mem-type', operator: 'NotIn', values: ['DDR', 'DDR2'] }] })), labels: { 'mem-type': 'DDR3' }, fits: true },
    { name: 'Pod with matchExpressions using Exists operator that matches the existing node', pod: pod(required({ matchExpressions: [{ key: 'GPU', operator: 'Exists' }] })), labels: { GPU: 'NVIDIA-GRID-K1' }, fits: true },
    { name: 'Pod with affinity that do not match node labels', pod: pod(required({ matchExpressions: [{ key: 'foo', operator: 'In', values: ['value1', 'value2'] }] })), labels: { foo: 'bar' }, fits: false },
    { name: 'Pod with a nil []NodeSelectorTerm in affinity, can\'t match the node\'s labels and won\'t schedule onto the node', pod: pod({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }), labels: { foo: 'bar' }, fits: false },
    { name: 'Pod with an empty []NodeSelectorTerm in affinity, can\'t match the node\'s labels and won\'t schedule onto the node', pod: pod(required({})), labels: { foo: 'bar' }, fits: false },
    { name: 'Pod with matchFields using In operator that matches the existing node', pod: pod(required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node1'] }] })), nodeName: 'node1', wantPreFilterNodes: ['node1'], fits: true },
    { name: 'Pod with matchFields using In operator that does not match the existing node', pod: pod(required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node1'] }] })), nodeName: 'node2', wantPreFilterNodes: ['node1'], fits: false },
    {
      name: 'Pod with two terms: matchFields does not match, but matchExpressions matches',
      pod: pod(required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node1'] }] }, { matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar'] }] })),
      nodeName: 'node2',
      labels: { foo: 'bar' },
      wantPreFilterNodes: null,
      fits: true,
    },
    {
      name: 'Pod with one term: matchFields does not match, but matchExpressions matches',
      pod: pod(required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node1'] }], matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar'] }] })),
      nodeName: 'node2',
      labels: { foo: 'bar' },
      wantPreFilterNodes: ['node1'],
      fits: false,
    },
    {
      name: 'Pod with matchFields of conflicting node names in one term',
      pod: pod(required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node1'] }, { key: 'metadata.name', operator: 'In', values: ['node2'] }] })),
      nodeName: 'node1',
      wantPreFilterStatus: 'pod affinity terms conflict',
      fits: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const n = makeNode(c.nodeName ?? 'node1', undefined, { labels: c.labels });
      const snap = new ClusterSnapshot({ nodes: [n] });
      const state = new CycleState();
      const p = new NodeAffinity();
      const { result, status } = p.preFilter(state, c.pod);
      if (c.preFilterSkip) {
        expect(status?.code).toBe('Skip');
        return;
      }
      if (c.wantPreFilterStatus) {
        expect(status).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: [c.wantPreFilterStatus] });
        return;
      }
      if (c.wantPreFilterNodes !== undefined) expect(result?.nodeNames ? [...result.nodeNames] : null).toEqual(c.wantPreFilterNodes);
      const s = p.filter(state, c.pod, snap.get(n.metadata.name!)!);
      if (c.fits) expect(s).toBeNull();
      else expect(s).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: [ErrReasonPod] });
    });
  }
});
