/**
 * The PersistentVolume controller's claim side (kube-controller-manager's
 * "persistentvolume-binder-controller", ServiceAccount persistent-volume-binder): for every claim
 * not yet bound, on each change and every 15 s (--pvclaimbinder-sync-period), decide what the
 * claim waits for and say so in an event on the claim — which is what `kubectl describe pvc`
 * shows a learner whose claim stays Pending.
 *
 *  - a claim without a class, when a default class exists: the class is written into it
 *    (retroactive default StorageClass assignment);
 *  - a WaitForFirstConsumer class and no pod scheduled with the claim: Normal
 *    WaitForFirstConsumer "waiting for first consumer to be created before binding" (or
 *    WaitForPodScheduled "waiting for pod <name> to be scheduled" when an unscheduled pod uses it);
 *  - a class whose StorageClass does not exist: Warning ProvisioningFailed
 *    `storageclass.storage.k8s.io "<class>" not found`;
 *  - a class with an external provisioner (anything not "kubernetes.io/…"): the claim is annotated
 *    volume.beta.kubernetes.io/storage-provisioner and volume.kubernetes.io/storage-provisioner,
 *    then Normal ExternalProvisioning "Waiting for a volume to be created either by the external
 *    provisioner '<provisioner>' or manually by the system administrator. …" — the lab runs no
 *    provisioner (local-path-provisioner's pod is a placeholder, Longhorn and the NFS CSI driver
 *    are not installed), so the claim stays Pending, as on a real cluster without them;
 *  - no class at all: Normal FailedBinding "no persistent volumes available for this claim and no
 *    storage class is set".
 *
 * Upstream (v1.33): pkg/controller/volume/persistentvolume/pv_controller.go (syncClaim,
 * syncUnboundClaim, assignDefaultStorageClass, emitEventForUnboundDelayBindingClaim,
 * findNonScheduledPodsByPVC, provisionClaim, findProvisionablePlugin — an unknown
 * "kubernetes.io/" provisioner is an error, any other is external —, provisionClaimOperationExternal,
 * setClaimProvisioner), pv_controller_base.go (resync every pvclaimbinder-sync-period, event
 * source "persistentvolume-controller"), k8s.io/component-helpers/storage/volume (IsDelayBindingMode:
 * a missing class is not delay binding; IsDelayBindingProvisioning: the
 * volume.kubernetes.io/selected-node annotation), pkg/controller/volume/events/event.go (reasons).
 * Leaves out: binding to existing PersistentVolumes (findBestMatchForClaim: a matching static PV is
 * not bound here, the claim stays Pending and no event says why), the volume side (syncVolume,
 * release, recycle, delete), in-tree provisioner plugins and CSI migration of in-tree provisioner
 * names, the scheduler's selected-node handshake.
 */
import type { KubeObject } from '../objects/meta';
import { claimClass } from '../apiserver/printers/storage';
import { defaultStorageClass, claimHasClass } from '../apiserver/admission/default-storage-class';

export const PV_CONTROLLER_COMPONENT = 'persistentvolume-controller';
/** --pvclaimbinder-sync-period default. */
export const CLAIM_RESYNC_US = 15_000_000;

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';

export type ClaimAction = { type: 'update-claim'; claim: KubeObject } | { type: 'event'; eventType: 'Normal' | 'Warning'; reason: string; message: string };

/** IsDelayBindingMode. */
function isDelayBinding(claim: KubeObject, classes: Record<string, KubeObject>): boolean {
  const cls = claimClass(claim);
  if (!cls) return false;
  const sc = classes[cls] as (KubeObject & { volumeBindingMode?: string }) | undefined;
  return sc?.volumeBindingMode === 'WaitForFirstConsumer';
}

/** findNonScheduledPodsByPVC: pods of the claim's namespace, not yet scheduled, that use it. */
function nonScheduledPodsUsing(claim: KubeObject, pods: KubeObject[]): string[] {
  const out: string[] = [];
  for (const p of pods) {
    if (p.metadata.namespace !== claim.metadata.namespace || p.spec?.nodeName) continue;
    const uses = ((p.spec?.volumes ?? []) as any[]).some((v) => v?.persistentVolumeClaim?.claimName === claim.metadata.name || (v?.ephemeral && `${p.metadata.name}-${v.name}` === claim.metadata.name));
    if (uses) out.push(p.metadata.name);
  }
  return out;
}

/**
 * syncClaim for one claim: what the controller writes (a claim update, or an event), in order.
 * An empty list: nothing to say (a bound claim, or one already given its provisioner and class).
 */
export function syncClaim(claim: KubeObject, classes: Record<string, KubeObject>, pods: KubeObject[]): ClaimAction[] {
  if (claim.metadata.annotations?.[ANN_BIND_COMPLETED] !== undefined) return [];
  if (claim.spec?.volumeName) return [];
  const delay = isDelayBinding(claim, classes);
  // assignDefaultStorageClass: a claim created before any default class existed gets it now.
  if (!claimHasClass(claim)) {
    const def = defaultStorageClass(Object.values(classes));
    if (def) {
      const upd = structuredClone(claim);
      upd.spec = { ...(upd.spec ?? {}), storageClassName: def.metadata.name };
      return [{ type: 'update-claim', claim: upd }];
    }
  }
  const cls = claimClass(claim);
  if (delay && claim.metadata.annotations?.[ANN_SELECTED_NODE] === undefined) {
    const names = nonScheduledPodsUsing(claim, pods);
    if (names.length === 0) return [{ type: 'event', eventType: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding' }];
    return [{ type: 'event', eventType: 'Normal', reason: 'WaitForPodScheduled', message: names.length > 1 ? `waiting for pods ${names.join(',')} to be scheduled` : `waiting for pod ${names[0]} to be scheduled` }];
  }
  if (cls !== '') {
    const sc = classes[cls] as (KubeObject & { provisioner?: string }) | undefined;
    if (!sc) return [{ type: 'event', eventType: 'Warning', reason: 'ProvisioningFailed', message: `storageclass.storage.k8s.io "${cls}" not found` }];
    const provisioner = sc.provisioner ?? '';
    if (provisioner.startsWith('kubernetes.io/')) return [{ type: 'event', eventType: 'Warning', reason: 'ProvisioningFailed', message: 'no provisionable volume plugin matched' }];
    const actions: ClaimAction[] = [];
    const ann = claim.metadata.annotations ?? {};
    if (ann[ANN_STORAGE_PROVISIONER] !== provisioner) {
      // setClaimProvisioner: both annotations, in one update of the claim; the event follows with the updated claim.
      const upd = structuredClone(claim);
      upd.metadata.annotations = { ...ann, [ANN_BETA_STORAGE_PROVISIONER]: provisioner, [ANN_STORAGE_PROVISIONER]: provisioner };
      actions.push({ type: 'update-claim', claim: upd });
    }
    actions.push({
      type: 'event',
      eventType: 'Normal',
      reason: 'ExternalProvisioning',
      message: `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    });
    return actions;
  }
  return [{ type: 'event', eventType: 'Normal', reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set' }];
}
