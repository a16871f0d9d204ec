import { describe, expect, it } from 'vitest';
import { compareHistories, Recorder } from './transitions';

const pod = (uid: string, rsUid: string, phase: string, extra: any = {}) => ({ metadata: { uid, name: `nginx-abc-${uid}`, ownerReferences: [{ controller: true, uid: rsUid, kind: 'ReplicaSet', name: 'nginx-abc' }], ...extra.metadata }, spec: { nodeName: extra.node }, status: { phase, conditions: extra.ready ? [{ type: 'Ready', status: 'True' }] : [] } });

describe('Recorder', () => {
  it('keys objects by owner and creation order, dropping random suffixes, and keeps only changes', () => {
    const r = new Recorder();
    r.observe('Deployment', 'ADDED', { metadata: { uid: 'd1', name: 'nginx' }, spec: { replicas: 3 }, status: {} });
    r.observe('ReplicaSet', 'ADDED', { metadata: { uid: 'rs1', name: 'nginx-7c79c4bf97', ownerReferences: [{ controller: true, uid: 'd1', kind: 'Deployment', name: 'nginx' }] }, spec: { replicas: 3 }, status: {} });
    r.observe('Pod', 'ADDED', pod('x9', 'rs1', 'Pending'));
    r.observe('Pod', 'MODIFIED', pod('x9', 'rs1', 'Pending'));
    r.observe('Pod', 'MODIFIED', pod('x9', 'rs1', 'Pending', { node: 'k3s-worker-1' }));
    r.observe('Pod', 'MODIFIED', pod('x9', 'rs1', 'Running', { node: 'k3s-worker-1', ready: true }));
    r.observe('Pod', 'ADDED', pod('q2', 'rs1', 'Pending'));
    r.observe('Pod', 'DELETED', pod('x9', 'rs1', 'Running', { node: 'k3s-worker-1', ready: true }));
    const out = r.result();
    expect(out.map((h) => h.key)).toEqual(['Deployment:nginx', 'Deployment:nginx/rs1', 'Deployment:nginx/rs1/pod1', 'Deployment:nginx/rs1/pod2']);
    expect(out[2]!.states).toEqual([
      { phase: 'Pending', bound: false, ready: false, terminating: false },
      { phase: 'Pending', bound: true, ready: false, terminating: false },
      { phase: 'Running', bound: true, ready: true, terminating: false },
      { deleted: true },
    ]);
  });

  it('compares object by object and finds the first differing transition', () => {
    const a = [{ kind: 'Pod', key: 'p1', states: [{ phase: 'Pending' }, { phase: 'Running' }] }, { kind: 'Pod', key: 'p2', states: [{ phase: 'Pending' }] }];
    const b = [{ kind: 'Pod', key: 'p1', states: [{ phase: 'Pending' }, { phase: 'Failed' }] }, { kind: 'Pod', key: 'p3', states: [{ phase: 'Pending' }] }];
    const c = compareHistories(a, b);
    expect(c.objects.map((o) => [o.key, o.match, o.firstDifference])).toEqual([
      ['p1', false, 1],
      ['p2', false, 0],
      ['p3', false, 0],
    ]);
    expect(compareHistories(a, a).differed).toBe(0);
  });
});
