/**
 * RoleBinding / ClusterRoleBinding: NAME ROLE AGE (-o wide: USERS GROUPS SERVICEACCOUNTS).
 * Role and ClusterRole have no printer upstream: they get the default table (Name, Created At)
 * from toTable.
 *
 * Upstream: kubernetes v1.33.3 pkg/printers/internalversion/printers.go — AddHandlers
 * (roleBindingsColumnDefinitions, clusterRoleBindingsColumnDefinitions), printRoleBinding,
 * printClusterRoleBinding; pkg/apis/rbac/helpers.go SubjectsStrings. Role is `Kind/name` of the
 * roleRef (e.g. ClusterRole/cluster-admin); subjects are joined with ", ", service accounts as
 * namespace/name; subjects of another kind are dropped (SubjectsStrings' "others"). Left out:
 * nothing.
 */
import type { KubeObject } from '../../objects/meta';
import { ageColumn, col, nameColumn, type Cell, type PrintOptions } from './helpers';
import { translateTimestampSince } from './human-duration';
import { docs } from './swagger-docs';
import type { TableColumnDefinition } from './table';

export const roleBindingColumns: TableColumnDefinition[] = [
  nameColumn,
  col('Role', 'string', docs.ROLE_BINDING_ROLE_REF),
  ageColumn,
  col('Users', 'string', 'Users in the roleBinding', 1),
  col('Groups', 'string', 'Groups in the roleBinding', 1),
  col('ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding', 1),
];

export const clusterRoleBindingColumns: TableColumnDefinition[] = [
  nameColumn,
  col('Role', 'string', docs.CLUSTER_ROLE_BINDING_ROLE_REF),
  ageColumn,
  col('Users', 'string', 'Users in the clusterRoleBinding', 1),
  col('Groups', 'string', 'Groups in the clusterRoleBinding', 1),
  col('ServiceAccounts', 'string', 'ServiceAccounts in the clusterRoleBinding', 1),
];

/** rbac.SubjectsStrings: users, groups, service accounts ("ns/name") and others ("Kind/ns/name"). */
export function subjectsStrings(subjects: readonly any[] | null | undefined): [users: string[], groups: string[], sas: string[], others: string[]] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  const others: string[] = [];
  for (const s of subjects ?? []) {
    switch (s?.kind) {
      case 'ServiceAccount':
        sas.push(`${s.namespace ?? ''}/${s.name ?? ''}`);
        break;
      case 'User':
        users.push(s.name ?? '');
        break;
      case 'Group':
        groups.push(s.name ?? '');
        break;
      default:
        others.push(`${s?.kind ?? ''}/${s?.namespace ?? ''}/${s?.name ?? ''}`);
    }
  }
  return [users, groups, sas, others];
}

/** printRoleBinding and printClusterRoleBinding (identical bodies upstream). */
export function printRoleBinding(obj: KubeObject, nowMs: number, options: PrintOptions = {}): Cell[] {
  const roleRef = obj.roleRef as { kind?: string; name?: string } | undefined;
  const cells: Cell[] = [obj.metadata.name, `${roleRef?.kind ?? ''}/${roleRef?.name ?? ''}`, translateTimestampSince(obj.metadata.creationTimestamp, nowMs)];
  if (options.wide ?? true) {
    const [users, groups, sas] = subjectsStrings(obj.subjects as any[] | undefined);
    cells.push(users.join(', '), groups.join(', '), sas.join(', '));
  }
  return cells;
}

export const printClusterRoleBinding = printRoleBinding;
