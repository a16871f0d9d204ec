/**
 * printNode: NAME STATUS ROLES AGE VERSION (-o wide: INTERNAL-IP EXTERNAL-IP OS-IMAGE
 * KERNEL-VERSION CONTAINER-RUNTIME). Roles are the sorted suffixes of node-role.kubernetes.io/*
 * labels (k3s labels its server "control-plane,master"; etcd members also get "etcd").
 * Upstream: pkg/printers/internalversion/printers.go printNode, findNodeRoles (v1.33).
 */
import type { KubeObject } from '../../objects/meta';
import { translateTimestampSince } from './human-duration';
import { docs } from './swagger-docs';
import type { TableColumnDefinition } from './table';

export const nodeColumns: TableColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', description: docs.OBJECT_META_NAME, priority: 0 },
  { name: 'Status', type: 'string', format: '', description: 'The status of the node', priority: 0 },
  { name: 'Roles', type: 'string', format: '', description: 'The roles of the node', priority: 0 },
  { name: 'Age', type: 'string', format: '', description: docs.OBJECT_META_CREATION_TIMESTAMP, priority: 0 },
  { name: 'Version', type: 'string', format: '', description: docs.NODE_SYSTEM_INFO_KUBELET_VERSION, priority: 0 },
  { name: 'Internal-IP', type: 'string', format: '', description: docs.NODE_STATUS_ADDRESSES, priority: 1 },
  { name: 'External-IP', type: 'string', format: '', description: docs.NODE_STATUS_ADDRESSES, priority: 1 },
  { name: 'OS-Image', type: 'string', format: '', description: docs.NODE_SYSTEM_INFO_OS_IMAGE, priority: 1 },
  { name: 'Kernel-Version', type: 'string', format: '', description: docs.NODE_SYSTEM_INFO_KERNEL_VERSION, priority: 1 },
  { name: 'Container-Runtime', type: 'string', format: '', description: docs.NODE_SYSTEM_INFO_CONTAINER_RUNTIME_VERSION, priority: 1 },
];

export function findNodeRoles(labels: Record<string, string> = {}): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

export function printNode(node: KubeObject, nowMs: number): (string | number)[] {
  const conds: any[] = node.status?.conditions ?? [];
  const status: string[] = [];
  const ready = conds.find((c) => c.type === 'Ready');
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (status.length === 0) status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  const roles = findNodeRoles(node.metadata.labels).join(',') || '<none>';
  const addr = (t: string) => (node.status?.addresses ?? []).find((a: any) => a.type === t)?.address ?? '<none>';
  const info = node.status?.nodeInfo ?? {};
  return [
    node.metadata.name,
    status.join(','),
    roles,
    translateTimestampSince(node.metadata.creationTimestamp, nowMs),
    info.kubeletVersion ?? '',
    addr('InternalIP'),
    addr('ExternalIP'),
    info.osImage || '<unknown>',
    info.kernelVersion || '<unknown>',
    info.containerRuntimeVersion || '<unknown>',
  ];
}
