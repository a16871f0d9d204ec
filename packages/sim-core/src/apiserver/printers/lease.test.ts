import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../objects/meta';
import { printLease } from './lease';

// Cases ported from kubernetes pkg/printers/internalversion/printers_test.go TestPrintLease.
const now = Date.parse('2025-11-09T12:00:00Z');
const lease = (name: string, creationTimestamp: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, creationTimestamp }, spec });

describe('printLease', () => {
  const cases: { name: string; o: KubeObject; expected: (string | number)[] }[] = [
    // Columns: Name, Holder, Age
    { name: 'holder1, 0s', o: lease('lease1', new Date(now + 1900).toISOString(), { holderIdentity: 'holder1' }), expected: ['lease1', 'holder1', '0s'] },
    { name: 'holder2, 5m', o: lease('lease2', new Date(now - 300_000).toISOString(), { holderIdentity: 'holder2' }), expected: ['lease2', 'holder2', '5m'] },
    { name: 'no holder', o: lease('kube-scheduler', new Date(now - 300_000).toISOString(), {}), expected: ['kube-scheduler', '', '5m'] },
    { name: 'k3s leader lease', o: lease('kube-controller-manager', new Date(now - 7 * 3600_000).toISOString(), { holderIdentity: 'k3s-master_6b3c1d2e-55aa-4c3b-9e0f-1a2b3c4d5e6f', leaseDurationSeconds: 15 }), expected: ['kube-controller-manager', 'k3s-master_6b3c1d2e-55aa-4c3b-9e0f-1a2b3c4d5e6f', '7h'] },
  ];
  it.each(cases)('$name', (c) => expect(printLease(c.o, now)).toEqual(c.expected));
});
