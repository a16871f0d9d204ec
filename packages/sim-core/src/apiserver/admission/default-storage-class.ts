/**
 * The DefaultStorageClass admission plugin: a PersistentVolumeClaim created without a storage
 * class gets the cluster's default one (on k3s: local-path). A claim that names a class — even
 * "" (explicitly none) — or carries the beta storage-class annotation is left alone; with no
 * default class the claim stays classless.
 *
 * Upstream (v1.33): plugin/pkg/admission/storage/storageclass/setdefault/admission.go (Admit on
 * Create of persistentvolumeclaims without subresource; helper.PersistentVolumeClaimHasClass),
 * pkg/volume/util/storageclass.go GetDefaultClass (the classes with the GA or beta
 * is-default-class annotation "true"; several: the newest by creationTimestamp, then by name).
 * The plugin reads an informer's lister; kube-apiserver here keeps the classes it lists at start
 * and sees written (see `AdmissionCaches`).
 */
import type { KubeObject } from '../../objects/meta';
import { parseRfc3339 } from '../../objects/meta';
import { isDefaultStorageClass } from '../printers/storage';

/** GetDefaultClass. */
export function defaultStorageClass(classes: KubeObject[]): KubeObject | undefined {
  const defaults = classes.filter(isDefaultStorageClass);
  defaults.sort((a, b) => {
    const ta = a.metadata.creationTimestamp ? parseRfc3339(a.metadata.creationTimestamp) : 0;
    const tb = b.metadata.creationTimestamp ? parseRfc3339(b.metadata.creationTimestamp) : 0;
    if (ta === tb) return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
    return tb - ta;
  });
  return defaults[0];
}

/** helper.PersistentVolumeClaimHasClass. */
export function claimHasClass(pvc: KubeObject): boolean {
  if (pvc.metadata.annotations && 'volume.beta.kubernetes.io/storage-class' in pvc.metadata.annotations) return true;
  return pvc.spec?.storageClassName !== undefined && pvc.spec?.storageClassName !== null;
}

/** Admit: sets spec.storageClassName of a classless claim to the default class; returns the class given, if any. */
export function admitDefaultStorageClass(pvc: KubeObject, classes: KubeObject[]): string | undefined {
  if (claimHasClass(pvc)) return undefined;
  const def = defaultStorageClass(classes);
  if (!def) return undefined;
  (pvc.spec ??= {}).storageClassName = def.metadata.name;
  return def.metadata.name;
}
