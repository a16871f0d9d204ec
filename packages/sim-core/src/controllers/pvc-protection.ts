/**
 * The PVC and PV protection controllers: a claim (or volume) being deleted keeps its protection
 * finalizer while it is in use and loses it when it is not, which lets kube-apiserver delete it;
 * one without the finalizer (created before the admission plugin) gets it.
 *
 * Upstream (v1.33): pkg/controller/volume/pvcprotection/pvc_protection_controller.go (processPVC:
 * IsDeletionCandidate → isBeingUsed → removeFinalizer; NeedToAddFinalizer → addFinalizer;
 * podUsesPVC: a scheduled pod with a persistentVolumeClaim volume naming the claim, or a generic
 * ephemeral volume of a pod that is not shut down), pkg/controller/volume/pvprotection/
 * pv_protection_controller.go (a volume is in use while its phase is Bound),
 * pkg/controller/util/protection (IsDeletionCandidate, NeedToAddFinalizer).
 * Differs: upstream removes the finalizer with an Update; here with a JSON merge patch at the
 * object's resourceVersion, because the lab's PUT does not delete an object whose last finalizer
 * it removes. Leaves out: the live pod list upstream consults when its informer says unused.
 */
import type { KubeObject } from '../objects/meta';
import { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER } from '../apiserver/admission/storage-object-in-use-protection';

export type ProtectionAction = { type: 'remove-finalizer' | 'add-finalizer'; patch: unknown } | undefined;

const finalizersOf = (o: KubeObject): string[] => (o.metadata.finalizers ?? []) as string[];

function podUsesClaim(pod: KubeObject, claim: KubeObject): boolean {
  if (pod.metadata.namespace !== claim.metadata.namespace || !pod.spec?.nodeName) return false;
  const shutDown = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  return ((pod.spec?.volumes ?? []) as any[]).some((v) => v?.persistentVolumeClaim?.claimName === claim.metadata.name || (!shutDown && v?.ephemeral && `${pod.metadata.name}-${v.name}` === claim.metadata.name));
}

function protect(o: KubeObject, finalizer: string, inUse: boolean): ProtectionAction {
  const fins = finalizersOf(o);
  if (o.metadata.deletionTimestamp && fins.includes(finalizer)) {
    if (inUse) return undefined;
    const keep = fins.filter((f) => f !== finalizer);
    return { type: 'remove-finalizer', patch: { metadata: { resourceVersion: o.metadata.resourceVersion, finalizers: keep.length ? keep : null } } };
  }
  if (!o.metadata.deletionTimestamp && !fins.includes(finalizer)) return { type: 'add-finalizer', patch: { metadata: { resourceVersion: o.metadata.resourceVersion, finalizers: [...fins, finalizer] } } };
  return undefined;
}

/** processPVC. */
export const processClaim = (claim: KubeObject, pods: KubeObject[]): ProtectionAction => protect(claim, PVC_PROTECTION_FINALIZER, pods.some((p) => podUsesClaim(p, claim)));

/** processPV: a volume is in use while Bound. */
export const processVolume = (pv: KubeObject): ProtectionAction => protect(pv, PV_PROTECTION_FINALIZER, pv.status?.phase === 'Bound');
