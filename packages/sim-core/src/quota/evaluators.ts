/**
 * Quota evaluators: what one object costs against a ResourceQuota, and a namespace's usage —
 * shared by the ResourceQuota admission plugin (kube-apiserver) and the resource quota controller
 * (kube-controller-manager), as upstream shares pkg/quota/v1.
 *
 * Upstream (v1.33): pkg/quota/v1/evaluator/core/pods.go (podResources, PodUsageFunc: count/pods
 * always, the rest only for a pod that is not terminal nor past its deletion grace (QuotaV1Pod);
 * podComputeUsageHelper: pods, cpu/requests.cpu, limits.cpu, memory/requests.memory,
 * limits.memory, ephemeral storage, hugepages; Constraints: "must specify <res> for: <containers>";
 * scopes Terminating/NotTerminating/BestEffort/NotBestEffort/PriorityClass),
 * persistent_volume_claims.go (persistentvolumeclaims, count/persistentvolumeclaims,
 * requests.storage rounded up to whole bytes, and "<class>.storageclass.storage.k8s.io/…" per
 * class; with the VolumeAttributesClass gate off, as in v1.33, a quota with scopes never matches
 * a claim), services.go (services, services.nodeports, services.loadbalancers),
 * pkg/quota/v1/install/registry.go (legacy object-count names configmaps, secrets,
 * resourcequotas, replicationcontrollers), k8s.io/apiserver/pkg/quota/v1/generic/evaluator.go
 * (Matches, CalculateUsageStats: every tracked resource starts at a zero DecimalSI Quantity),
 * k8s.io/apiserver/pkg/quota/v1/resources.go (CalculateUsage), k8s.io/component-helpers/resource
 * (PodRequests: containers summed, init containers as a maximum, sidecars added, overhead),
 * pkg/apis/core/v1/helper/qos (BestEffort).
 * Leaves out: extended resources' requests.* names, scopeSelector operators beyond In/NotIn/
 * Exists/DoesNotExist on PriorityClass, pod-level resources, in-place resize, DRA claims.
 */
import type { KubeObject } from '../objects/meta';
import { addList, maskList, parseQuantity, parseResourceList, roundUp, zeroQuantity, type Quantity, type ResourceList } from '../objects/quantity';
import { parseRfc3339 } from '../objects/meta';

const one = (): Quantity => ({ nano: 1_000_000_000n, format: 'DecimalSI' });
const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';
const LEGACY_COUNT: Record<string, string> = { configmaps: 'configmaps', resourcequotas: 'resourcequotas', replicationcontrollers: 'replicationcontrollers', secrets: 'secrets' };

/** generic.ObjectCountQuotaResourceNameFor: "count/<resource>[.<group>]". */
export const objectCountName = (resource: string, group = ''): string => `count/${group ? `${resource}.${group}` : resource}`;

export const POD_RESOURCES = ['count/pods', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods'];
const POD_CONSTRAINED = ['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];

/** The resource a quota evaluator exists for here ("pods", "persistentvolumeclaims", "services", or an object-count one). */
export function matchingResources(resource: string, names: string[]): string[] {
  if (resource === 'pods') return names.filter((n) => POD_RESOURCES.includes(n) || n.startsWith('hugepages-') || n.startsWith('requests.hugepages-'));
  if (resource === 'persistentvolumeclaims') return names.filter((n) => n === 'count/persistentvolumeclaims' || n === 'persistentvolumeclaims' || n === 'requests.storage' || n.endsWith(`${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`) || n.endsWith(`${STORAGE_CLASS_SUFFIX}requests.storage`));
  if (resource === 'services') return names.filter((n) => ['count/services', 'services', 'services.nodeports', 'services.loadbalancers'].includes(n));
  return names.filter((n) => n === objectCountName(resource.split('.')[0]!, resource.split('.').slice(1).join('.')) || (LEGACY_COUNT[resource] !== undefined && n === LEGACY_COUNT[resource]));
}

function containerList(rl: unknown): ResourceList {
  return parseResourceList(rl);
}

/** requests default to limits for a container that gives limits only (SetDefaults_Pod). */
function containerRequests(c: any): ResourceList {
  const req = containerList(c?.resources?.requests);
  const lim = containerList(c?.resources?.limits);
  for (const [k, v] of Object.entries(lim)) if (!(k in req)) req[k] = v;
  return req;
}

function maxList(into: ResourceList, l: ResourceList): void {
  for (const [k, v] of Object.entries(l)) if (!into[k] || into[k]!.nano < v.nano) into[k] = v;
}

/** resourcehelper.PodRequests / PodLimits. */
export function podRequestsAndLimits(pod: KubeObject): { requests: ResourceList; limits: ResourceList } {
  const spec = pod.spec ?? {};
  const sum = (get: (c: any) => ResourceList) => {
    let reqs: ResourceList = {};
    for (const c of (spec.containers ?? []) as any[]) reqs = addList(reqs, get(c));
    let restartable: ResourceList = {};
    const initMax: ResourceList = {};
    for (const c of (spec.initContainers ?? []) as any[]) {
      let r = get(c);
      if (c?.restartPolicy === 'Always') {
        reqs = addList(reqs, r);
        restartable = addList(restartable, r);
        r = restartable;
      } else r = addList(r, restartable);
      maxList(initMax, r);
    }
    maxList(reqs, initMax);
    if (spec.overhead) reqs = addList(reqs, parseResourceList(spec.overhead));
    return reqs;
  };
  return { requests: sum(containerRequests), limits: sum((c) => containerList(c?.resources?.limits)) };
}

/** podComputeUsageHelper. */
function podComputeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const r: ResourceList = { pods: one() };
  if (requests['cpu']) r['cpu'] = r['requests.cpu'] = requests['cpu'];
  if (limits['cpu']) r['limits.cpu'] = limits['cpu'];
  if (requests['memory']) r['memory'] = r['requests.memory'] = requests['memory'];
  if (limits['memory']) r['limits.memory'] = limits['memory'];
  if (requests['ephemeral-storage']) r['ephemeral-storage'] = r['requests.ephemeral-storage'] = requests['ephemeral-storage'];
  if (limits['ephemeral-storage']) r['limits.ephemeral-storage'] = limits['ephemeral-storage'];
  for (const [k, v] of Object.entries(requests)) {
    if (k.startsWith('hugepages-')) {
      r[k] = v;
      r[`requests.${k}`] = v;
    }
  }
  return r;
}

/** QuotaV1Pod: terminal pods, and pods past their deletion grace, are not charged. */
export function quotaV1Pod(pod: KubeObject, nowMs: number): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') return false;
  const del = pod.metadata.deletionTimestamp;
  const grace = pod.metadata.deletionGracePeriodSeconds;
  if (del && grace !== undefined && grace !== null && nowMs > parseRfc3339(del) + Number(grace) * 1000) return false;
  return true;
}

/** PodUsageFunc. */
export function podUsage(pod: KubeObject, nowMs: number): ResourceList {
  const result: ResourceList = { 'count/pods': one() };
  if (!quotaV1Pod(pod, nowMs)) return result;
  const { requests, limits } = podRequestsAndLimits(pod);
  return addList(result, podComputeUsage(requests, limits));
}

/** The claim's storage class (the beta annotation first, as storagehelpers.GetPersistentVolumeClaimClass). */
function claimClassOf(pvc: KubeObject): string {
  const a = pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  if (a !== undefined) return a;
  return typeof pvc.spec?.storageClassName === 'string' ? pvc.spec.storageClassName : '';
}

/** pvcEvaluator.Usage. */
export function pvcUsage(pvc: KubeObject): ResourceList {
  const r: ResourceList = { persistentvolumeclaims: one(), 'count/persistentvolumeclaims': one() };
  const cls = claimClassOf(pvc);
  if (cls) r[`${cls}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`] = one();
  const raw = pvc.spec?.resources?.requests?.storage;
  if (raw !== undefined && raw !== null) {
    let storage: Quantity;
    try {
      storage = roundUp(parseQuantity(raw), 0);
    } catch {
      return r;
    }
    const allocated = pvc.status?.allocatedResources?.storage;
    if (allocated !== undefined) {
      try {
        const a = roundUp(parseQuantity(allocated), 0);
        if (a.nano > storage.nano) storage = a;
      } catch {
        /* the request stands */
      }
    }
    r['requests.storage'] = storage;
    if (cls) r[`${cls}${STORAGE_CLASS_SUFFIX}requests.storage`] = storage;
  }
  return r;
}

/** serviceEvaluator.Usage. */
export function serviceUsage(svc: KubeObject): ResourceList {
  const r: ResourceList = { services: one(), 'count/services': one() };
  const ports = ((svc.spec?.ports ?? []) as unknown[]).length;
  const type = svc.spec?.type ?? 'ClusterIP';
  const n = (v: number): Quantity => ({ nano: BigInt(v) * 1_000_000_000n, format: 'DecimalSI' });
  if (type === 'NodePort') r['services.nodeports'] = n(ports);
  if (type === 'LoadBalancer') {
    r['services.loadbalancers'] = one();
    r['services.nodeports'] = n(svc.spec?.allocateLoadBalancerNodePorts === false ? 0 : ports);
  }
  return r;
}

/** An evaluator's Usage for an object of `resource`. */
export function usageOf(resource: string, obj: KubeObject, nowMs: number): ResourceList {
  if (resource === 'pods') return podUsage(obj, nowMs);
  if (resource === 'persistentvolumeclaims') return pvcUsage(obj);
  if (resource === 'services') return serviceUsage(obj);
  const [res, ...group] = resource.split('.');
  const r: ResourceList = { [objectCountName(res!, group.join('.'))]: one() };
  if (LEGACY_COUNT[resource]) r[LEGACY_COUNT[resource]!] = one();
  return r;
}

/** qos.GetPodQOS(pod) == BestEffort: no container asks for or limits cpu or memory. */
export function isBestEffort(pod: KubeObject): boolean {
  const cs = [...((pod.spec?.containers ?? []) as any[]), ...((pod.spec?.initContainers ?? []) as any[])];
  return cs.every((c) => ['cpu', 'memory'].every((r) => c?.resources?.requests?.[r] === undefined && c?.resources?.limits?.[r] === undefined));
}

interface ScopeSelectorRequirement {
  scopeName: string;
  operator: string;
  values?: string[];
}

/** getScopeSelectorsFromQuota: the scopes as Exists requirements, then the scope selector's. */
export function scopeSelectors(quota: KubeObject): ScopeSelectorRequirement[] {
  const out: ScopeSelectorRequirement[] = ((quota.spec?.scopes ?? []) as string[]).map((s) => ({ scopeName: s, operator: 'Exists' }));
  for (const e of (quota.spec?.scopeSelector?.matchExpressions ?? []) as ScopeSelectorRequirement[]) out.push(e);
  return out;
}

/** podMatchesScopeFunc. */
function podMatchesScope(sel: ScopeSelectorRequirement, pod: KubeObject): boolean {
  const ads = pod.spec?.activeDeadlineSeconds;
  const terminating = ads !== undefined && ads !== null && Number(ads) >= 0;
  switch (sel.scopeName) {
    case 'Terminating':
      return terminating;
    case 'NotTerminating':
      return !terminating;
    case 'BestEffort':
      return isBestEffort(pod);
    case 'NotBestEffort':
      return !isBestEffort(pod);
    case 'PriorityClass': {
      const pc = String(pod.spec?.priorityClassName ?? '');
      if (sel.operator === 'Exists') return pc.length !== 0;
      if (sel.operator === 'DoesNotExist') return pc.length === 0;
      const vals = sel.values ?? [];
      if (sel.operator === 'In') return pc.length !== 0 && vals.includes(pc);
      if (sel.operator === 'NotIn') return pc.length === 0 || !vals.includes(pc);
      return false;
    }
    case 'CrossNamespacePodAffinity': {
      const terms = [...((pod.spec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) as any[]), ...((pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) as any[])];
      return terms.some((t) => (t?.namespaces ?? []).length > 0 || t?.namespaceSelector !== undefined);
    }
  }
  return false;
}

/** Whether every scope of the quota matches the object (no scopes: all match). */
export function matchesScopes(resource: string, quota: KubeObject, obj: KubeObject): boolean {
  const sels = scopeSelectors(quota);
  if (resource === 'pods') return sels.every((s) => podMatchesScope(s, obj));
  return sels.length === 0;
}

/** generic.Matches: the quota tracks one of the evaluator's resources (in status.hard) and its scopes match. */
export function quotaMatches(resource: string, quota: KubeObject, obj: KubeObject): boolean {
  return matchingResources(resource, Object.keys(quota.status?.hard ?? {})).length > 0 && matchesScopes(resource, quota, obj);
}

/** podEvaluator.Constraints: a quota on cpu/memory needs every container to say how much. */
export function podConstraints(required: string[], pod: KubeObject): string | undefined {
  const req = required.filter((r) => POD_CONSTRAINED.includes(r));
  const missing = new Map<string, Set<string>>();
  const check = (c: any) => {
    const have = new Set(Object.keys(podComputeUsage(containerRequests(c), containerList(c?.resources?.limits))));
    for (const r of req) if (!have.has(r)) (missing.get(r) ?? missing.set(r, new Set()).get(r)!).add(String(c?.name ?? ''));
  };
  for (const c of (pod.spec?.containers ?? []) as any[]) check(c);
  for (const c of (pod.spec?.initContainers ?? []) as any[]) check(c);
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

/**
 * CalculateUsage for one quota: the usage of every tracked resource the lab can count, from the
 * namespace's objects by resource ("pods", "persistentvolumeclaims", "services", …). Resources
 * the quota names whose objects are not given are left out of the result.
 */
export function calculateUsage(quota: KubeObject, objects: Record<string, KubeObject[]>, nowMs: number): ResourceList {
  const hard = Object.keys(quota.spec?.hard ?? {});
  let used: ResourceList = {};
  const matched: string[] = [];
  for (const [resource, items] of Object.entries(objects)) {
    const names = matchingResources(resource, hard);
    if (names.length === 0) continue;
    matched.push(...names);
    let stats: ResourceList = {};
    for (const n of names) stats[n] = zeroQuantity();
    for (const o of items) if (matchesScopes(resource, quota, o)) stats = addList(stats, usageOf(resource, o, nowMs));
    used = addList(used, maskList(stats, names));
  }
  return maskList(used, hard.filter((h) => matched.includes(h)));
}
