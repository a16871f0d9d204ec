/**
 * Storage printers: PersistentVolume (NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM
 * STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE, VOLUMEMODE wide), PersistentVolumeClaim (NAME
 * STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE, VOLUMEMODE wide),
 * StorageClass (NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE, the
 * default class named "<name> (default)"), ResourceQuota (NAME REQUEST LIMIT AGE).
 *
 * Upstream: kubernetes v1.33.3 pkg/printers/internalversion/printers.go — AddHandlers
 * (persistentVolumeColumnDefinitions, persistentVolumeClaimColumnDefinitions,
 * storageClassColumnDefinitions, resourceQuotaColumnDefinitions), printPersistentVolume,
 * printPersistentVolumeClaim (capacity and access modes from status, only once a volume is
 * bound), printStorageClass (reclaim policy Delete and binding mode Immediate when unset,
 * allowVolumeExpansion a bool cell), printResourceQuota ("<resource>: <used>/<hard>" for each
 * status.hard entry in name order, "limits.*" in the LIMIT column); pkg/apis/core/helper/helpers.go
 * (GetAccessModesAsString RWO,ROX,RWX,RWOP; GetPersistentVolumeClass / GetPersistentVolumeClaimClass
 * prefer the volume.beta.kubernetes.io/storage-class annotation); pkg/apis/storage/util/helpers.go
 * (IsDefaultAnnotation, GA and beta annotations). Left out: nothing.
 */
import type { KubeObject } from '../../objects/meta';
import { formatQuantity, tryParseQuantity } from '../../objects/quantity';
import { ageColumn, col, goStringCompare, nameColumn, type Cell } from './helpers';
import { translateTimestampSince } from './human-duration';
import { docs } from './swagger-docs';
import type { TableColumnDefinition } from './table';

const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

/** helper.GetAccessModesAsString. */
export function accessModesAsString(modes: unknown): string {
  const list = Array.isArray(modes) ? (modes as string[]) : [];
  const out: string[] = [];
  if (list.includes('ReadWriteOnce')) out.push('RWO');
  if (list.includes('ReadOnlyMany')) out.push('ROX');
  if (list.includes('ReadWriteMany')) out.push('RWX');
  if (list.includes('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

/** Quantity.String() of a JSON quantity; a missing one is the zero Quantity, "0". */
const quantityString = (v: unknown): string => {
  const q = tryParseQuantity(v);
  return q ? formatQuantity(q) : '0';
};

/** storageutil.IsDefaultAnnotation. */
export function isDefaultStorageClass(sc: KubeObject): boolean {
  const a = sc.metadata.annotations ?? {};
  return a['storageclass.kubernetes.io/is-default-class'] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

/** helper.GetPersistentVolumeClaimClass. */
export function claimClass(pvc: KubeObject): string {
  const a = pvc.metadata.annotations ?? {};
  if (BETA_STORAGE_CLASS in a) return a[BETA_STORAGE_CLASS]!;
  return typeof pvc.spec?.storageClassName === 'string' ? pvc.spec.storageClassName : '';
}

export const persistentVolumeColumns: TableColumnDefinition[] = [
  nameColumn,
  col('Capacity', 'string', docs.PV_SPEC_CAPACITY),
  col('Access Modes', 'string', docs.PV_SPEC_ACCESS_MODES),
  col('Reclaim Policy', 'string', docs.PV_SPEC_RECLAIM_POLICY),
  col('Status', 'string', docs.PV_STATUS_PHASE),
  col('Claim', 'string', docs.PV_SPEC_CLAIM_REF),
  col('StorageClass', 'string', 'StorageClass of the pv'),
  col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
  col('Reason', 'string', docs.PV_STATUS_REASON),
  ageColumn,
  col('VolumeMode', 'string', docs.PV_SPEC_VOLUME_MODE, 1),
];

export function printPersistentVolume(pv: KubeObject, nowMs: number): Cell[] {
  const spec = pv.spec ?? {};
  const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
  const phase = pv.metadata.deletionTimestamp ? 'Terminating' : String(pv.status?.phase ?? '');
  const a = pv.metadata.annotations ?? {};
  const cls = BETA_STORAGE_CLASS in a ? a[BETA_STORAGE_CLASS]! : String(spec.storageClassName ?? '');
  return [pv.metadata.name, quantityString(spec.capacity?.storage), accessModesAsString(spec.accessModes), String(spec.persistentVolumeReclaimPolicy ?? ''), phase, claim, cls, spec.volumeAttributesClassName ?? '<unset>', String(pv.status?.reason ?? ''), translateTimestampSince(pv.metadata.creationTimestamp, nowMs), spec.volumeMode ?? '<unset>'];
}

export const persistentVolumeClaimColumns: TableColumnDefinition[] = [
  nameColumn,
  col('Status', 'string', docs.PVC_STATUS_PHASE),
  col('Volume', 'string', docs.PVC_SPEC_VOLUME_NAME),
  col('Capacity', 'string', docs.PVC_STATUS_CAPACITY),
  col('Access Modes', 'string', docs.PVC_STATUS_ACCESS_MODES),
  col('StorageClass', 'string', 'StorageClass of the pvc'),
  col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
  ageColumn,
  col('VolumeMode', 'string', docs.PVC_SPEC_VOLUME_MODE, 1),
];

export function printPersistentVolumeClaim(pvc: KubeObject, nowMs: number): Cell[] {
  const spec = pvc.spec ?? {};
  const phase = pvc.metadata.deletionTimestamp ? 'Terminating' : String(pvc.status?.phase ?? '');
  const volumeName = String(spec.volumeName ?? '');
  const bound = volumeName !== '';
  return [pvc.metadata.name, phase, volumeName, bound ? quantityString(pvc.status?.capacity?.storage) : '', bound ? accessModesAsString(pvc.status?.accessModes) : '', claimClass(pvc), spec.volumeAttributesClassName ?? '<unset>', translateTimestampSince(pvc.metadata.creationTimestamp, nowMs), spec.volumeMode ?? '<unset>'];
}

export const storageClassColumns: TableColumnDefinition[] = [
  nameColumn,
  col('Provisioner', 'string', docs.STORAGE_CLASS_PROVISIONER),
  col('ReclaimPolicy', 'string', docs.STORAGE_CLASS_RECLAIM_POLICY),
  col('VolumeBindingMode', 'string', docs.STORAGE_CLASS_VOLUME_BINDING_MODE),
  col('AllowVolumeExpansion', 'string', docs.STORAGE_CLASS_ALLOW_VOLUME_EXPANSION),
  ageColumn,
];

export function printStorageClass(sc: KubeObject, nowMs: number): Cell[] {
  const o = sc as KubeObject & { provisioner?: string; reclaimPolicy?: string; volumeBindingMode?: string; allowVolumeExpansion?: boolean };
  const name = isDefaultStorageClass(sc) ? `${sc.metadata.name} (default)` : sc.metadata.name;
  return [name, o.provisioner ?? '', o.reclaimPolicy ?? 'Delete', o.volumeBindingMode ?? 'Immediate', o.allowVolumeExpansion ?? false, translateTimestampSince(sc.metadata.creationTimestamp, nowMs)];
}

export const resourceQuotaColumns: TableColumnDefinition[] = [
  nameColumn,
  col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
  col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
  ageColumn,
];

export function printResourceQuota(rq: KubeObject, nowMs: number): Cell[] {
  const hard = (rq.status?.hard ?? {}) as Record<string, unknown>;
  const used = (rq.status?.used ?? {}) as Record<string, unknown>;
  const request: string[] = [];
  const limit: string[] = [];
  for (const r of Object.keys(hard).sort(goStringCompare)) {
    const pieces = r.split('.');
    (pieces.length > 1 && pieces[0] === 'limits' ? limit : request).push(`${r}: ${quantityString(used[r])}/${quantityString(hard[r])}`);
  }
  return [rq.metadata.name, request.join(', '), limit.join(', '), translateTimestampSince(rq.metadata.creationTimestamp, nowMs)];
}
