/**
 * Defaulting of apps/v1 workloads and their pod templates, as the v1 defaulters run on every
 * decoded object (so a Deployment read back shows strategy 25%/25%, revisionHistoryLimit 10 and
 * progressDeadlineSeconds 600, and its template dnsPolicy ClusterFirst, restartPolicy Always…).
 *
 * Upstream (v1.33): pkg/apis/apps/v1/defaults.go (SetDefaults_Deployment, SetDefaults_ReplicaSet),
 * pkg/apis/core/v1/defaults.go (SetDefaults_PodSpec: dnsPolicy, restartPolicy,
 * terminationGracePeriodSeconds, securityContext, schedulerName; SetDefaults_Container:
 * terminationMessagePath/Policy, imagePullPolicy from the tag; SetDefaults_ContainerPort:
 * protocol TCP). Pod-only defaults (serviceAccountName, tolerations, priority,
 * enableServiceLinks) come from admission and SetDefaults_Pod and are in rmw.ts defaultPod.
 * Storage (v1.33): pkg/apis/core/v1/defaults.go (SetDefaults_PersistentVolumeClaim: phase Pending;
 * SetDefaults_PersistentVolumeClaimSpec: volumeMode Filesystem; SetDefaults_PersistentVolume:
 * phase Pending, reclaim policy Retain, volumeMode Filesystem; SetDefaults_ResourceList: every
 * quantity rounded up to milli-units, then written back in its canonical form as Quantity's
 * MarshalJSON does), pkg/apis/storage/v1/defaults.go (SetDefaults_StorageClass: reclaimPolicy
 * Delete, volumeBindingMode Immediate), and the registry strategies' PrepareForCreate
 * (pkg/registry/core/persistentvolumeclaim/strategy.go and resourcequota/strategy.go clear the
 * status; persistentvolume/strategy.go sets phase Pending and lastPhaseTransitionTime).
 */
import { rfc3339, type KubeObject } from '../objects/meta';
import { canonicalQuantity } from '../objects/quantity';

export function defaultContainer(c: any): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (!c.imagePullPolicy) {
    const tag = /:([^/:@]+)$/.exec(c.image ?? '')?.[1];
    c.imagePullPolicy = !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.resources ??= {};
  for (const p of (c.ports ?? []) as any[]) p.protocol ??= 'TCP';
}

export function defaultPodSpec(s: any): void {
  s.restartPolicy ??= 'Always';
  s.dnsPolicy ??= 'ClusterFirst';
  s.terminationGracePeriodSeconds ??= 30;
  s.securityContext ??= {};
  s.schedulerName ??= 'default-scheduler';
  for (const c of (s.containers ?? []) as any[]) if (c && typeof c === 'object') defaultContainer(c);
}

export function defaultDeployment(d: KubeObject): void {
  const s = (d.spec ??= {});
  s.replicas ??= 1;
  s.strategy ??= {};
  if (!s.strategy.type) s.strategy.type = 'RollingUpdate';
  if (s.strategy.type === 'RollingUpdate') {
    s.strategy.rollingUpdate ??= {};
    s.strategy.rollingUpdate.maxUnavailable ??= '25%';
    s.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  s.revisionHistoryLimit ??= 10;
  s.progressDeadlineSeconds ??= 600;
  if (s.template?.spec) defaultPodSpec(s.template.spec);
}

export function defaultReplicaSet(rs: KubeObject): void {
  const s = (rs.spec ??= {});
  s.replicas ??= 1;
  if (s.template?.spec) defaultPodSpec(s.template.spec);
}

/** SetDefaults_ResourceList on a JSON resource map: each quantity rounded up to milli and canonical. */
function defaultResourceList(m: unknown): void {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return;
  const l = m as Record<string, unknown>;
  for (const k of Object.keys(l)) if (typeof l[k] === 'string' || typeof l[k] === 'number') l[k] = canonicalQuantity(l[k] as string | number);
}

export function defaultPersistentVolumeClaim(pvc: KubeObject): void {
  const s = (pvc.spec ??= {});
  s.volumeMode ??= 'Filesystem';
  defaultResourceList(s.resources?.requests);
  defaultResourceList(s.resources?.limits);
  pvc.status ??= {};
  pvc.status.phase ||= 'Pending';
  defaultResourceList(pvc.status.capacity);
  defaultResourceList(pvc.status.allocatedResources);
}

export function defaultPersistentVolume(pv: KubeObject): void {
  const s = (pv.spec ??= {});
  s.persistentVolumeReclaimPolicy ||= 'Retain';
  s.volumeMode ??= 'Filesystem';
  defaultResourceList(s.capacity);
  pv.status ??= {};
  pv.status.phase ||= 'Pending';
}

export function defaultStorageClass(sc: KubeObject): void {
  const o = sc as KubeObject & { reclaimPolicy?: string; volumeBindingMode?: string };
  o.reclaimPolicy ??= 'Delete';
  o.volumeBindingMode ??= 'Immediate';
}

export function defaultResourceQuota(rq: KubeObject): void {
  defaultResourceList(rq.spec?.hard);
  defaultResourceList(rq.status?.hard);
  defaultResourceList(rq.status?.used);
}

/** The storage kinds' defaulting, by kind (a no-op for the others). */
export function defaultStorageObject(kind: string, obj: KubeObject): void {
  if (kind === 'PersistentVolumeClaim') defaultPersistentVolumeClaim(obj);
  else if (kind === 'PersistentVolume') defaultPersistentVolume(obj);
  else if (kind === 'StorageClass') defaultStorageClass(obj);
  else if (kind === 'ResourceQuota') defaultResourceQuota(obj);
}

/** The registry strategies' PrepareForCreate for the storage kinds (status as a new object has it). */
export function prepareStorageObjectForCreate(kind: string, obj: KubeObject, nowMs: number): void {
  if (kind === 'PersistentVolumeClaim') obj.status = { phase: 'Pending' };
  else if (kind === 'PersistentVolume') obj.status = { phase: 'Pending', lastPhaseTransitionTime: rfc3339(nowMs) };
  else if (kind === 'ResourceQuota') obj.status = {};
}
