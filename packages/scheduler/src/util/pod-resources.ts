/**
 * A pod's resource requests as the scheduler computes them at v1.33:
 * - component-helpers/resource/helpers.go `PodRequests` / `AggregateContainerRequests`: the sum
 *   of the containers, restartable (sidecar) init containers added to that sum, then the max with
 *   each regular init container (plus the sidecars started before it), plus `spec.overhead`;
 *   quantities are summed exactly and read with MilliValue (cpu) / Value (everything else),
 *   both ceil-rounded.
 * - pkg/scheduler/util/pod_resources.go: DefaultMilliCPURequest = 100 (0.1 core) and
 *   DefaultMemoryRequest = 200 MiB, applied per container only when the key is MISSING from
 *   `requests` (`NonMissingContainerRequests`; an explicit `cpu: 0` stays 0).
 * - framework/types.go `Resource` (Add / SetMaxResource) and v1helper.IsScalarResourceName:
 *   which names count as scalar (extended `example.com/foo`, `hugepages-*`,
 *   `attachable-volumes-*`, `*kubernetes.io/*`).
 *
 * Left out: pod-level resources (`spec.resources`, alpha in v1.33, off by default) and
 * in-place resize status resources (beta, used only for already-running pods' actual sizes).
 */
import type { Container, Pod, ResourceList } from '../api/types';
import { milliValueOfNano, parseQuantityNano, valueOfNano } from './quantity';

export const DefaultMilliCPURequest = 100;
export const DefaultMemoryRequest = 200 * 1024 * 1024;

const QUALIFIED = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function isPrefixedNativeResource(name: string): boolean {
  return name.includes('kubernetes.io/');
}
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || isPrefixedNativeResource(name);
}
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return QUALIFIED.test(`requests.${name}`);
}
export function isHugePageResourceName(name: string): boolean {
  return name.startsWith('hugepages-');
}
export function isAttachableVolumeResourceName(name: string): boolean {
  return name.startsWith('attachable-volumes-');
}
export function isScalarResourceName(name: string): boolean {
  return isExtendedResourceName(name) || isHugePageResourceName(name) || isPrefixedNativeResource(name) || isAttachableVolumeResourceName(name);
}

/** framework.Resource: cpu in millicores, memory and storage in bytes, scalars by name. */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  allowedPodNumber: number;
  scalar: Map<string, number>;
}

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: new Map() };
}

type NanoList = Map<string, bigint>;

function toNano(rl: ResourceList | undefined | null, where: string): NanoList {
  const out: NanoList = new Map();
  if (!rl) return out;
  for (const k of Object.keys(rl)) {
    try {
      out.set(k, parseQuantityNano(rl[k]!));
    } catch (e) {
      throw new Error(`${where}[${k}]: Invalid value: ${JSON.stringify(rl[k])}: ${(e as Error).message}`);
    }
  }
  return out;
}

function addList(into: NanoList, from: NanoList): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0n) + v);
}
function maxList(into: NanoList, from: NanoList): void {
  for (const [k, v] of from) {
    const cur = into.get(k);
    if (cur === undefined || v > cur) into.set(k, v);
  }
}

const defaultNonMissing: NanoList = new Map([
  ['cpu', BigInt(DefaultMilliCPURequest) * 1_000_000n],
  ['memory', BigInt(DefaultMemoryRequest) * 1_000_000_000n],
]);

function containerRequests(c: Container, path: string, nonMissing: boolean): NanoList {
  const reqs = toNano(c.resources?.requests, `${path}.resources.requests`);
  if (nonMissing) for (const [k, v] of defaultNonMissing) if (!reqs.has(k)) reqs.set(k, v);
  return reqs;
}

/** PodRequests(pod, {NonMissingContainerRequests: defaults if nonMissing}) in nano-units. */
export function podRequestsNano(pod: Pod, nonMissing: boolean): NanoList {
  const reqs: NanoList = new Map();
  (pod.spec.containers ?? []).forEach((c, i) => addList(reqs, containerRequests(c, `spec.containers[${i}]`, nonMissing)));
  const restartable: NanoList = new Map();
  const initMax: NanoList = new Map();
  (pod.spec.initContainers ?? []).forEach((c, i) => {
    let cr = containerRequests(c, `spec.initContainers[${i}]`, nonMissing);
    if (c.restartPolicy === 'Always') {
      addList(reqs, cr);
      addList(restartable, cr);
      cr = new Map(restartable);
    } else {
      const tmp: NanoList = new Map();
      addList(tmp, cr);
      addList(tmp, restartable);
      cr = tmp;
    }
    maxList(initMax, cr);
  });
  maxList(reqs, initMax);
  if (pod.spec.overhead) addList(reqs, toNano(pod.spec.overhead, 'spec.overhead'));
  return reqs;
}

/** Resource.Add over a ResourceList (cpu MilliValue, the rest Value; unknown native names ignored). */
function resourceFrom(list: NanoList): Resource {
  const r = emptyResource();
  for (const [k, v] of list) {
    switch (k) {
      case 'cpu':
        r.milliCPU += milliValueOfNano(v);
        break;
      case 'memory':
        r.memory += valueOfNano(v);
        break;
      case 'pods':
        r.allowedPodNumber += valueOfNano(v);
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage += valueOfNano(v);
        break;
      default:
        if (isScalarResourceName(k)) r.scalar.set(k, (r.scalar.get(k) ?? 0) + valueOfNano(v));
    }
  }
  return r;
}

/** What one pod asks for, computed once per pod object. */
export interface PodResources {
  /** PodRequests without defaults: Fit filter, node Requested, BalancedAllocation. */
  requests: Resource;
  /** cpu/memory with the per-container defaults: node NonZeroRequested, Fit scoring. */
  nonZeroMilliCPU: number;
  nonZeroMemory: number;
  /** raw quantity lists by resource name, for scalar lookups by the scorers */
  requestsByName: Map<string, number>;
  nonZeroByName: Map<string, number>;
}

function byName(list: NanoList): Map<string, number> {
  const m = new Map<string, number>();
  for (const [k, v] of list) m.set(k, k === 'cpu' ? milliValueOfNano(v) : valueOfNano(v));
  return m;
}

const cache = new WeakMap<Pod, PodResources>();

/** The pod's requests, memoised per pod object (treat pods as immutable once scheduled). */
export function podResources(pod: Pod): PodResources {
  let r = cache.get(pod);
  if (r) return r;
  const raw = podRequestsNano(pod, false);
  const nz = podRequestsNano(pod, true);
  const nzr = resourceFrom(nz);
  r = { requests: resourceFrom(raw), nonZeroMilliCPU: nzr.milliCPU, nonZeroMemory: nzr.memory, requestsByName: byName(raw), nonZeroByName: byName(nz) };
  cache.set(pod, r);
  return r;
}

/** Lets a copy of a pod (the same spec, bound to a node) share the requests already computed. */
export function adoptPodResources(from: Pod, to: Pod): void {
  const r = cache.get(from);
  if (r && from.spec.containers === to.spec.containers && from.spec.initContainers === to.spec.initContainers && from.spec.overhead === to.spec.overhead) cache.set(to, r);
}

/** framework.NewResource(node.status.allocatable). */
export function resourceFromList(rl: ResourceList | undefined | null, where: string): Resource {
  return resourceFrom(toNano(rl, where));
}
