/**
 * VolumeRestrictions, after pkg/scheduler/framework/plugins/volumerestrictions/volume_restrictions.go
 * at v1.33, MINIMAL: the inline-volume disk conflict check (isVolumeConflict) for
 * gcePersistentDisk (same pdName unless both read-only), awsElasticBlockStore (same volumeID),
 * iscsi (same IQN unless both read-only) and rbd (overlapping monitors, same pool and image,
 * unless both read-only): `node(s) had no available disk`, Unschedulable. PreFilter skips a pod
 * with none of these volumes.
 *
 * Left out (no storage model yet): the ReadWriteOncePod PVC conflict (`node has pod using
 * PersistentVolumeClaim with the same name and ReadWriteOncePod access mode`).
 */
import type { Pod, Volume } from '../../api/types';
import type { FilterPlugin, PreFilterPlugin, PreFilterResult } from '../../framework/interface';
import { newStatus, SKIP, type CycleState, type NodeInfo, type Status } from '../../framework/types';

export const Name = 'VolumeRestrictions';
export const ErrReasonDiskConflict = 'node(s) had no available disk';

function needsRestrictionsCheck(v: Volume): boolean {
  return !!(v.gcePersistentDisk || v.awsElasticBlockStore || v.rbd || v.iscsi);
}

export function isVolumeConflict(volume: Volume, pod: Pod): boolean {
  for (const ev of pod.spec.volumes ?? []) {
    if (volume.gcePersistentDisk && ev.gcePersistentDisk) {
      const d = volume.gcePersistentDisk;
      const e = ev.gcePersistentDisk;
      if (d.pdName === e.pdName && !(d.readOnly && e.readOnly)) return true;
    }
    if (volume.awsElasticBlockStore && ev.awsElasticBlockStore) {
      if (volume.awsElasticBlockStore.volumeID === ev.awsElasticBlockStore.volumeID) return true;
    }
    if (volume.iscsi && ev.iscsi) {
      if (volume.iscsi.iqn === ev.iscsi.iqn && !(volume.iscsi.readOnly && ev.iscsi.readOnly)) return true;
    }
    if (volume.rbd && ev.rbd) {
      const a = volume.rbd;
      const b = ev.rbd;
      const overlap = (a.monitors ?? []).some((m) => (b.monitors ?? []).includes(m));
      if (overlap && (a.pool ?? 'rbd') === (b.pool ?? 'rbd') && a.image === b.image && !(a.readOnly && b.readOnly)) return true;
    }
  }
  return false;
}

export class VolumeRestrictions implements PreFilterPlugin, FilterPlugin {
  readonly name = Name;
  preFilter(_s: CycleState, pod: Pod): { result: PreFilterResult | null; status: Status | null } {
    if (!(pod.spec.volumes ?? []).some(needsRestrictionsCheck)) return { result: null, status: SKIP };
    return { result: null, status: null };
  }
  filter(_s: CycleState, pod: Pod, ni: NodeInfo): Status | null {
    for (const v of pod.spec.volumes ?? []) {
      if (!needsRestrictionsCheck(v)) continue;
      for (const ep of ni.pods) if (isVolumeConflict(v, ep.pod)) return newStatus('Unschedulable', ErrReasonDiskConflict);
    }
    return null;
  }
}
