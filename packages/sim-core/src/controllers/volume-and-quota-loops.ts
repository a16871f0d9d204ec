/**
 * The work loops kube-controller-manager runs for the PersistentVolume controller
 * (persistentvolume-binder.ts) and the resource quota controller (resourcequota.ts): which claims
 * and quotas are due after the informers' deltas and the resync timers, and what each sync sends
 * — claim updates, events through the event correlator, quota status updates — written as
 * requests the manager sends with each controller's ServiceAccount token.
 *
 * Upstream (v1.33): cmd/kube-controller-manager/app/core.go (startPersistentVolumeBinderController,
 * startResourceQuotaController), pkg/controller/volume/persistentvolume/pv_controller_base.go
 * (claim informer handlers, resync every 15 s), pkg/controller/resourcequota/
 * resource_quota_controller.go (addQuota, replenishQuota, resync every 5 min), and the PVC/PV
 * protection controllers (pvc-protection.ts; pvc_protection_controller.go enqueues a deleting
 * claim's namespace's claims again when a pod using one goes away).
 * Leaves out: the work queues' rate limiting and worker pools (due items are synced in the step,
 * in key order, one request in flight per item).
 */
import type { Delta } from '../client/informer';
import { correlateEvent, newEventCorrelator, type EventCorrelatorState, type EventIntent } from '../client/event-correlator';
import type { Input, Output } from '../kernel/model';
import type { KubeObject } from '../objects/meta';
import { CLAIM_RESYNC_US, PV_CONTROLLER_COMPONENT, syncClaim } from './persistentvolume-binder';
import { podReplenishes, QUOTA_RESYNC_US, quotaNeedsSync, syncResourceQuota } from './resourcequota';
import { processClaim, processVolume } from './pvc-protection';

/** The informers these loops read. */
export const VOLUME_QUOTA_INFORMERS = ['persistentvolumeclaims', 'persistentvolumes', 'storageclasses', 'resourcequotas'] as const;
/** Informers whose deltas the loops look at (theirs, and what quota counts). */
const WATCHED = new Set<string>([...VOLUME_QUOTA_INFORMERS, 'pods', 'services']);
export const watchedByVolumeQuotaLoops = (informer: string): boolean => WATCHED.has(informer);

export type VqWhat = 'pv-claim-update' | 'pv-event' | 'quota-status' | 'pvc-protection' | 'pv-protection';

export interface VqRequest {
  what: VqWhat;
  method: 'POST' | 'PUT' | 'PATCH';
  path: string;
  body: unknown;
  key: string;
  contentType?: string;
}

export interface VolumeQuotaState {
  started: boolean;
  claimsDue: Record<string, true>;
  quotasDue: Record<string, true>;
  /** The PVC and PV protection controllers' queue: "pvc:<namespace/name>", "pv:<name>". */
  protectDue?: Record<string, true>;
  inflight: Record<string, true>;
  /** Events to record once a claim update answers (setClaimProvisioner, then ExternalProvisioning). */
  afterUpdate: Record<string, { type: 'Normal' | 'Warning'; reason: string; message: string }>;
  correlator: EventCorrelatorState;
}

export const newVolumeQuotaState = (): VolumeQuotaState => ({ started: false, claimsDue: {}, quotasDue: {}, inflight: {}, afterUpdate: {}, correlator: newEventCorrelator() });

const keyOf = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);
const claimRef = (c: KubeObject) => ({ kind: 'PersistentVolumeClaim', namespace: c.metadata.namespace!, name: c.metadata.name, uid: c.metadata.uid!, apiVersion: 'v1', resourceVersion: c.metadata.resourceVersion });

function eventRequest(s: VolumeQuotaState, intent: EventIntent, nowMs: number, nanos: bigint, key: string): VqRequest | undefined {
  const w = correlateEvent(s.correlator, intent, nowMs, nanos);
  if (w.verb === 'skip') return undefined;
  if (w.verb === 'create') return { what: 'pv-event', method: 'POST', path: w.path, body: w.body, key };
  return { what: 'pv-event', method: 'PATCH', path: w.path, body: w.body, key, contentType: 'application/strategic-merge-patch+json' };
}

/**
 * One step of both loops, after the manager's caches have synced: deltas and timers mark claims
 * and quotas due; every due one not already in flight is synced. Timers are pushed to `out`.
 */
/** The namespace's quotas are due (their usage may have changed). */
function quotasIn(s: VolumeQuotaState, list: (informer: string) => KubeObject[], ns: string): void {
  for (const q of list('resourcequotas')) if (q.metadata.namespace === ns) s.quotasDue[keyOf(q)] = true;
}

const isEmpty = (o: Record<string, unknown>): boolean => {
  for (const _ in o) return false;
  return true;
};

export function volumeQuotaStep(s: VolumeQuotaState, input: Input, deltas: { informer: string; delta: Delta }[], list: (informer: string) => KubeObject[], nowMs: number, nanos: bigint, out: Output[]): VqRequest[] {
  if (!s.started) {
    s.started = true;
    out.push({ type: 'timer', name: 'pv-resync', afterUs: CLAIM_RESYNC_US }, { type: 'timer', name: 'quota-resync', afterUs: QUOTA_RESYNC_US });
    for (const c of list('persistentvolumeclaims')) s.claimsDue[keyOf(c)] = true;
    for (const q of list('resourcequotas')) s.quotasDue[keyOf(q)] = true;
    for (const c of list('persistentvolumeclaims')) (s.protectDue ??= {})[`pvc:${keyOf(c)}`] = true;
    for (const v of list('persistentvolumes')) (s.protectDue ??= {})[`pv:${keyOf(v)}`] = true;
  }
  const protect = (s.protectDue ??= {});
  if (input.type === 'timer' && input.name === 'pv-resync') {
    out.push({ type: 'timer', name: 'pv-resync', afterUs: CLAIM_RESYNC_US });
    for (const c of list('persistentvolumeclaims')) s.claimsDue[keyOf(c)] = true;
  }
  if (input.type === 'timer' && input.name === 'quota-resync') {
    out.push({ type: 'timer', name: 'quota-resync', afterUs: QUOTA_RESYNC_US });
    for (const q of list('resourcequotas')) s.quotasDue[keyOf(q)] = true;
  }
  for (const { informer, delta } of deltas) {
    const o = delta.obj;
    if (informer === 'persistentvolumeclaims') {
      if (delta.type === 'delete') quotasIn(s, list, o.metadata.namespace!);
      else {
        s.claimsDue[keyOf(o)] = true;
        protect[`pvc:${keyOf(o)}`] = true;
      }
    } else if (informer === 'persistentvolumes') {
      if (delta.type !== 'delete') protect[`pv:${keyOf(o)}`] = true;
    } else if (informer === 'resourcequotas') {
      if (delta.type === 'add' || (delta.type === 'update' && quotaNeedsSync(o, delta.old))) s.quotasDue[keyOf(o)] = true;
    } else if (informer === 'pods') {
      if (delta.type === 'delete' || (delta.type === 'update' && podReplenishes(delta.old, o))) quotasIn(s, list, o.metadata.namespace!);
      // pvc_protection_controller podAddedDeletedUpdated: the claims a pod used may be free now.
      if (delta.type !== 'add') for (const c of list('persistentvolumeclaims')) if (c.metadata.namespace === o.metadata.namespace && c.metadata.deletionTimestamp) protect[`pvc:${keyOf(c)}`] = true;
    } else if (informer === 'services' && delta.type === 'delete') quotasIn(s, list, o.metadata.namespace!);
  }
  const reqs: VqRequest[] = [];
  // Nothing due: the workers below would find nothing to do.
  if (isEmpty(s.claimsDue) && isEmpty(protect) && isEmpty(s.quotasDue)) return reqs;
  // The PV controller's claim worker.
  const claims: Record<string, KubeObject> = {};
  for (const c of list('persistentvolumeclaims')) claims[keyOf(c)] = c;
  const classes: Record<string, KubeObject> = {};
  for (const c of list('storageclasses')) classes[c.metadata.name] = c;
  for (const k of Object.keys(s.claimsDue).sort()) {
    const claim = claims[k];
    if (!claim) {
      delete s.claimsDue[k];
      continue;
    }
    if (s.inflight[`claim:${k}`]) continue;
    delete s.claimsDue[k];
    const actions = syncClaim(claim, classes, list('pods'));
    const update = actions.find((a) => a.type === 'update-claim');
    if (update && update.type === 'update-claim') {
      s.inflight[`claim:${k}`] = true;
      const ev = actions.find((a) => a.type === 'event');
      if (ev && ev.type === 'event') s.afterUpdate[k] = { type: ev.eventType, reason: ev.reason, message: ev.message };
      reqs.push({ what: 'pv-claim-update', method: 'PUT', path: `/api/v1/namespaces/${claim.metadata.namespace}/persistentvolumeclaims/${claim.metadata.name}`, body: update.claim, key: k });
      continue;
    }
    for (const a of actions) {
      if (a.type !== 'event') continue;
      const r = eventRequest(s, { involved: claimRef(claim), type: a.eventType, reason: a.reason, message: a.message, component: PV_CONTROLLER_COMPONENT }, nowMs, nanos, k);
      if (r) reqs.push(r);
    }
  }
  // The PVC and PV protection controllers.
  const volumes: Record<string, KubeObject> = {};
  for (const v of list('persistentvolumes')) volumes[keyOf(v)] = v;
  for (const k of Object.keys(protect).sort()) {
    if (s.inflight[`protect:${k}`]) continue;
    delete protect[k];
    const isClaim = k.startsWith('pvc:');
    const o = isClaim ? claims[k.slice(4)] : volumes[k.slice(3)];
    if (!o) continue;
    const a = isClaim ? processClaim(o, list('pods')) : processVolume(o);
    if (!a) continue;
    s.inflight[`protect:${k}`] = true;
    const path = isClaim ? `/api/v1/namespaces/${o.metadata.namespace}/persistentvolumeclaims/${o.metadata.name}` : `/api/v1/persistentvolumes/${o.metadata.name}`;
    reqs.push({ what: isClaim ? 'pvc-protection' : 'pv-protection', method: 'PATCH', path, body: a.patch, key: k, contentType: 'application/merge-patch+json' });
  }
  // The resource quota controller's worker.
  const byNs = (informer: string, ns: string) => list(informer).filter((o) => o.metadata.namespace === ns);
  const quotas: Record<string, KubeObject> = {};
  for (const q of list('resourcequotas')) quotas[keyOf(q)] = q;
  for (const k of Object.keys(s.quotasDue).sort()) {
    const q = quotas[k];
    if (!q) {
      delete s.quotasDue[k];
      continue;
    }
    if (s.inflight[`quota:${k}`]) continue;
    delete s.quotasDue[k];
    const ns = q.metadata.namespace!;
    const upd = syncResourceQuota(q, { pods: byNs('pods', ns), persistentvolumeclaims: byNs('persistentvolumeclaims', ns), services: byNs('services', ns) }, nowMs);
    if (!upd) continue;
    s.inflight[`quota:${k}`] = true;
    reqs.push({ what: 'quota-status', method: 'PUT', path: `/api/v1/namespaces/${ns}/resourcequotas/${q.metadata.name}/status`, body: upd, key: k });
  }
  return reqs;
}

/** A response to one of the loops' requests: a claim update's event follows; a conflict makes the item due again. */
export function onVolumeQuotaResponse(s: VolumeQuotaState, what: VqWhat, key: string, status: number, body: unknown, nowMs: number, nanos: bigint): VqRequest[] {
  if (what === 'pv-claim-update') {
    delete s.inflight[`claim:${key}`];
    const ev = s.afterUpdate[key];
    delete s.afterUpdate[key];
    if (status >= 300) {
      s.claimsDue[key] = true;
      return [];
    }
    const claim = body as KubeObject;
    if (!ev || !claim?.metadata) return [];
    const r = eventRequest(s, { involved: claimRef(claim), type: ev.type, reason: ev.reason, message: ev.message, component: PV_CONTROLLER_COMPONENT }, nowMs, nanos, key);
    return r ? [r] : [];
  }
  if (what === 'quota-status') {
    delete s.inflight[`quota:${key}`];
    if (status === 409) s.quotasDue[key] = true;
  }
  if (what === 'pvc-protection' || what === 'pv-protection') {
    delete s.inflight[`protect:${key}`];
    if (status === 409) (s.protectDue ??= {})[key] = true;
  }
  return [];
}
