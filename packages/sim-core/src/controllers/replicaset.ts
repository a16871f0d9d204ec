/**
 * The ReplicaSet controller's sync, pure: given a ReplicaSet, the pods it controls (by
 * controllerRef) and its expectations, decide which pods to create (slow-start batches 1, 2, 4, …
 * capped at burstReplicas 500) or delete (the least valuable first), and what status to write.
 *
 * Upstream (v1.33): pkg/controller/replicaset/replica_set.go — syncReplicaSet, manageReplicas
 * (diff, burstReplicas = 500, slowStartBatch with SlowStartInitialBatchSize = 1, expectations
 * via ExpectCreations/ExpectDeletions), getPodsToDelete (controller.ActivePodsWithRanks ordering:
 * unassigned < assigned, Pending < Unknown < Running, not ready < ready, more recently ready
 * first, higher restarts first, newer first); replica_set_utils.go calculateStatus
 * (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas with minReadySeconds,
 * observedGeneration); pkg/controller/controller_utils.go (FilterActivePods, pod template →
 * pod: generateName "<rs>-", labels, annotations, ownerReference controller=true,
 * blockOwnerDeletion=true); pkg/controller/controller_ref_manager.go (adoption — left out).
 * Leaves out: adopting orphans and releasing pods whose labels no longer match, the
 * ReplicaFailure condition, the 5-minute expectations timeout, terminatingReplicas (alpha gate).
 */
import type { KubeObject } from '../objects/meta';

export const BURST_REPLICAS = 500;
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

export const isPodActive = (p: KubeObject): boolean => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp;
export const isPodReady = (p: KubeObject): boolean => {
  const conds = p.status?.conditions;
  if (!conds) return false;
  for (const c of conds) if (c.type === 'Ready' && c.status === 'True') return true;
  return false;
};

export function controllerOf(o: KubeObject): { kind: string; name: string; uid: string } | undefined {
  const refs = o.metadata.ownerReferences;
  if (refs) for (const r of refs) if (r.controller) return r;
  return undefined;
}

/** slowStartBatch's batch sizes for `count` creations: 1, 2, 4, … */
export function slowStartBatches(count: number, initial = SLOW_START_INITIAL_BATCH_SIZE): number[] {
  const out: number[] = [];
  let remaining = count;
  let size = Math.min(remaining, initial);
  while (size > 0) {
    out.push(size);
    remaining -= size;
    size = Math.min(2 * size, remaining);
  }
  return out;
}

const phaseRank = (p: KubeObject): number => (p.status?.phase === 'Pending' ? 0 : p.status?.phase === 'Running' ? 2 : 1);

/** ActivePods ordering (controller_utils.go): the first ones are deleted first. */
export function rankPodsForDeletion(pods: KubeObject[]): KubeObject[] {
  return [...pods].sort((a, b) => {
    const na = a.spec?.nodeName ? 1 : 0;
    const nb = b.spec?.nodeName ? 1 : 0;
    if (na !== nb) return na - nb;
    if (phaseRank(a) !== phaseRank(b)) return phaseRank(a) - phaseRank(b);
    const ra = isPodReady(a) ? 1 : 0;
    const rb = isPodReady(b) ? 1 : 0;
    if (ra !== rb) return ra - rb;
    const ca = a.metadata.creationTimestamp ?? '';
    const cb = b.metadata.creationTimestamp ?? '';
    if (ca !== cb) return ca < cb ? 1 : -1; // newer first
    return a.metadata.name < b.metadata.name ? -1 : 1;
  });
}

export function podFromTemplate(rs: KubeObject, extraAnnotations: Record<string, string> = {}): KubeObject {
  const t = rs.spec.template ?? {};
  const annotations = { ...(t.metadata?.annotations ?? {}), ...extraAnnotations };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: '',
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}) },
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: structuredClone(t.spec ?? {}),
  };
}

export interface RsExpectations {
  add: number;
  del: number;
}

export interface RsPlan {
  create: number;
  /** Names of pods to delete. */
  delete: string[];
  status: any;
  statusChanged: boolean;
}

/** Whether every label of `want` is on `l`. */
function hasLabels(l: Record<string, string> | undefined, want: Record<string, string> | undefined): boolean {
  if (want) for (const k in want) if (l?.[k] !== want[k]) return false;
  return true;
}

/** A pod's part in its ReplicaSet's status counts, as bits of a number (always non-zero). */
export const POD_COUNTED = 8;
export const POD_ACTIVE = 1;
export const POD_READY = 2;
export const POD_FULLY_LABELED = 4;

/** calculateStatus's view of one pod: active (FilterActivePods), ready, fully labeled (the template's and the selector's labels; without the ReplicaSet, not). */
export function podStatusBits(p: KubeObject, rs: KubeObject | undefined): number {
  if (!isPodActive(p)) return POD_COUNTED;
  let b = POD_COUNTED | POD_ACTIVE;
  if (isPodReady(p)) b |= POD_READY;
  const l = p.metadata.labels;
  if (rs && hasLabels(l, rs.spec.template?.metadata?.labels) && hasLabels(l, rs.spec.selector?.matchLabels)) b |= POD_FULLY_LABELED;
  return b;
}

const labelSigs = new WeakMap<object, string>();
/** The labels a pod needs to count as fully labeled, as a string (by ReplicaSet object: objects handed between processes are never changed). */
export function rsLabelSig(rs: KubeObject): string {
  let sig = labelSigs.get(rs);
  if (sig === undefined) labelSigs.set(rs, (sig = JSON.stringify([rs.spec?.template?.metadata?.labels ?? null, rs.spec?.selector?.matchLabels ?? null])));
  return sig;
}

/** The counts calculateStatus makes over a ReplicaSet's pods. */
export interface RsCounts {
  replicas: number;
  ready: number;
  fullyLabeled: number;
}

export function addPodBits(c: RsCounts, bits: number, sign: 1 | -1): void {
  if (bits & POD_ACTIVE) c.replicas += sign;
  if (bits & POD_READY) c.ready += sign;
  if (bits & POD_FULLY_LABELED) c.fullyLabeled += sign;
}

/** replica_set_utils.go calculateStatus from the counts (availableReplicas = readyReplicas: minReadySeconds 0). */
export function statusFromCounts(rs: KubeObject, c: RsCounts): any {
  return {
    replicas: c.replicas,
    fullyLabeledReplicas: c.fullyLabeled,
    readyReplicas: c.ready,
    availableReplicas: c.ready, // minReadySeconds 0
    observedGeneration: rs.metadata.generation ?? 1,
  };
}

export function calculateStatus(rs: KubeObject, pods: KubeObject[]): any {
  const c: RsCounts = { replicas: 0, ready: 0, fullyLabeled: 0 };
  for (const p of pods) addPodBits(c, podStatusBits(p, rs), 1);
  return statusFromCounts(rs, c);
}

const STATUS_FIELDS = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'] as const;

/** The sync's decisions from the status it computed (status.replicas counts the active pods); `activePods` lists them when some must go. */
export function planReplicaSet(rs: KubeObject, status: any, exp: RsExpectations | undefined, activePods: () => KubeObject[]): RsPlan {
  const prev = rs.status ?? {};
  let statusChanged = false;
  for (const k of STATUS_FIELDS) if ((prev[k] ?? 0) !== status[k]) statusChanged = true;
  const satisfied = !exp || (exp.add <= 0 && exp.del <= 0);
  if (!satisfied || rs.metadata.deletionTimestamp) return { create: 0, delete: [], status, statusChanged };
  const want = Number(rs.spec.replicas ?? 1);
  const diff = status.replicas - want;
  if (diff < 0) return { create: Math.min(-diff, BURST_REPLICAS), delete: [], status, statusChanged };
  if (diff > 0) return { create: 0, delete: rankPodsForDeletion(activePods()).slice(0, Math.min(diff, BURST_REPLICAS)).map((p) => p.metadata.name), status, statusChanged };
  return { create: 0, delete: [], status, statusChanged };
}

export function syncReplicaSet(rs: KubeObject, owned: KubeObject[], exp: RsExpectations | undefined): RsPlan {
  return planReplicaSet(rs, calculateStatus(rs, owned), exp, () => owned.filter(isPodActive));
}
