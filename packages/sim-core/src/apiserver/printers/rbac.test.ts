import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../objects/meta';
import { printClusterRoleBinding, printRoleBinding } from './rbac';

// Cases ported from kubernetes pkg/printers/internalversion/printers_test.go (TestPrintRoleBinding,
// TestPrintClusterRoleBinding). Add(1.9e9) prints "0s".
const now = Date.parse('2025-11-09T12:00:00Z');
const soon = new Date(now + 1900).toISOString();
const binding = (kind: string, name: string, subjects: any[], roleRef: any): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name, creationTimestamp: soon }, subjects, roleRef });
const wideSubjects = [
  { kind: 'User', name: 'user-name' },
  { kind: 'Group', name: 'group-name' },
  { kind: 'ServiceAccount', name: 'service-account-name', namespace: 'service-account-namespace' },
];

for (const [kind, print] of [['RoleBinding', printRoleBinding], ['ClusterRoleBinding', printClusterRoleBinding]] as const) {
  describe(`print${kind}`, () => {
    const cases: { name: string; o: KubeObject; wide: boolean; expected: (string | number)[] }[] = [
      // Columns: Name, Role, Age
      { name: 'basic', o: binding(kind, 'binding1', [{ kind: 'User', name: 'system:kube-controller-manager' }], { kind: 'Role', name: 'extension-apiserver-authentication-reader' }), wide: false, expected: ['binding1', 'Role/extension-apiserver-authentication-reader', '0s'] },
      // + Users, Groups, ServiceAccounts
      { name: 'wide: subjects', o: binding(kind, 'binding2', wideSubjects, { kind: 'Role', name: 'role-name' }), wide: true, expected: ['binding2', 'Role/role-name', '0s', 'user-name', 'group-name', 'service-account-namespace/service-account-name'] },
    ];
    it.each(cases)('$name', ({ o, wide, expected }) => expect(print(o, now, { wide })).toEqual(expected));
  });
}

describe('bindings as kube-apiserver prints them (wide)', () => {
  it('ClusterRole ref, several subjects of a kind joined with ", ", unknown kinds dropped, empty lists ""', () => {
    const crb = binding('ClusterRoleBinding', 'system:kube-dns', [
      { kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system' },
      { kind: 'Group', name: 'system:masters' },
      { kind: 'Group', name: 'system:nodes' },
      { kind: 'Robot', name: 'r2' },
    ], { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' });
    expect(printClusterRoleBinding(crb, now)).toEqual(['system:kube-dns', 'ClusterRole/system:coredns', '0s', '', 'system:masters, system:nodes', 'kube-system/coredns']);
    expect(printRoleBinding(binding('RoleBinding', 'none', [], { kind: 'ClusterRole', name: 'view' }), now)).toEqual(['none', 'ClusterRole/view', '0s', '', '', '']);
  });
});
