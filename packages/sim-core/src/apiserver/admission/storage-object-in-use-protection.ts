/**
 * The StorageObjectInUseProtection admission plugin: every PersistentVolumeClaim is created with
 * the finalizer `kubernetes.io/pvc-protection` and every PersistentVolume with
 * `kubernetes.io/pv-protection`, so neither disappears while in use — the protection controllers
 * (controllers/pvc-protection.ts) remove the finalizer once nothing uses the object.
 *
 * Upstream (v1.33): plugin/pkg/admission/storage/storageobjectinuseprotection/admission.go (Admit
 * on Create, no subresource; the finalizer appended unless present), pkg/volume/util/finalizer.go
 * (the finalizer names). Left out: nothing.
 */
import type { KubeObject } from '../../objects/meta';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

/** Admit for a create of `kind`. */
export function admitStorageProtection(kind: string, obj: KubeObject): void {
  const f = kind === 'PersistentVolumeClaim' ? PVC_PROTECTION_FINALIZER : kind === 'PersistentVolume' ? PV_PROTECTION_FINALIZER : undefined;
  if (!f) return;
  const fins = (obj.metadata.finalizers ?? []) as string[];
  if (!fins.includes(f)) obj.metadata.finalizers = [...fins, f];
}
