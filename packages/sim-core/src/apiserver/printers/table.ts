/**
 * Server-side printing: the meta.k8s.io/v1 Table kube-apiserver returns when kubectl asks for
 * `application/json;as=Table;v=v1;g=meta.k8s.io`. Column definitions and cells are upstream's;
 * each row carries the object's PartialObjectMetadata (kubectl reads namespace and labels there).
 *
 * Upstream: pkg/printers/internalversion/printers.go (AddHandlers column definitions and the
 * print* functions, ported per kind in this folder), k8s.io/apiserver/pkg/registry/rest/table.go
 * (the default Name / Created At table for kinds without a printer, e.g. Role and ClusterRole),
 * k8s.io/apiserver/pkg/endpoints/handlers/response.go (row objects as PartialObjectMetadata
 * unless includeObject=Object). kube-apiserver prints with GenerateOptions{Wide: true}
 * (pkg/printers/storage/storage.go), so every row carries all cells, priority-1 ones included.
 *
 * Source text for the ports here: kubernetes v1.33.3, as vendored unmodified (go.mod pins
 * k8s.io/kubernetes v1.33.3 with no replace) in github.com/openshift/openshift-apiserver branch
 * release-4.20, commit 34cb4762e1716c1a31a344118b8a3ad00c28d831:
 * vendor/k8s.io/kubernetes/pkg/printers/internalversion/printers.go. The *.test.ts cases come from
 * pkg/printers/internalversion/printers_test.go (openshift/kubernetes copy, commit
 * 5e90c2a100af6d3f125ee45cb64776b72ac0d9b1); the print functions they exercise are byte-identical
 * from v1.27.7 through v1.33.3.
 */
import type { KubeObject } from '../../objects/meta';
import { daemonSetColumns, deploymentColumns, printDaemonSet, printDeployment, printReplicaSet, replicaSetColumns } from './apps';
import { configMapColumns, namespaceColumns, printConfigMap, printNamespace, printSecret, printServiceAccount, secretColumns, serviceAccountColumns } from './core';
import { endpointSliceColumns, endpointsColumns, printEndpointSlice, printEndpoints } from './endpoints';
import { eventColumns, printEvent } from './event';
import { leaseColumns, printLease } from './lease';
import { printNode, nodeColumns } from './node';
import { podColumns, printPod } from './pod';
import { clusterRoleBindingColumns, printClusterRoleBinding, printRoleBinding, roleBindingColumns } from './rbac';
import { printService, serviceColumns } from './service';
import { persistentVolumeClaimColumns, persistentVolumeColumns, printPersistentVolume, printPersistentVolumeClaim, printResourceQuota, printStorageClass, resourceQuotaColumns, storageClassColumns } from './storage';
import { docs } from './swagger-docs';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion: string };
  columnDefinitions: TableColumnDefinition[];
  rows: { cells: (string | number | boolean)[]; object: unknown }[];
}

const printers: Record<string, { columns: TableColumnDefinition[]; print: (o: KubeObject, nowMs: number) => (string | number | boolean)[] }> = {
  Pod: { columns: podColumns, print: printPod },
  Node: { columns: nodeColumns, print: printNode },
  Namespace: { columns: namespaceColumns, print: printNamespace },
  Deployment: { columns: deploymentColumns, print: printDeployment },
  ReplicaSet: { columns: replicaSetColumns, print: printReplicaSet },
  DaemonSet: { columns: daemonSetColumns, print: printDaemonSet },
  Service: { columns: serviceColumns, print: printService },
  Endpoints: { columns: endpointsColumns, print: printEndpoints },
  EndpointSlice: { columns: endpointSliceColumns, print: printEndpointSlice },
  Event: { columns: eventColumns, print: printEvent },
  ServiceAccount: { columns: serviceAccountColumns, print: printServiceAccount },
  Secret: { columns: secretColumns, print: printSecret },
  ConfigMap: { columns: configMapColumns, print: printConfigMap },
  Lease: { columns: leaseColumns, print: printLease },
  RoleBinding: { columns: roleBindingColumns, print: printRoleBinding },
  ClusterRoleBinding: { columns: clusterRoleBindingColumns, print: printClusterRoleBinding },
  PersistentVolume: { columns: persistentVolumeColumns, print: printPersistentVolume },
  PersistentVolumeClaim: { columns: persistentVolumeClaimColumns, print: printPersistentVolumeClaim },
  StorageClass: { columns: storageClassColumns, print: printStorageClass },
  ResourceQuota: { columns: resourceQuotaColumns, print: printResourceQuota },
};

export const hasPrinter = (kind: string): boolean => kind in printers;

/** The default table (Name and Age) upstream uses for kinds without a printer. */
const defaultColumns: TableColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', description: docs.OBJECT_META_NAME, priority: 0 },
  { name: 'Created At', type: 'date', format: '', description: docs.OBJECT_META_CREATION_TIMESTAMP, priority: 0 },
];

export function partialObjectMetadata(o: KubeObject): unknown {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/**
 * The Table for these objects. `includeObject` is TableOptions.includeObject
 * (endpoints/handlers/response.go transformObject): Metadata (the default) puts each row's
 * PartialObjectMetadata in `object`, Object the whole object (what `kubectl get --sort-by` asks
 * for, to sort on any field), None null (an empty RawExtension).
 */
export function toTable(kind: string, items: KubeObject[], resourceVersion: string, nowMs: number, includeObject: 'None' | 'Metadata' | 'Object' = 'Metadata'): Table {
  const p = printers[kind];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: p ? p.columns : defaultColumns,
    rows: items.map((o) => ({ cells: p ? p.print(o, nowMs) : [o.metadata.name, o.metadata.creationTimestamp ?? ''], object: includeObject === 'None' ? null : includeObject === 'Object' ? o : partialObjectMetadata(o) })),
  };
}

/** TableOptions.includeObject from a request path's query (unset or unknown: Metadata). */
export function includeObjectOf(path: string): 'None' | 'Metadata' | 'Object' {
  const v = new URLSearchParams(path.split('?')[1] ?? '').get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}
