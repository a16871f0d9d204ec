// Ported from pkg/scheduler/framework/plugins/interpodaffinity/scoring_test.go (TestPreferredAffinity,
// the first cases), plus the v1.33 filter reasons.
import { describe, expect, it } from 'vitest';
import type { Affinity, Node, Pod } from '../../api/types';
import { makeNode, runFilter, runScore } from '../../testing/wrappers';
import { InterPodAffinity } from './plugin';

const labelRgChina = { region: 'China' };
const labelRgIndia = { region: 'India' };
const labelAzAz1 = { az: 'az1' };
const labelRgChinaAzAz1 = { region: 'China', az: 'az1' };
const S1 = { security: 'S1' };
const S2 = { security: 'S2' };
const pref = (weight: number, expr: { key: string; operator: string; values?: string[] }[], topologyKey: string) => ({ weight, podAffinityTerm: { labelSelector: { matchExpressions: expr }, topologyKey } });
const stayWithS1InRegion: Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [pref(5, [{ key: 'security', operator: 'In', values: ['S1'] }], 'region')] } };
const stayWithS2InRegion: Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [pref(6, [{ key: 'security', operator: 'In', values: ['S2'] }], 'region')] } };
const affinity3: Affinity = {
  podAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      pref(8, [{ key: 'security', operator: 'NotIn', values: ['S1'] }, { key: 'security', operator: 'In', values: ['S2'] }], 'region'),
      pref(2, [{ key: 'security', operator: 'Exists' }, { key: 'wrongkey', operator: 'DoesNotExist' }], 'region'),
    ],
  },
};
let seq = 0;
const pod = (labels: Record<string, string> | undefined, nodeName?: string, affinity?: Affinity): Pod => ({ metadata: { name: `p${seq++}`, namespace: 'default', labels }, spec: { nodeName, affinity, containers: [{ name: 'c' }] } });
const node = (name: string, labels: Record<string, string>): Node => makeNode(name, undefined, { labels });

describe('InterPodAffinity Score (TestPreferredAffinity)', () => {
  it('all nodes are same priority as Affinity is nil: PreScore skips', () => {
    const r = runScore(new InterPodAffinity({ hardPodAffinityWeight: 1 }), pod(S1), [node('node1', labelRgChina), node('node2', labelRgIndia), node('node3', labelAzAz1)]);
    expect(r.preScore).toBe('Skip');
  });
  it("Affinity: pod that matches topology key & pods in nodes will get high score comparing to others which doesn't match either pods in nodes or in topology key", () => {
    const r = runScore(new InterPodAffinity({ hardPodAffinityWeight: 1 }), pod(S1, undefined, stayWithS1InRegion), [node('node1', labelRgChina), node('node2', labelRgIndia), node('node3', labelAzAz1)], [pod(S1, 'node1'), pod(S2, 'node2'), pod(S1, 'node3')], true);
    expect(r.scores).toEqual([100, 0, 0]);
  });
  it('All the nodes that have the same topology key & label value with one of them has an existing pod that match the affinity rules, have the same score', () => {
    const r = runScore(new InterPodAffinity({ hardPodAffinityWeight: 1 }), pod(undefined, undefined, stayWithS1InRegion), [node('node1', labelRgChina), node('node2', labelRgChinaAzAz1), node('node3', labelRgIndia)], [pod(S1, 'node1')], true);
    expect(r.scores).toEqual([100, 100, 0]);
  });
  it('Affinity: nodes in one region has more matching pods comparing to other region, so the region which has more matches will get high score', () => {
    const nodes = [node('node1', labelRgChina), node('node2', labelRgIndia), node('node3', labelRgChina), node('node4', labelRgChina), node('node5', labelRgIndia)];
    const pods = [pod(S2, 'node1'), pod(S2, 'node1'), pod(S2, 'node2'), pod(S2, 'node3'), pod(S2, 'node4'), pod(S2, 'node5')];
    expect(runScore(new InterPodAffinity({ hardPodAffinityWeight: 1 }), pod(S1, undefined, stayWithS2InRegion), nodes, pods, true).scores).toEqual([100, 0, 100, 100, 0]);
  });
  it('Affinity: different Label operators and values for pod affinity scheduling preference, including some match failures', () => {
    const r = runScore(new InterPodAffinity({ hardPodAffinityWeight: 1 }), pod(S1, undefined, affinity3), [node('node1', labelRgChina), node('node2', labelRgIndia), node('node3', labelAzAz1)], [pod(S1, 'node1'), pod(S2, 'node2'), pod(S1, 'node3')], true);
    expect(r.scores).toEqual([20, 100, 0]);
  });
});

describe('InterPodAffinity Filter reasons', () => {
  const antiS1: Affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: S1 }, topologyKey: 'region' }] } };
  const withS1: Affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: S1 }, topologyKey: 'region' }] } };
  it("the incoming pod's anti-affinity", () => {
    const n = node('node1', labelRgChina);
    expect(runFilter(new InterPodAffinity(), pod(S2, undefined, antiS1), n, [pod(S1, 'node1')])).toEqual({ code: 'Unschedulable', reasons: ["node(s) didn't match pod anti-affinity rules"] });
  });
  it("an existing pod's anti-affinity", () => {
    const n = node('node1', labelRgChina);
    expect(runFilter(new InterPodAffinity(), pod(S1), n, [pod(S2, 'node1', antiS1)])).toEqual({ code: 'Unschedulable', reasons: ["node(s) didn't satisfy existing pods anti-affinity rules"] });
  });
  it('affinity with no matching pod in the topology (and the pod does not match itself)', () => {
    const n = node('node1', labelRgChina);
    expect(runFilter(new InterPodAffinity(), pod(S2, undefined, withS1), n, [pod(S1, 'node2')], [n, node('node2', labelRgIndia)])).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match pod affinity rules"] });
  });
  it('the first pod of a self-affine group may go anywhere', () => {
    const n = node('node1', labelRgChina);
    expect(runFilter(new InterPodAffinity(), pod(S1, undefined, withS1), n, [])).toBeNull();
  });
});
