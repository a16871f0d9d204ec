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

export function calculateStatus(rs: KubeObject, pods: KubeObject[]): any {
  const labels = [...Object.entries(rs.spec.template?.metadata?.labels ?? {}), ...Object.entries(rs.spec.selector?.matchLabels ?? {})] as [string, string][];
  let replicas = 0;
  let fullyLabeled = 0;
  let ready = 0;
  for (const p of pods) {
    if (!isPodActive(p)) continue;
    replicas++;
    const l = p.metadata.labels;
    let full = true;
    for (const [k, v] of labels) if (l?.[k] !== v) {
      full = false;
      break;
    }
    if (full) fullyLabeled++;
    if (isPodReady(p)) ready++;
  }
  return {
    replicas,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: ready, // minReadySeconds 0
    observedGeneration: rs.metadata.generation ?? 1,
  };
}

export function syncReplicaSet(rs: KubeObject, owned: KubeObject[], exp: RsExpectations | undefined): RsPlan {
  const active = owned.filter(isPodActive);
  const status = calculateStatus(rs, owned);
  const prev = rs.status ?? {};
  const statusChanged = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'].some((k) => (prev[k] ?? 0) !== status[k]);
  const satisfied = !exp || (exp.add <= 0 && exp.del <= 0);
  if (!satisfied || rs.metadata.deletionTimestamp) return { create: 0, delete: [], status, statusChanged };
  const want = Number(rs.spec.replicas ?? 1);
  const diff = active.length - want;
  if (diff < 0) return { create: Math.min(-diff, BURST_REPLICAS), delete: [], status, statusChanged };
  if (diff > 0) return { create: 0, delete: rankPodsForDeletion(active).slice(0, Math.min(diff, BURST_REPLICAS)).map((p) => p.metadata.name), status, statusChanged };
  return { create: 0, delete: [], status, statusChanged };
}
