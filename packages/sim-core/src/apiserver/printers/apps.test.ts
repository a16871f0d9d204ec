import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../objects/meta';
import { printDaemonSet, printDeployment, printReplicaSet } from './apps';

// Cases ported from kubernetes pkg/printers/internalversion/printers_test.go (TestPrintDeployment,
// TestPrintDaemonSet, TestPrintDaemonSetList, TestPrintReplicaSet, TestPrintReplicaSetList).
// time.Now().Add(1.9e9) — 1.9 s in the future — prints "0s".
const now = Date.parse('2025-11-09T12:00:00Z');
const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();
const soon = at(1900);
const containers = [
  { name: 'fake-container1', image: 'fake-image1' },
  { name: 'fake-container2', image: 'fake-image2' },
];
const obj = (kind: string, name: string, rest: Partial<KubeObject>, creationTimestamp: string | null = soon): KubeObject => ({ apiVersion: 'apps/v1', kind, metadata: { name, ...(creationTimestamp ? { creationTimestamp } : {}) }, ...rest });

const testDeployment = obj('Deployment', 'test1', {
  spec: { replicas: 5, template: { spec: { containers } }, selector: { matchLabels: { foo: 'bar' } } },
  status: { replicas: 10, updatedReplicas: 2, availableReplicas: 1, unavailableReplicas: 4 },
});

describe('printDeployment', () => {
  const cases: { name: string; o: KubeObject; wide: boolean; expected: (string | number)[] }[] = [
    // Columns: Name, ReadyReplicas, UpdatedReplicas, AvailableReplicas, Age
    { name: 'no generate options', o: testDeployment, wide: false, expected: ['test1', '0/5', 2, 1, '0s'] },
    // + Containers, Images, Selectors
    { name: 'wide', o: testDeployment, wide: true, expected: ['test1', '0/5', 2, 1, '0s', 'fake-container1,fake-container2', 'fake-image1,fake-image2', 'foo=bar'] },
  ];
  it.each(cases)('$name', ({ o, wide, expected }) => expect(printDeployment(o, now, { wide })).toEqual(expected));

  it('kube-apiserver prints wide by default', () => {
    expect(printDeployment(testDeployment, now)).toHaveLength(8);
  });
  it('selector: expressions sorted by key, nil/empty selector "", invalid "<invalid>"', () => {
    const sel = (selector: unknown) => printDeployment(obj('Deployment', 'd', { spec: { replicas: 1, selector } }), now)[7];
    expect(sel({ matchLabels: { tier: 'web', app: 'nginx' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }, { key: 'canary', operator: 'DoesNotExist' }] })).toBe('app=nginx,!canary,env in (dev,prod),tier=web');
    expect(sel(undefined)).toBe('');
    expect(sel({})).toBe('');
    expect(sel({ matchLabels: { 'bad key!': 'x' } })).toBe('<invalid>');
    expect(sel({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toBe('<invalid>');
  });
  it('ready/desired from status.readyReplicas and spec.replicas; age from creationTimestamp', () => {
    const d = obj('Deployment', 'coredns', { spec: { replicas: 2, template: { spec: { containers: [{ name: 'coredns', image: 'rancher/mirrored-coredns-coredns:1.12.1' }] } }, selector: { matchLabels: { 'k8s-app': 'kube-dns' } } }, status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 } }, at(-3 * 3600_000 - 25 * 60_000));
    expect(printDeployment(d, now)).toEqual(['coredns', '2/2', 2, 2, '3h25m', 'coredns', 'rancher/mirrored-coredns-coredns:1.12.1', 'k8s-app=kube-dns']);
  });
});

const testDaemonSet = obj('DaemonSet', 'test1', {
  spec: { template: { spec: { containers } }, selector: { matchLabels: { foo: 'bar' } } },
  status: { currentNumberScheduled: 2, desiredNumberScheduled: 3, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 0 },
});

describe('printDaemonSet', () => {
  const cases: { name: string; o: KubeObject; wide: boolean; expected: (string | number)[] }[] = [
    // Columns: Name, Num Desired, Num Current, Num Ready, Num Updated, Num Available, Selectors, Age
    { name: 'no generate options', o: testDaemonSet, wide: false, expected: ['test1', 3, 2, 1, 2, 0, '<none>', '0s'] },
    // + Containers, Images, Labels
    { name: 'wide', o: testDaemonSet, wide: true, expected: ['test1', 3, 2, 1, 2, 0, '<none>', '0s', 'fake-container1,fake-container2', 'fake-image1,fake-image2', 'foo=bar'] },
    // TestPrintDaemonSetList
    { name: 'list item 1', o: obj('DaemonSet', 'daemonset1', { spec: { template: { spec: { containers } } }, status: { currentNumberScheduled: 2, desiredNumberScheduled: 3, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 0 } }), wide: false, expected: ['daemonset1', 3, 2, 1, 2, 0, '<none>', '0s'] },
    { name: 'list item 2', o: obj('DaemonSet', 'daemonset2', { spec: { template: {}, selector: { matchLabels: { foo: 'bar' } } }, status: { currentNumberScheduled: 4, desiredNumberScheduled: 2, numberReady: 9, updatedNumberScheduled: 3, numberAvailable: 3 } }), wide: false, expected: ['daemonset2', 2, 4, 9, 3, 3, '<none>', '0s'] },
  ];
  it.each(cases)('$name', ({ o, wide, expected }) => expect(printDaemonSet(o, now, { wide })).toEqual(expected));

  it('node selector is labels.FormatLabels of the pod template; nil selector prints <none> wide', () => {
    const ds = obj('DaemonSet', 'svclb-traefik', { spec: { template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux', 'a-b': 'x' }, containers: [] } } }, status: {} });
    expect(printDaemonSet(ds, now)).toEqual(['svclb-traefik', 0, 0, 0, 0, 0, 'a-b=x,kubernetes.io/os=linux', '0s', '', '', '<none>']);
  });
});

describe('printReplicaSet', () => {
  const rs = obj('ReplicaSet', 'test1', { spec: { replicas: 5, template: { spec: { containers } }, selector: { matchLabels: { foo: 'bar' } } }, status: { replicas: 5, readyReplicas: 2 } });
  const cases: { name: string; o: KubeObject; wide: boolean; expected: (string | number)[] }[] = [
    // Columns: Name, Desired, Current, Ready, Age
    { name: 'generate options empty', o: rs, wide: false, expected: ['test1', 5, 5, 2, '0s'] },
    // + Containers, Images, Selector
    { name: 'wide', o: rs, wide: true, expected: ['test1', 5, 5, 2, '0s', 'fake-container1,fake-container2', 'fake-image1,fake-image2', 'foo=bar'] },
    // TestPrintReplicaSetList
    { name: 'list item 1', o: obj('ReplicaSet', 'replicaset1', { spec: { replicas: 5, template: { spec: { containers } } }, status: { replicas: 5, readyReplicas: 2 } }), wide: false, expected: ['replicaset1', 5, 5, 2, '0s'] },
    { name: 'list item 2', o: obj('ReplicaSet', 'replicaset2', { spec: { replicas: 4, template: {}, selector: { matchLabels: { foo: 'bar' } } }, status: { replicas: 3, readyReplicas: 1 } }), wide: false, expected: ['replicaset2', 4, 3, 1, '0s'] },
    // TestTableRowDeepCopyShouldNotPanic: an empty object still prints.
    { name: 'empty object', o: obj('ReplicaSet', '', {}, null), wide: true, expected: ['', 0, 0, 0, '<unknown>', '', '', '<none>'] },
  ];
  it.each(cases)('$name', ({ o, wide, expected }) => expect(printReplicaSet(o, now, { wide })).toEqual(expected));
});
