/**
 * NodeVolumeLimits (nodevolumelimits/csi.go), VolumeBinding (volumebinding/volume_binding.go) and
 * VolumeZone (volumezone/volume_zone.go) at v1.33, MINIMAL: kubelab has no PersistentVolumes,
 * StorageClasses or CSINodes yet, so these filters pass every node. As upstream, they Skip (at
 * PreFilter) a pod without PersistentVolumeClaim / ephemeral volumes, so the explanation says
 * "skipped" for the common case and "passed (not modelled)" otherwise. VolumeBinding's Score is
 * off in v1.33 (StorageCapacityScoring is alpha), so its PreScore always Skips.
 *
 * Left out: everything PV/PVC/CSI — unbound claims, zone labels of PVs, attach limits.
 */
import type { Pod } from '../../api/types';
import type { FilterPlugin, PreFilterPlugin, PreFilterResult, PreScorePlugin, ScorePlugin } from '../../framework/interface';
import { SKIP, type CycleState, type NodeInfo, type Status } from '../../framework/types';

function hasClaims(pod: Pod): boolean {
  return (pod.spec.volumes ?? []).some((v) => v.persistentVolumeClaim || v['ephemeral']);
}

abstract class PassWithClaims implements PreFilterPlugin, FilterPlugin {
  abstract readonly name: string;
  preFilter(_s: CycleState, pod: Pod): { result: PreFilterResult | null; status: Status | null } {
    return { result: null, status: hasClaims(pod) ? null : SKIP };
  }
  filter(_s: CycleState, _p: Pod, _n: NodeInfo): Status | null {
    return null;
  }
}

export class NodeVolumeLimits extends PassWithClaims {
  readonly name = 'NodeVolumeLimits';
}

export class VolumeZone extends PassWithClaims {
  readonly name = 'VolumeZone';
}

export class VolumeBinding extends PassWithClaims implements PreScorePlugin, ScorePlugin {
  readonly name = 'VolumeBinding';
  preScore(): Status | null {
    return SKIP;
  }
  score(): number {
    return 0;
  }
}
