import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../objects/meta';
import { printConfigMap, printNamespace, printSecret, printServiceAccount } from './core';

// Cases ported from kubernetes pkg/printers/internalversion/printers_test.go (TestPrintNamespace,
// TestPrintSecret, TestPrintServiceAccount, TestPrintConfigMap). Add(1.9e9) prints "0s".
const now = Date.parse('2025-11-09T12:00:00Z');
const soon = new Date(now + 1900).toISOString();
const o = (kind: string, name: string, rest: Record<string, unknown>, creationTimestamp: string | null = soon): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name, ...(creationTimestamp ? { creationTimestamp } : {}) }, ...rest });
type Case = { name: string; o: KubeObject; expected: (string | number)[] };

describe('printNamespace', () => {
  const cases: Case[] = [
    // Columns: Name, Status, Age
    { name: 'status and age', o: o('Namespace', 'namespace1', { status: { phase: 'FooStatus' } }), expected: ['namespace1', 'FooStatus', '0s'] },
    { name: 'without status or age', o: o('Namespace', 'namespace2', {}, null), expected: ['namespace2', '', '<unknown>'] },
    { name: 'Terminating', o: o('Namespace', 'gone', { status: { phase: 'Terminating' } }, new Date(now - 8 * 86400_000).toISOString()), expected: ['gone', 'Terminating', '8d'] },
  ];
  it.each(cases)('$name', (c) => expect(printNamespace(c.o, now)).toEqual(c.expected));
});

describe('printSecret', () => {
  const cases: Case[] = [
    // Columns: Name, Type, Data, Age
    { name: 'type, data and age', o: o('Secret', 'secret1', { type: 'kubernetes.io/service-account-token', data: { token: 'c2VjcmV0IGRhdGE=' } }), expected: ['secret1', 'kubernetes.io/service-account-token', 1, '0s'] },
    { name: 'type and age; no data', o: o('Secret', 'secret1', { type: 'kubernetes.io/service-account-token' }), expected: ['secret1', 'kubernetes.io/service-account-token', 0, '0s'] },
    { name: 'k3s node password secret', o: o('Secret', 'k3s-worker-1.node-password.k3s', { type: 'Opaque', data: { hash: 'JDEkc2FsdA==' } }), expected: ['k3s-worker-1.node-password.k3s', 'Opaque', 1, '0s'] },
  ];
  it.each(cases)('$name', (c) => expect(printSecret(c.o, now)).toEqual(c.expected));
});

describe('printServiceAccount', () => {
  const cases: Case[] = [
    // Columns: Name, (Num) Secrets, Age
    { name: 'without secrets', o: o('ServiceAccount', 'sa1', { secrets: [] }), expected: ['sa1', 0, '0s'] },
    { name: 'two secrets', o: o('ServiceAccount', 'sa1', { secrets: [{ name: 'Secret1' }, { name: 'Secret2' }] }), expected: ['sa1', 2, '0s'] },
    { name: 'secrets unset (v1.24+ default)', o: o('ServiceAccount', 'default', {}), expected: ['default', 0, '0s'] },
  ];
  it.each(cases)('$name', (c) => expect(printServiceAccount(c.o, now)).toEqual(c.expected));
});

describe('printConfigMap', () => {
  const cases: Case[] = [
    // Columns: Name, Data, Age
    { name: 'no data', o: o('ConfigMap', 'configmap1', {}), expected: ['configmap1', 0, '0s'] },
    { name: 'one data entry', o: o('ConfigMap', 'configmap2', { data: { foo: 'bar' } }), expected: ['configmap2', 1, '0s'] },
    { name: 'one data and one binary data entry', o: o('ConfigMap', 'configmap3', { data: { foo: 'bar' }, binaryData: { bin: 'YmluYXJ5IGRhdGE=' } }), expected: ['configmap3', 2, '0s'] },
  ];
  it.each(cases)('$name', (c) => expect(printConfigMap(c.o, now)).toEqual(c.expected));
});
