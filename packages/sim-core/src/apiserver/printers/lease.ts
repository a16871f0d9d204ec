/**
 * printLease: NAME HOLDER AGE (coordination.k8s.io/v1; `kubectl get leases -n kube-node-lease`
 * shows one per node held by the node itself, kube-system the controller leader leases).
 *
 * Upstream: kubernetes v1.33.3 pkg/printers/internalversion/printers.go — AddHandlers
 * (leaseColumnDefinitions), printLease. Holder is spec.holderIdentity, "" when unset. Left out:
 * LeaseCandidate (its coordination.k8s.io API is off by default in v1.33 and not served here).
 */
import type { KubeObject } from '../../objects/meta';
import { ageColumn, col, nameColumn, type Cell } from './helpers';
import { translateTimestampSince } from './human-duration';
import { docs } from './swagger-docs';
import type { TableColumnDefinition } from './table';

export const leaseColumns: TableColumnDefinition[] = [nameColumn, col('Holder', 'string', docs.LEASE_SPEC_HOLDER_IDENTITY), ageColumn];

export function printLease(obj: KubeObject, nowMs: number): Cell[] {
  return [obj.metadata.name, obj.spec?.holderIdentity ?? '', translateTimestampSince(obj.metadata.creationTimestamp, nowMs)];
}
