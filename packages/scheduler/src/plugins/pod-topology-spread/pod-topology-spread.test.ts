// Ported from pkg/scheduler/framework/plugins/podtopologyspread/scoring_test.go
// (TestPodTopologySpreadScore, the hostname cases and system defaulting with a Service).
import { describe, expect, it } from 'vitest';
import type { Node, Pod, Service, TopologySpreadConstraint } from '../../api/types';
import { ClusterSnapshot } from '../../framework/snapshot';
import { CycleState } from '../../framework/types';
import { makeNode } from '../../testing/wrappers';
import { PodTopologySpread } from './plugin';

const H = 'kubernetes.io/hostname';
const fooSelector = { matchExpressions: [{ key: 'foo', operator: 'Exists' }] };
const pod = (name: string, node?: string, constraints?: TopologySpreadConstraint[]): Pod => ({ metadata: { name, namespace: 'default', labels: { foo: '' } }, spec: { nodeName: node, containers: [{ name: 'c' }], topologySpreadConstraints: constraints } });
const spread = (maxSkew: number, selector: typeof fooSelector | null = fooSelector): TopologySpreadConstraint[] => [{ maxSkew, topologyKey: H, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector }];
const hn = (name: string): Node => makeNode(name, undefined, { labels: { [H]: name } });
const existing = (spec: Record<string, number>) => Object.entries(spec).flatMap(([n, k]) => Array.from({ length: k }, (_, i) => pod(`p-${n}${i}`, `node-${n}`)));

function score(p: Pod, nodes: Node[], failed: Node[], pods: Pod[], services: Service[] = []): number[] {
  const snap = new ClusterSnapshot({ nodes: [...nodes, ...failed], pods, services });
  const pl = new PodTopologySpread();
  const state = new CycleState();
  const infos = nodes.map((n) => snap.get(n.metadata.name!)!);
  const s = pl.preScore(state, p, infos, snap);
  expect(s).toBeNull();
  const scores = infos.map((ni) => pl.score(state, p, ni));
  pl.normalizeScore(state, p, infos, scores);
  return scores;
}

describe('PodTopologySpread Score (TestPodTopologySpreadScore)', () => {
  it('one constraint on node, no existing pods', () => expect(score(pod('p', undefined, spread(1)), [hn('node-a'), hn('node-b')], [], [])).toEqual([100, 100]));
  it('one constraint on node, only one node is candidate', () => expect(score(pod('p', undefined, spread(1)), [hn('node-a')], [hn('node-b')], existing({ a: 2, b: 1 }))).toEqual([100]));
  it('one constraint on node, all nodes have the same number of matching pods', () => expect(score(pod('p', undefined, spread(1)), [hn('node-a'), hn('node-b')], [], existing({ a: 1, b: 1 }))).toEqual([100, 100]));
  it('one constraint on node, all 4 nodes are candidates', () =>
    expect(score(pod('p', undefined, spread(1)), [hn('node-a'), hn('node-b'), hn('node-c'), hn('node-d')], [], existing({ a: 2, b: 1, d: 3 }))).toEqual([20, 60, 100, 0]));
  it('one constraint on node, null selector', () =>
    expect(score(pod('p', undefined, spread(1, null)), [hn('node-a'), hn('node-b'), hn('node-c'), hn('node-d')], [], existing({ a: 2, b: 1, d: 3 }))).toEqual([100, 100, 100, 100]));
  it('one constraint on node, all 4 nodes are candidates, maxSkew=2', () =>
    expect(score(pod('p', undefined, spread(2)), [hn('node-a'), hn('node-b'), hn('node-c'), hn('node-d')], [], existing({ a: 2, b: 1, d: 3 }))).toEqual([33, 66, 100, 16]));
  it('one constraint on node, all 4 nodes are candidates, maxSkew=3', () =>
    expect(score(pod('p', undefined, spread(3)), [hn('node-a'), hn('node-b'), hn('node-c'), hn('node-d')], [], existing({ a: 4, b: 3, c: 2, d: 1 }))).toEqual([44, 66, 77, 100]));
  it("system defaulting, nodes don't have zone, pods match service", () => {
    const svc: Service = { kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { selector: { foo: '' } } };
    expect(score(pod('p'), [hn('node-a'), hn('node-b'), hn('node-c'), hn('node-d')], [], existing({ a: 4, b: 3, c: 2, d: 1 }), [svc])).toEqual([44, 66, 77, 100]);
  });
  it('system defaulting without a Service or controller: PreScore skips', () => {
    const snap = new ClusterSnapshot({ nodes: [hn('node-a')] });
    expect(new PodTopologySpread().preScore(new CycleState(), pod('p'), snap.list(), snap)?.code).toBe('Skip');
  });
  it('one constraint on node, 3 out of 4 nodes are candidates', () =>
    expect(score(pod('p', undefined, spread(1)), [hn('node-a'), hn('node-b'), hn('node-x')], [hn('node-y')], existing({ a: 4, b: 2, x: 1, y: 3 }))).toEqual([33, 83, 100]));
});
